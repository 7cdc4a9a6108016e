# args: verify {} -q
# exit: 2
# stderr: {}:5:8: error: unknown type 'float' (allowed: bool, int, u8, u16, u32, u64, s8, s16, s32, s64, str, tuple, list, proc, or a class defined in the model)
def w():
    y: float = 1


def init():
    pass
