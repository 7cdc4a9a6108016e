# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): value too large: a str of 2000000000000 items (at most 1000000)
s: str = ''


def w():
    global s
    s = 'ab' * (10 ** 12)


def init():
    spawn(w)
