# args: replay ../models/racy_lock.py --path 0/99
# exit: 2
# stderr: ../models/racy_lock.py:1:1: error: replay failed: step 1: the path takes successor 99 but only 2 step(s) are enabled
