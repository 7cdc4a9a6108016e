# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: unknown function '__import__'
def w():
    y = __import__('os')


def init():
    pass
