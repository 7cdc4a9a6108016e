# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: chained assignment 'a = b = ...' is not part of the model language (assign one target per statement)
def w():
    a = b = 1


def init():
    pass
