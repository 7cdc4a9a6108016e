# args: 
# exit: 0
# stdout: Commands:
# stdout: verify
