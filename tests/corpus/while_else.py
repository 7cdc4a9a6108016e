# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: 'while ... else' is not part of the model language
def w():
    while False:
        pass
    else:
        pass


def init():
    pass
