# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: builtin 'len' must be called
def w():
    y = len


def init():
    pass
