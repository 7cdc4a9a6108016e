# args: verify {} -q --timeout 5
# exit: 0
# stdout: HOLDS
x: u64 = 0


def w():
    global x
    x = u64(7) ** (10 ** 9)


@invariant
def small():
    return x < 2 ** 64


def init():
    spawn(w)
