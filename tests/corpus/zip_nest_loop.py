# args: verify {} -q --reduce none
# exit: 1
# stdout: VIOLATED (error): value too large: tuples nested more than 100 deep
def w():
    x = (1,)
    with atomic():
        while True:
            x = tuple(zip(x))


def init():
    spawn(w)
