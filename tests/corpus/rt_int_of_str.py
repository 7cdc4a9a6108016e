# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): bad value: invalid literal for int() with base 10: 'zz'
def w():
    y = int('zz')


def init():
    spawn(w)
