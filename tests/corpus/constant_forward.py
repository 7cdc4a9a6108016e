# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: 'M' is not a constant defined before this point
N = M + 1
M = 1


def init():
    pass
