# args: list {} --json
# exit: 0
# stdout: "value": 1000000000
X = 10 ** 1000


def init():
    pass
