# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: 'for ... else' is not part of the model language
def w():
    for i in (1,):
        pass
    else:
        pass


def init():
    pass
