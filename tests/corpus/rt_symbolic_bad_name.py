# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): symbolic(): the name must be an identifier string, not '1a'
def w():
    y = symbolic('1a', u64)


def init():
    spawn(w)
