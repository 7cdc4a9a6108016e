# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): wrong type: can only concatenate str (not "int") to str
def w():
    y = 'a' + 1


def init():
    spawn(w)
