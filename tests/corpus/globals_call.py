# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: unknown function 'globals'
def w():
    y = globals()


def init():
    pass
