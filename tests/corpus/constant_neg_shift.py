# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: negative shift count
N = 1 << -1


def init():
    pass
