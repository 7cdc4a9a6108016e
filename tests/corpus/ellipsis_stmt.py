# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: an expression statement has no effect (only calls may stand alone)
def w():
    ...


def init():
    pass
