# args: verify {} -q --timeout 2
# exit: 1
# stdout: VIOLATED (error): integer too large: 7 ** 1000000000 has more than 4096 bits
x: int = 0


def w():
    global x
    x = 7 ** (10 ** 9)


def init():
    spawn(w)
