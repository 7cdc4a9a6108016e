# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: 'mmnotif_check/kernel/locks.py' defines no 'RwSemm'; did you mean 'RwSem'?
from mmnotif_check.kernel.locks import RwSemm


def init():
    pass
