# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: init() runs once before exploration and cannot be called
def w():
    init()


def init():
    spawn(w)
