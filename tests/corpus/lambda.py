# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: 'lambda' is not part of the model language
def w():
    y = lambda: 1


def init():
    pass
