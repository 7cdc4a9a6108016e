# args: explore lambda.py
# exit: 2
# stderr: lambda.py:5:9: error: 'lambda' is not part of the model language
