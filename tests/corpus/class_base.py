# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: class 'S' must not have base classes (classes are plain structs)
class S(object):
    v: int = 0


def init():
    pass
