# args: verify {} -q
# exit: 2
# stderr: {}:1:1: error: the model has no init() procedure: no thread runs and nothing is checked (define 'def init():' that spawns the threads)
"""Only a docstring."""
