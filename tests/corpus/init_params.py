# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: init() 'init' must take no parameters
def init(a):
    pass
