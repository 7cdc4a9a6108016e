"""madvise autoreset: work queued from notifier context and its teardown (seed 002, H9, L2).

The notifier callback (single pass) queues a per-VM work item on UNMAP; the worker takes
vm->lock for write to reset the attributes of the range.  ``FINI_HOLDS_VM_LOCK`` is RFC
v1's teardown: it drains the workqueue while holding vm->lock, so a queued item that the
worker starts waits for vm->lock, and the drain waits for the item: a deadlock (Matt's
review: "drain_workqueue should touch its lockdep map which has tainted vm->lock").  The
later RFC drains without vm->lock.  ``CLOSING_CHECK_RACY`` is RFC v1's ``closing`` flag read
apart from the queueing (H12): the callback can queue while fini drains.
"""

from mmnotif_check.kernel.locks import RwSem, down_write, up_write
from mmnotif_check.kernel.mmu_notifier import (
    MmSubscriptions,
    MmuIntervalNotifier,
    MmuRange,
    mmu_interval_notifier_insert,
    mmu_notifier_invalidate_range,
)
from mmnotif_check.kernel.workqueue import Work, WorkQueue, drain_workqueue, queue_work, worker_thread

FINI_HOLDS_VM_LOCK = True
CLOSING_CHECK_RACY = False    # RFC v1: READ_ONCE(closing) and queue_work as separate steps (H12)


class Vm:
    lock: RwSem = None
    wq: WorkQueue = None
    work: Work = None
    notifier: MmuIntervalNotifier = None
    resets: int = 0
    closing: bool = False


@pure
def vm_of(n):
    for vm in objects(Vm):
        if vm.notifier is n:
            return vm
    return None


def autoreset_work(w):
    vm = w.args[0]
    down_write(vm.lock)
    vm.resets += 1
    up_write(vm.lock)


def on_unmap(n, rng, cur_seq):
    vm = vm_of(n)
    n.invalidate_seq = cur_seq
    if rng.event != "unmap":
        return True
    if CLOSING_CHECK_RACY:
        closing = vm.closing
        if not closing:
            queue_work(vm.wq, vm.work)
    else:
        with atomic():  # the later RFC: down_read_trylock(teardown_rwsem) around the queueing
            if not vm.closing:
                queue_work(vm.wq, vm.work)
    return True


def vm_fini(vm):
    vm.closing = True
    if FINI_HOLDS_VM_LOCK:
        down_write(vm.lock)
        drain_workqueue(vm.wq)
        up_write(vm.lock)
    else:
        drain_workqueue(vm.wq)


def init():
    subs = new(MmSubscriptions)
    wq = new(WorkQueue)
    spawn(worker_thread, wq, name="worker", daemon=True)
    n = new(MmuIntervalNotifier, invalidate=on_unmap)
    mmu_interval_notifier_insert(n, subs, 0, 16)
    vm = new(Vm, lock=new(RwSem), wq=wq, notifier=n)
    vm.work = new(Work, fn=autoreset_work, args=(vm,))
    spawn(mmu_notifier_invalidate_range, subs, new(MmuRange, start=0, end=16, event="unmap"), name="munmap")
    spawn(vm_fini, vm, name="fini")
