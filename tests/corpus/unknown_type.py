# args: verify {} -q
# exit: 2
# stderr: {}:4:4: error: unknown type 'float' (allowed: bool, int, u8, u16, u32, u64, s8, s16, s32, s64, str, tuple, list, proc, or a class defined in the model)
x: float = 0


def init():
    pass
