# args: verify {} -q
# exit: 2
# stderr: {}:6:5: error: slice assignment is not part of the model language
def w():
    xs = (1, 2)
    xs[0:1] = (3,)


def init():
    pass
