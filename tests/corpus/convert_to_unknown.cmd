# args: trace convert _racy.json --to pdf
# exit: 2
# stderr: <command line>:1:1: error: Invalid value for '--to': 'pdf' is not one of 'text', 'json', 'itf', 'mermaid', 'dot', 'html'.
