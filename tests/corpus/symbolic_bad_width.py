# args: verify {} -q
# exit: 2
# stderr: {}:5:23: error: symbolic(name, type): type must be one of u8 u16 u32 u64 s8 s16 s32 s64 (or a bit width)
def w():
    y = symbolic('a', 3.5)


def init():
    pass
