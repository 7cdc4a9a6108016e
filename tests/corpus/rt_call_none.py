# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): call() through a None procedure reference
def w():
    p = None
    call(p)


def init():
    spawn(w)
