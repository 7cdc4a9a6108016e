# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: no class has a field '__class__'
def w():
    y = (1).__class__


def init():
    pass
