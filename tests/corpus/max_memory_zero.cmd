# args: verify ../models/racy_lock.py -q --max-memory 0
# exit: 2
# stderr: <command line>:1:1: error: --max-memory must be a positive integer, not 0
