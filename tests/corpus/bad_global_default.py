# args: verify {} -q
# exit: 2
# stderr: {}:4:11: error: global 'x' of type bool cannot start as 3
x: bool = 3


def init():
    pass
