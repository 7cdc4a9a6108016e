# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): expected a bool, got int 3
x: bool = False


def w():
    global x
    x = 3


def init():
    spawn(w)
