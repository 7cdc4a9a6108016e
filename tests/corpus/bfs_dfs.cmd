# args: verify ../models/racy_lock.py -q --bfs --dfs
# exit: 2
# stderr: <command line>:1:1: error: --bfs and --dfs exclude each other
