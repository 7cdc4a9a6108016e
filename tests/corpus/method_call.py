# args: verify {} -q
# exit: 2
# stderr: {}:6:5: error: method call '.append()' is not part of the model language (values are immutable: use xs + (x,), remove(xs, x), ...)
def w():
    xs = ()
    xs.append(1)


def init():
    pass
