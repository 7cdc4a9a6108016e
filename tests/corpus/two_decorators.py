# args: verify {} -q
# exit: 2
# stderr: {}:6:1: error: function 'w' has more than one of @pure, @invariant, @final
@pure
@invariant
def w():
    return True


def init():
    pass
