# args: verify {} -q
# exit: 2
# stderr: {}:9:11: error: spawn() needs a procedure name as its first argument
def w():
    pass


def init():
    spawn(1)
