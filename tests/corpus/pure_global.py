# args: verify {} -q
# exit: 2
# stderr: {}:9:5: error: 'global' in @pure function 'f' (it may not assign globals)
x: int = 0


@pure
def f():
    global x
    x = 1


def init():
    pass
