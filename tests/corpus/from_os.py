# args: verify {} -q
# exit: 2
# stderr: {}:4:1: error: import of 'os' is not part of the model language (allowed: 'from mmnotif_check.kernel.<module> import ...' and relative 'from .<module> import ...')
from os import path


def init():
    pass
