# args: replay ../models/racy_lock.py --path 0/x
# exit: 2
# stderr: <command line>:1:1: error: --path: bad path '0/x' (expected indices separated by '/', like 0/2/1)
