# args: replay nothere.json
# exit: 2
# stderr: nothere.json:1:1: error: trace file does not exist
