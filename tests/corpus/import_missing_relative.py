# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: imported model file 'nothere.py' does not exist
from .nothere import X


def init():
    pass
