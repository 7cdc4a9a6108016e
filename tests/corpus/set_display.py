# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: a set display is not part of the model language
def w():
    y = {1, 2}


def init():
    pass
