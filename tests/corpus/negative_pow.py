# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): negative exponent: 2 ** -1 is not an integer
def w():
    n = -1
    y = 2 ** n


def init():
    spawn(w)
