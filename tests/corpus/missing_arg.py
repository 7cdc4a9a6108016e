# args: verify {} -q
# exit: 2
# stderr: {}:9:5: error: 'f' missing argument 'b' (takes 2)
def f(a, b):
    pass


def w():
    f(1)


def init():
    pass
