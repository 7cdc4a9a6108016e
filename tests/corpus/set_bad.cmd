# args: verify ../models/racy_lock.py -q --set 'X=(1,'
# exit: 2
# stderr: <command line>:1:1: error: --set X: '(1,' is not a literal (int, bool, str, None or a tuple)
