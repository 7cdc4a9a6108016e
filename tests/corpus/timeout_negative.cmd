# args: verify ../models/racy_lock.py -q --timeout -1
# exit: 2
# stderr: <command line>:1:1: error: --timeout must be a positive number, not -1
