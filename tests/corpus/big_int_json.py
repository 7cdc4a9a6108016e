# args: verify {} -q --json
# exit: 1
# stdout: "kind": "invariant"
x: int = 10 ** 1200


def w():
    global x
    x = x * 10


@invariant
def small():
    return x < 10 ** 1201


def init():
    spawn(w)
