x: int = 0
# ÿş café
def init():
    pass
