# args: trace convert /dev/zero --to text
# exit: 2
# stderr: /dev/zero:1:1: error: cannot read trace file: it is a character device, not a regular file
