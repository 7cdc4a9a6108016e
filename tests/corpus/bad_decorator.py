# args: verify {} -q
# exit: 2
# stderr: {}:4:2: error: unknown decorator (allowed: @pure, @invariant, @final)
@staticmethod
def w():
    pass


def init():
    pass
