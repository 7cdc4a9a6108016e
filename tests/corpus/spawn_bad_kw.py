# args: verify {} -q
# exit: 2
# stderr: {}:9:14: error: spawn() has no keyword 'prio' (allowed: name, daemon)
def w():
    pass


def init():
    spawn(w, prio=1)
