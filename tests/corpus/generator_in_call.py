# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: 'async for' is not part of the model language
def w():
    y = (i async for i in x)


def init():
    pass
