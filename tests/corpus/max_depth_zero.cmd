# args: verify ../models/racy_lock.py -q --max-depth 0
# exit: 2
# stderr: <command line>:1:1: error: --max-depth must be a positive integer, not 0
