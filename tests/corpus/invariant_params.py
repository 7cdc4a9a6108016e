# args: verify {} -q
# exit: 2
# stderr: {}:5:1: error: @invariant 'inv' must take no parameters
@invariant
def inv(a):
    return True


def init():
    pass
