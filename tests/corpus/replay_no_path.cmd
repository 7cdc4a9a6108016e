# args: replay ../models/racy_lock.py
# exit: 2
# stderr: <command line>:1:1: error: replay MODEL.py needs --path TOKEN (or give a TRACE.json report instead)
