# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: 'break' outside a loop
def w():
    break


def init():
    pass
