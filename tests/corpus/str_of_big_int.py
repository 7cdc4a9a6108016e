# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): integer too large: the product has more than 4096 bits
s: str = ''


def w():
    global s
    y = 10 ** 1000
    y = y * y * y * y * y
    s = str(y)


def init():
    spawn(w)
