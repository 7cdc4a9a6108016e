# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): integer too large: an int of 4097 bits (at most 4096)
x: int = 2 ** 4095


def w():
    global x
    x = x + x


def init():
    spawn(w)
