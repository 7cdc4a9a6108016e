# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: '/' is not part of the model language (integers only; use '//')
def w():
    y = 1 / 2


def init():
    pass
