# args: verify {} -q
# exit: 2
# stderr: {}:10:9: error: no class has a field 'vals'; did you mean 'val'?
class S:
    val: int = 0


def w():
    s = new(S)
    y = s.vals


def init():
    pass
