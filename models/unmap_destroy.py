"""Destroying a userptr VMA on an UNMAP event (seed 003, PROTOCOL H8, L1).

``DESTROY_IN_CALLBACK``: the notifier callback removes its own notifier (what the 2024 RFC
first wanted).  Removal waits until the epoch that covers the notifier ends, but that
epoch ends only after the callback returns: the thread waits for itself.
Otherwise the callback queues the destroy to a worker, which takes vm->lock (write), as
VMA destruction must, and removes the notifier from there.
"""

from mmnotif_check.kernel.locks import RwSem, down_write, up_write
from mmnotif_check.kernel.mmu_notifier import (
    MmSubscriptions,
    MmuIntervalNotifier,
    MmuRange,
    mmu_interval_notifier_insert,
    mmu_notifier_invalidate_range,
    mmu_interval_notifier_remove,
)
from mmnotif_check.kernel.workqueue import Work, WorkQueue, queue_work, worker_thread

DESTROY_IN_CALLBACK = True


class Vma:
    notifier: MmuIntervalNotifier = None
    vm_lock: RwSem = None
    work: Work = None
    destroyed: bool = False


@pure
def vma_of(n):
    for v in objects(Vma):
        if v.notifier is n:
            return v
    return None


def destroy_vma(v):
    down_write(v.vm_lock)
    mmu_interval_notifier_remove(v.notifier)
    v.destroyed = True
    up_write(v.vm_lock)


def destroy_work(w):
    destroy_vma(w.args[0])


def on_unmap(n, rng, cur_seq):
    v = vma_of(n)
    n.invalidate_seq = cur_seq
    if DESTROY_IN_CALLBACK:
        mmu_interval_notifier_remove(n)
        v.destroyed = True
    else:
        queue_work(objects(WorkQueue)[0], v.work)
    return True


def init():
    subs = new(MmSubscriptions)
    wq = new(WorkQueue)
    spawn(worker_thread, wq, name="worker", daemon=True)
    n = new(MmuIntervalNotifier, invalidate=on_unmap)
    mmu_interval_notifier_insert(n, subs, 0, 16)
    v = new(Vma, notifier=n, vm_lock=new(RwSem))
    v.work = new(Work, fn=destroy_work, args=(v,))
    rng = new(MmuRange, start=0, end=16)
    spawn(mmu_notifier_invalidate_range, subs, rng, name="munmap")


@final
def vma_destroyed():
    """vma_destroyed: the VMA of an unmapped range was not destroyed"""
    return all(v.destroyed for v in objects(Vma)) or any(len(w.pending) > 0 or w.active > 0 for w in objects(WorkQueue))
