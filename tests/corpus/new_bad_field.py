# args: verify {} -q
# exit: 2
# stderr: {}:9:16: error: class 'S' has no field 'nope'
class S:
    v: int = 0


def w():
    s = new(S, nope=1)


def init():
    pass
