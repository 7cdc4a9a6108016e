# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): index out of range
def w():
    y = ()[3]


def init():
    spawn(w)
