# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: choose() takes at least 1 argument, 0 given
def w():
    y = choose()


def init():
    pass
