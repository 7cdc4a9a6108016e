# args: verify {} -q --json
# exit: 1
# stdout: "message": "integer too large to convert to or from a string (more than 4300 digits)"
# stdout: "y": "<an int of 24001 bits>"
s: str = ''


def w():
    global s
    y = 2 ** 4000
    with atomic():
        for i in range(20000):
            y = y + y
    s = str(y)


def init():
    spawn(w)
