# args: verify {} -q
# exit: 2
# stderr: {}:10:9: error: 'f' is a @pure function; call it (only procedures can be used as values, like C function pointers)
@pure
def f():
    return 1


def w():
    y = f


def init():
    pass
