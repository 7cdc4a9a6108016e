# args: verify {} -q
# exit: 2
# stderr: {}:9:8: error: procedure 'f' takes steps and may only be called as a whole statement, as the whole right-hand side of an assignment, or as 'return f(...)'; store its result in a local first
def f():
    return True


def w():
    if f():
        pass


def init():
    pass
