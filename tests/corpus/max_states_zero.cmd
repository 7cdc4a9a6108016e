# args: verify ../models/racy_lock.py -q --max-states 0
# exit: 2
# stderr: <command line>:1:1: error: --max-states must be a positive integer, not 0
