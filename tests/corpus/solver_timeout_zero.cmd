# args: verify ../models/racy_lock.py -q --solver-timeout 0
# exit: 2
# stderr: <command line>:1:1: error: --solver-timeout must be a positive integer, not 0
