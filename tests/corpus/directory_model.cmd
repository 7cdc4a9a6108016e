# args: verify ../models -q
# exit: 2
# stderr: ../models:1:1: error: a model file must be a '.py' file
