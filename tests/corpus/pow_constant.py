# args: verify {} -q
# exit: 2
# stderr: {}:4:5: error: integer too large: 7 ** 1000000000 has more than 4096 bits
X = 7 ** (10 ** 9)


def init():
    pass
