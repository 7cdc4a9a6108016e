# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: 'expr' at module level is not part of the model language (allowed at module level: a docstring, imports, constants, globals, classes and functions)
1 + 1


def init():
    pass
