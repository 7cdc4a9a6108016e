# args: verify {} -q
# exit: 2
# stderr: {}:8:5: error: 'N' is a constant and cannot be assigned (override it with --set N=VALUE)
N = 1


def w():
    N = 2


def init():
    pass
