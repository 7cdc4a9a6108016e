# args: replay spec_bom.toml --path 0
# exit: 2
# stderr: spec_bom.toml:1:1: error: a model file must be a '.py' file
