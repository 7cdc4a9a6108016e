# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): wrong type: '<' not supported between instances of 'str' and 'int'
def w():
    y = sorted((1, 'a'))


def init():
    spawn(w)
