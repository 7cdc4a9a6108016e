# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): wrong type: argument of type 'object reference' is not iterable
class S:
    v: int = 0


def w():
    s = new(S)
    assert 1 in s


def init():
    spawn(w)
