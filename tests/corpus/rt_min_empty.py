# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): bad value: min() arg is an empty sequence
def w():
    y = min(())


def init():
    spawn(w)
