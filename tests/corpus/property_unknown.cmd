# args: verify ../models/racy_lock.py -q --property mutual_exclusio
# exit: 2
# stderr: <command line>:1:1: error: --property mutual_exclusio: the model has no property of that name; did you mean 'mutual_exclusion'? (known: mutual_exclusion)
