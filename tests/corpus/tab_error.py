# args: verify {} -q
# exit: 2
# stderr: {}:6:1: error: syntax error: inconsistent use of tabs and spaces in indentation
def w():
    if True:
	pass


def init():
    pass
