# args: list empty.py --json
# exit: 0
# stdout: "procedures": []
