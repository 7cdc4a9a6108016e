# args: verify {} -q
# exit: 2
# stderr: {}:5:8: error: bad type annotation 'in valid'
def w():
    y: 'in valid' = 1


def init():
    pass
