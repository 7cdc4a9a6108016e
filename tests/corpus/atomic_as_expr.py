# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: atomic() may only be used as a statement ('with atomic():')
def w():
    y = atomic()


def init():
    pass
