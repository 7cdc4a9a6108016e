# args: verify /dev/zero -q
# exit: 2
# stderr: /dev/zero:1:1: error: a model file must be a '.py' file
