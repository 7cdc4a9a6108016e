# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: 'import' is not part of the model language (use 'from <model module> import name')
import os


def init():
    pass
