# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: imported model file 'mmnotif_check/kernel/nothere.py' does not exist
from mmnotif_check.kernel.nothere import X


def init():
    pass
