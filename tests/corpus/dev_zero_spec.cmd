# args: gate /dev/zero --no-cache
# exit: 2
# stderr: /dev/zero:1:1: error: cannot read spec file: it is a character device, not a regular file
