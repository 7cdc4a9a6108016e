# args: verify {} -q
# exit: 2
# stderr: {}:6:5: error: 'del' is not part of the model language (statements allowed: assignment, if/elif/else, while, for, break, continue, return, assert, pass, global, calls, 'with atomic():')
def w():
    y = 1
    del y


def init():
    pass
