# args: verify {} -q
# exit: 2
# stderr: {}:5:5: error: unknown procedure 'print'
def w():
    print(1)


def init():
    pass
