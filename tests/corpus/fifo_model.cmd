# args: verify /dev/stdin -q
# exit: 2
# stderr: /dev/stdin:1:1: error: a model file must be a '.py' file
