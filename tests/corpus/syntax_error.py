# args: verify {} -q
# exit: 2
# stderr: {}:4:7: error: syntax error: invalid syntax
def w(:
    pass


def init():
    pass
