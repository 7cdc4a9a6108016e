# args: verify ../models/racy_lock.py -q --set NOPE=1
# exit: 2
# stderr: <command line>:1:1: error: --set NOPE: unknown constant 'NOPE' (known constants: none)
