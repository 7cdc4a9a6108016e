"""dma_fence and dma_resv (PROTOCOL 1.8).

A fence goes pending -> signaled once.  A fence with ``needs_enable`` (an xe preempt
fence) signals only after someone enabled software signaling.  ``fence_signaller`` is a
daemon that signals one fence at a nondeterministic time, so every fence eventually
signals (job timeouts and resets bound GPU work).
"""


class DmaFence:
    signaled: bool = False
    sw_signaling: bool = False
    needs_enable: bool = False
    seqno: int = 0
    error: int = 0


class DmaResv:
    """The fence container of a reservation object (BOOKKEEP usage: every fence)."""

    fences: tuple = ()


def dma_fence_signal(f):
    with atomic():
        f.signaled = True


def dma_fence_enable_sw_signaling(f):
    with atomic():
        if not f.signaled:
            f.sw_signaling = True


@pure
def dma_fence_is_signaled(f):
    return f.signaled


def dma_fence_wait(f):
    """dma_fence_wait_timeout(): enables software signaling, then waits."""
    with atomic():
        if not f.signaled:
            f.sw_signaling = True
    wait_until(f.signaled)


def dma_resv_add_fence(resv, f):
    with atomic():
        resv.fences = resv.fences + (f,)


def dma_resv_enable_signaling_all(resv):
    """Enable software signaling on every fence present now."""
    with atomic():
        for f in resv.fences:
            if not f.signaled:
                f.sw_signaling = True


@pure
def dma_resv_test_signaled(resv):
    return all(f.signaled for f in resv.fences)


def dma_resv_wait(resv):
    """dma_resv_wait_timeout(BOOKKEEP, MAX_SCHEDULE_TIMEOUT): waits for the fences present
    when the walk starts; fences added later are not waited (PROTOCOL 1.8)."""
    with atomic():
        snapshot = resv.fences
        for f in snapshot:
            if not f.signaled:
                f.sw_signaling = True
    wait_until(all(f.signaled for f in snapshot))


def fence_signaller(f):
    """A GPU / scheduler actor (spawn it as a daemon): signals ``f`` eventually."""
    with atomic():
        wait_until(not f.needs_enable or f.sw_signaling)
        f.signaled = True
