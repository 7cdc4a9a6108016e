# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): recursion too deep
@pure
def f(n):
    return f(n + 1)


def w():
    y = f(0)


def init():
    spawn(w)
