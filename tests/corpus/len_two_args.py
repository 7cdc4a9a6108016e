# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: len() takes 1 argument, 2 given
def w():
    y = len(1, 2)


def init():
    pass
