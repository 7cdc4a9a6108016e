# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): an atomic block ran for too long (an endless loop?)
def f(n):
    f(n + 1)


def init():
    f(0)
