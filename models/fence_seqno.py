"""dma_fence seqno comparisons (PROTOCOL 5.3: C15-C19), for all values.

``later32(a, b)`` is ``__dma_fence_is_later`` with 32-bit semantics: the signed 32-bit
difference of the low halves is positive.  A timeline signals its fences in order; a
waiter decides "already signaled?" by comparing the timeline's last signaled seqno with
its fence's seqno.  ``COMPARE = "unsigned"`` is the mutant that compares with a plain
unsigned ``>``, which breaks at the 32-bit wrap.
"""

COMPARE = "later32"   # later32 | unsigned


@pure
def later32(a, b):
    return s32(u32(a) - u32(b)) > 0


@pure
def later64(a, b):
    return a > b


@pure
def is_later(a, b):
    if COMPARE == "unsigned":
        return u32(a) > u32(b)
    return later32(a, b)


def claims():
    a = symbolic("a", u64)
    assert not later32(a, a), "C15: no seqno is later than itself"
    d = (symbolic("d", u32) >> 1)            # 0 <= d < 2^31
    if d != 0:
        assert later32(a + d, a) and not later32(a, a + d), "C16: a + d is later than a for 1 <= d < 2^31"
    half = a + (1 << 31)
    assert not later32(half, a) and not later32(a, half), "C17: at distance 2^31 neither is later"
    assert later32(half, a) or later32(a, half), "C17_total: the relation is total at distance 2^31 (it is not)"
    b = symbolic("b", u64)
    c = symbolic("c", u64)
    if later32(b, a) and later32(c, b):
        assert later32(c, a), "C18: later32 is transitive (it is not)"
    top = symbolic("top", u64) | 0xFFFFFFFFFFFFFFFF
    assert later64(top + 1, top), "C19: later64 sees the wrapped successor as later (it does not)"
    assert later32(top + 1, top), "C19_32: later32 sees the successor as later across the wrap"


class Timeline:
    last: u64 = 0          # the last signaled seqno
    signaled: tuple = ()   # ghost: the seqnos signaled so far


def signaller(tl, first):
    """Signal the timeline's fences first, first + 1 in order."""
    for k in range(2):
        with atomic():
            tl.last = first + k
            tl.signaled = tl.signaled + (first + k,)


def waiter(tl, seqno):
    """dma_fence_is_signaled via the timeline: last signaled is seqno or later."""
    with atomic():
        done = tl.last == seqno or is_later(tl.last, seqno)
    if done:
        assert seqno in tl.signaled, "in_order_wait: a waiter believed an unsignaled fence was signaled"


CLAIMS = True


def init():
    if CLAIMS:
        spawn(claims, name="claims")
    start = symbolic("start", u64) & 0xFFFFFFFF
    tl = new(Timeline, last=start)
    spawn(signaller, tl, start + 1, name="timeline")
    spawn(waiter, tl, start + 2, name="waiter")
