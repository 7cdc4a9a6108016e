# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): an atomic block ran for too long (an endless loop?)
def w():
    with atomic():
        while True:
            pass


def init():
    spawn(w)
