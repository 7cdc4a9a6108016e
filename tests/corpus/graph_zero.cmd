# args: graph ../models/racy_lock.py --max-states 0
# exit: 2
# stderr: <command line>:1:1: error: --max-states must be at least 1
