# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: bad constant expression: can only concatenate str (not "int") to str
N = 'a' + 1


def init():
    pass
