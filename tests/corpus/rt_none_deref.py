# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): None dereference (attribute access on None)
class S:
    v: int = 0


o: S | None = None


def w():
    y = o.v


def init():
    spawn(w)
