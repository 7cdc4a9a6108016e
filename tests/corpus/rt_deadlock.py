# args: verify {} -q
# exit: 1
# stdout: VIOLATED (deadlock)
def w():
    wait_until(False)


def init():
    spawn(w)
