# args: verify {} -q
# exit: 1
# stdout: VIOLATED (error): init() blocked on a wait_until
def init():
    wait_until(False)
