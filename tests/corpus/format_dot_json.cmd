# args: verify ../models/racy_lock.py -q --format dot --json
# exit: 2
# stderr: <command line>:1:1: error: --json and --format dot exclude each other (--json is --format json)
