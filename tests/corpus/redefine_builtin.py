# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: 'len' is a builtin of the model language and cannot be redefined
len = 3


def init():
    pass
