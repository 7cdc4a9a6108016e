# args: verify {} -q --timeout 5
# exit: 1
# stdout: VIOLATED (error): integer too large: the product has more than 4096 bits
x: int = 3


def w():
    global x
    with atomic():
        while True:
            x = x * x


def init():
    spawn(w)
