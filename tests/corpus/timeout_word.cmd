# args: verify ../models/racy_lock.py -q --timeout soon
# exit: 2
# stderr: <command line>:1:1: error: Invalid value for '--timeout': 'soon' is not a valid float.
