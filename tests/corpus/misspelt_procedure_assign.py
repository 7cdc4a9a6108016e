# args: verify {} -q
# exit: 2
# stderr: {}:9:9: error: unknown function 'gaurd'; did you mean 'guard'?
def guard():
    return 1


def w():
    y = gaurd()


def init():
    spawn(w)
