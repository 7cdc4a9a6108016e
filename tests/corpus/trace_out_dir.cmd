# args: verify ../models/racy_lock.py -q --trace-out _dir.py
# exit: 2
# stderr: <command line>:1:1: error: Invalid value for '--trace-out': File '_dir.py' is a directory.
