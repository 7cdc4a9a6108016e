# args: verify {} -q
# exit: 2
# stderr: {}:9:5: error: unknown procedure 'gaurd'; did you mean 'guard'?
def guard():
    pass


def w():
    gaurd()


def init():
    spawn(w)
