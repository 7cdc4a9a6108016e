# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): value too large: a tuple of 1000000000000 items (at most 1000000)
x: tuple = ()


def w():
    global x
    x = (1,) * (10 ** 12)


def init():
    spawn(w)
