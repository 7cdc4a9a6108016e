# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: unknown function 'open'; did you mean 'append'?
def w():
    y = open('/etc/passwd')


def init():
    pass
