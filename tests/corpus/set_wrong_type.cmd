# args: verify ../models/philosophers_ordered.py -q --set N=abc
# exit: 2
# stderr: <command line>:1:1: error: --set N: constant 'N' has type int (default 3), cannot set it to 'abc'
