# args: verify {} -q
# exit: 2
# stderr: {}:8:5: error: assignment to global 'x' needs 'global x' in 'w' (as in Python)
x: int = 0


def w():
    x = 1


def init():
    pass
