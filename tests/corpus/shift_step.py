# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): integer too large: 1 << 1000000000 has more than 4096 bits
x: int = 0


def w():
    global x
    n = 10 ** 9
    x = 1 << n


def init():
    spawn(w)
