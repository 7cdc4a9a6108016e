# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: a constant must be a literal (int, bool, str, None, a tuple of these) or arithmetic over literals and earlier constants
N = len((1, 2))


def init():
    pass
