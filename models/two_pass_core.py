"""The two-pass core on its own: the finish pass after -EAGAIN (PROTOCOL 2.2(b), H3).

Two interval notifiers cover the same range, in tree order:

* ``deferring`` (first) always defers: pass 1 marks its embedded handle in use and hands
  it to the core; its finish clears the mark.  It does not look at the blockable flag
  (a driver that defers even when the range is not blockable).
* ``xe_like`` (second) returns false when the range is not blockable, as xe does.

A non-blockable invalidation (the OOM reaper) therefore stops at the second notifier with
-EAGAIN after the first has handed out its handle.  The core must still run the finish
pass for the handles it collected (S5); ``SKIP_FINISH_ON_EAGAIN`` is the mutant that does not.
"""

from mmnotif_check.kernel.mmu_notifier import (
    MmSubscriptions,
    MmuIntervalNotifier,
    MmuNotifierFinish,
    MmuRange,
    mmu_interval_notifier_insert,
    mmu_notifier_invalidate_range,
)

NONBLOCKING = True
INVALIDATIONS = 1


class Driver:
    notifier: MmuIntervalNotifier = None
    finish: MmuNotifierFinish = None
    inuse: bool = False
    started: int = 0      # ghost: handles this driver's start handed to the core
    finished: int = 0     # ghost: finish calls it received


@pure
def driver_of(x):
    for d in objects(Driver):
        if d.notifier is x or d.finish is x:
            return d
    return None


def deferring_start(n, rng, cur_seq):
    d = driver_of(n)
    with atomic():
        n.invalidate_seq = cur_seq
        if d.inuse:
            return (True, None)
        d.inuse = True
        d.started += 1
    return (True, d.finish)


def deferring_finish(fin):
    d = driver_of(fin)
    with atomic():
        d.finished += 1
        d.inuse = False


def xe_like_start(n, rng, cur_seq):
    if not rng.blockable:
        return (False, None)
    n.invalidate_seq = cur_seq
    return (True, None)


def xe_like_finish(fin):
    pass


def init():
    subs = new(MmSubscriptions)
    n1 = new(MmuIntervalNotifier, invalidate_start=deferring_start, invalidate_finish=deferring_finish)
    n2 = new(MmuIntervalNotifier, invalidate_start=xe_like_start, invalidate_finish=xe_like_finish)
    mmu_interval_notifier_insert(n1, subs, 0, 16)
    mmu_interval_notifier_insert(n2, subs, 0, 16)
    new(Driver, notifier=n1, finish=new(MmuNotifierFinish))
    new(Driver, notifier=n2, finish=new(MmuNotifierFinish))
    for i in range(INVALIDATIONS):
        rng = new(MmuRange, start=0, end=16, blockable=not NONBLOCKING)
        spawn(mmu_notifier_invalidate_range, subs, rng, name=f"reaper{i}")


@final
def every_handle_finished():
    """every_handle_finished: a handle handed to the core was not finished exactly once (S5)"""
    return all(d.started == d.finished and not d.inuse for d in objects(Driver))


@final
def window_closed():
    """window_closed: the invalidation epoch is still open after every invalidation returned"""
    return all(s.active_invalidate_ranges == 0 and s.invalidate_seq % 2 == 0 for s in objects(MmSubscriptions))
