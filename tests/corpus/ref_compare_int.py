# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): wrong type: '<' not supported between instances of 'object reference' and 'int'
class S:
    v: int = 0


def w():
    s = new(S)
    assert s < 1


def init():
    spawn(w)
