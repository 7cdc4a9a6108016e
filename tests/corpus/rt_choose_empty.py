# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): choose() over an empty sequence
def w():
    y = choose(())


def init():
    spawn(w)
