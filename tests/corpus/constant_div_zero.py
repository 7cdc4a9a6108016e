# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: bad constant expression: integer division or modulo by zero
N = 1 // 0


def init():
    pass
