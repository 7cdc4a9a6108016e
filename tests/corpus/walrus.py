# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: an assignment expression (':=') is not part of the model language
def w():
    if (y := 1):
        pass


def init():
    pass
