# args: verify {} -q
# exit: 1
# stdout: VIOLATED (invariant inv)
@invariant
def inv():
    return me() == 0


def init():
    pass
