# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: integer too large: 10 ** 5000 has more than 4096 bits
X = 10 ** 5000


def init():
    pass
