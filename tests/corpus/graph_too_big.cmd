# args: graph ../models/philosophers_ordered.py --max-states 5
# exit: 2
# stderr: <command line>:1:1: error: ../models/philosophers_ordered.py has more than 5 reachable states: too many to draw (raise --max-states or make the model smaller with --set)
