"""GPU TLB invalidation per GT (PROTOCOL 1.9): seqnos, in-order completion, batches.

``tlb_inval_issue`` takes the next seqno under the seqno lock and queues a fence;
``tlb_done_actor`` (a daemon) completes outstanding invalidations in issue order.
A ``TlbBatch`` holds the fences of one submit; waiting it empties it, so a second wait
is harmless.
"""

from .fence import DmaFence

TLB_SEQNO_MAX = 0x100000


class Gt:
    seqno: int = 1
    seqno_recv: int = 0
    pending: tuple = ()


class TlbBatch:
    fences: tuple = ()


@pure
def tlb_next_seqno(s):
    n = (s + 1) % TLB_SEQNO_MAX
    return 1 if n == 0 else n


def tlb_inval_issue(gt):
    with atomic():
        f = new(DmaFence, seqno=gt.seqno)
        gt.pending = gt.pending + (f,)
        gt.seqno = tlb_next_seqno(gt.seqno)
    return f


def tlb_done_actor(gt):
    while True:
        with atomic():
            wait_until(len(gt.pending) > 0)
            f = gt.pending[0]
            gt.pending = gt.pending[1:]
            gt.seqno_recv = f.seqno
            f.signaled = True


def tlb_inval_sync(gt):
    f = tlb_inval_issue(gt)
    wait_until(f.signaled)


def tlb_batch_submit(batch, gt):
    with atomic():
        assert len(batch.fences) == 0, "TLB invalidation batch submitted into while it still holds unwaited fences"
        f = new(DmaFence, seqno=gt.seqno)
        gt.pending = gt.pending + (f,)
        gt.seqno = tlb_next_seqno(gt.seqno)
        batch.fences = (f,)


def tlb_batch_wait(batch):
    wait_until(all(f.signaled for f in batch.fences))
    with atomic():
        batch.fences = ()


@pure
def tlb_batch_done(batch):
    return all(f.signaled for f in batch.fences)
