# args: verify {} -q
# exit: 2
# stderr: {}:9:5: error: 'f' takes 1 argument but 2 were given
def f(a):
    pass


def w():
    f(1, 2)


def init():
    pass
