# args: verify {} -q
# exit: 2
# stderr: {}:11:9: error: wait_until may only be the first statement of a 'with atomic()' block (an atomic step may block only at its start, never halfway)
x: int = 0


def w():
    global x
    with atomic():
        x = 1
        wait_until(x == 1)


def init():
    pass
