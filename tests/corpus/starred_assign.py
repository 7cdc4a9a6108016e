# args: verify {} -q
# exit: 2
# stderr: {}:5:8: error: starred assignment is not part of the model language
def w():
    a, *b = (1, 2)


def init():
    pass
