# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): None dereference (subscript of None)
def w():
    y = None
    y = y[0]


def init():
    spawn(w)
