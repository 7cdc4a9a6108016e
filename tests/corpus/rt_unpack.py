# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): cannot unpack (1, 2, 3) into 2 names
def w():
    a, b = (1, 2, 3)


def init():
    spawn(w)
