# args: verify {} -q --detail full
# exit: 1
# stdout: VIOLATED (invariant small)
# stdout: replay token: 0/0 
x: int = 10 ** 1200


def w():
    global x
    x = x * 10


@invariant
def small():
    return x < 10 ** 1201


def init():
    spawn(w)
