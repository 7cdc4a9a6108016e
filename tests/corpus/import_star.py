# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: 'import *' is not part of the model language (name what you import)
from mmnotif_check.kernel.locks import *


def init():
    pass
