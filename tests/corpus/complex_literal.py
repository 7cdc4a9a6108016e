# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: a complex literal is not part of the model language (values: int, bool, str, None, tuples)
def w():
    y = 1j


def init():
    pass
