# args: verify {} -q
# exit: 1
# stdout: invariant 'inv' returned 1, not a bool
@invariant
def inv():
    return 1


def init():
    pass
