# args: verify {} -q
# exit: 2
# stderr: {}:5:1: error: 'x' is defined twice in this file
x: int = 0
x: int = 1


def init():
    pass
