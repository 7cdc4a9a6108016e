# args: verify ../models/racy_lock.py -q --set X
# exit: 2
# stderr: <command line>:1:1: error: --set 'X': expected NAME=VALUE, e.g. --set VMS=2
