# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: unknown name 'zz'
def w():
    y = zz + 1


def init():
    pass
