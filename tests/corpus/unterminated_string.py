# args: verify {} -q
# exit: 2
# stderr: {}:5:9: error: syntax error: unterminated string literal (detected at line 5)
def w():
    y = 'abc


def init():
    pass
