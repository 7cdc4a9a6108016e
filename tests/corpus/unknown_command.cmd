# args: verfy ../models/racy_lock.py
# exit: 2
# stderr: <command line>:1:1: error: No such command 'verfy'. Did you mean 'verify'?
