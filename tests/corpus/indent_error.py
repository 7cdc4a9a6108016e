# args: verify {} -q
# exit: 2
# stderr: {}:5:1: error: syntax error: expected an indented block after function definition on line 4
def w():
pass


def init():
    pass
