# args: verify {} -q --timeout 10
# exit: 1
# stdout: VIOLATED (error): value too large: tuples nested more than 100 deep
x: tuple = ()


def w():
    global x
    with atomic():
        while True:
            x = (x,)


def init():
    spawn(w)
