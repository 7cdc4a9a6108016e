# args: list {}
# exit: 0
# stdout: X = 1000000000
X = 10 ** 1000


def init():
    pass
