# args: replay _racy.json --path 0
# exit: 2
# stderr: <command line>:1:1: error: --path and --set come from the trace file; do not give them with a .json TARGET
