# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: 'nonlocal' is not part of the model language (statements allowed: assignment, if/elif/else, while, for, break, continue, return, assert, pass, global, calls, 'with atomic():')
def w():
    nonlocal y


def init():
    pass
