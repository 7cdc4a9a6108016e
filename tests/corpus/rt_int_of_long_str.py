# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): integer too large to convert to or from a string (more than 4300 digits)
def w():
    y = int('9' * 5000)


def init():
    spawn(w)
