# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: function 'w': only plain positional parameters are allowed (no *args, **kwargs, keyword-only or positional-only)
def w(*a):
    pass


def init():
    pass
