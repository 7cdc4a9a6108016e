# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): wrong type: object of type 'int' has no len()
def w():
    y = len(3)


def init():
    spawn(w)
