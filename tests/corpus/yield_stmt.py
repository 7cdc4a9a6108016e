# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: 'yield' is not part of the model language
def w():
    yield 1


def init():
    pass
