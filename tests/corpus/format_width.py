# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): value too large: the format '>1000000000' asks for more than 1000000 characters
s: str = ''


def w():
    global s
    n = 10 ** 9
    s = f'{1:>{n}}'


def init():
    spawn(w)
