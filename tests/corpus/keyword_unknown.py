# args: verify {} -q
# exit: 2
# stderr: {}:9:7: error: 'f' has no parameter 'b'
def f(a):
    pass


def w():
    f(b=1)


def init():
    pass
