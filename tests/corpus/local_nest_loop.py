# args: verify {} -q --timeout 10
# exit: 1
# stdout: VIOLATED (error): value too large: tuples nested more than 100 deep
def w():
    x = ()
    while True:
        x = (x,)


def init():
    spawn(w)
