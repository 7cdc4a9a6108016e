# args: verify ../models/racy_lock.py -q --trace-out _notes.txt/x.json
# exit: 2
# stderr: <command line>:1:1: error: --trace-out _notes.txt/x.json: cannot write it: '_notes.txt' is not a directory
