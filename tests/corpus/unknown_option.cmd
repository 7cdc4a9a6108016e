# args: verify ../models/racy_lock.py --frobnicate
# exit: 2
# stderr: <command line>:1:1: error: No such option '--frobnicate'. Did you mean '--format'?
