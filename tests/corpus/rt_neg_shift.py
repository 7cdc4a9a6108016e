# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): negative shift count
def w():
    y = -1
    y = 1 << y


def init():
    spawn(w)
