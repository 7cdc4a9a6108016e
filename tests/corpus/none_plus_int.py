# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): wrong type: unsupported operand type(s) for +: 'None' and 'int'
def w():
    y = None
    y = y + 1


def init():
    spawn(w)
