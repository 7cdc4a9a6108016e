# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): value too large: a range of 1000000000000 items (at most 1000000)
def w():
    for i in range(10 ** 12):
        pass


def init():
    spawn(w)
