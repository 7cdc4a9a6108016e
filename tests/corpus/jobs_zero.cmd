# args: gate ../models --jobs 0
# exit: 2
# stderr: <command line>:1:1: error: --jobs must be at least 1
