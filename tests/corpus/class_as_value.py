# args: verify {} -q
# exit: 2
# stderr: {}:9:9: error: 'S' is a class; use new(S, ...) or objects(S)
class S:
    v: int = 0


def w():
    y = S


def init():
    pass
