# args: verify {} -q
# exit: 2
# stderr: {}:10:5: error: @invariant function 'inv' must be side-effect-free and non-blocking (w is not allowed here)
def w():
    pass


@invariant
def inv():
    w()
    return True


def init():
    pass
