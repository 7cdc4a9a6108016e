# args: explore ../models/racy_lock.py --at 5
# exit: 2
# stderr: <command line>:1:1: error: --at 5: path starts at initial state 5 but the model has 1 initial state(s)
