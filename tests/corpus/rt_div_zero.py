# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): division by zero
def w():
    y = 0
    y = 1 // y


def init():
    spawn(w)
