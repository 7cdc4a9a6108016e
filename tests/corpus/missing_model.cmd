# args: verify nothere.py -q
# exit: 2
# stderr: nothere.py:1:1: error: model file does not exist
