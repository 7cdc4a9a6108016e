# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): spawn(): a thread named 'a' already exists
def w():
    pass


def init():
    spawn(w, name='a')
    spawn(w, name='a')
