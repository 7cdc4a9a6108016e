# args: verify {} -q
# exit: 2
# stderr: {}:6:5: error: class 'S' declares field 'v' twice
class S:
    v: int = 0
    v: int = 1


def init():
    pass
