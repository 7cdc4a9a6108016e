# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: value too large: a tuple of 1000000000000 items (at most 1000000)
X = (0,) * (10 ** 12)


def init():
    pass
