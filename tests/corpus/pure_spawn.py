# args: verify {} -q
# exit: 2
# stderr: {}:10:12: error: spawn() changes the state and cannot be used in @pure function 'f'
def w():
    pass


@pure
def f():
    return spawn(w)


def init():
    pass
