# args: verify _dir.py -q
# exit: 2
# stderr: _dir.py:1:1: error: cannot read model file: it is a directory
