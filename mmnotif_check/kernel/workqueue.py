"""Workqueues with a daemon worker (queue_work, flush_workqueue, drain_workqueue).

A ``Work`` names the procedure to run (``fn``, called with the work item) and carries
its arguments in ``args``.  ``spawn(worker_thread, wq, daemon=True)`` starts a worker.
"""


class Work:
    fn: proc = None
    args: tuple = ()
    pending: bool = False


class WorkQueue:
    pending: tuple = ()
    active: int = 0
    draining: bool = False
    running: tuple = ()     # (worker thread, work) pairs being executed now


def queue_work(wq, w):
    with atomic():
        # chained work (queued by a work item of this queue) is allowed while draining
        assert not wq.draining or any(t == me() for t, _ in wq.running), "queue_while_draining: queue_work() from outside on a workqueue that is being drained"
        queued = not w.pending
        if queued:
            w.pending = True
            wq.pending = wq.pending + (w,)
    return queued


@pure
def wq_runnable(wq):
    """The first pending work not running on another worker (never two at once)."""
    for w in wq.pending:
        if not any(r is w for _, r in wq.running):
            return w
    return None


def worker_thread(wq):
    while True:
        with atomic():
            wait_until(wq_runnable(wq) is not None)
            w = wq_runnable(wq)
            wq.pending = remove(wq.pending, w)
            w.pending = False
            wq.active += 1
            wq.running = wq.running + ((me(), w),)
        call(w.fn, w)
        with atomic():
            wq.active -= 1
            wq.running = remove(wq.running, (me(), w))


def flush_workqueue(wq):
    wait_until(len(wq.pending) == 0 and wq.active == 0)


def drain_workqueue(wq):
    with atomic():
        wq.draining = True
    wait_until(len(wq.pending) == 0 and wq.active == 0)
    with atomic():
        wq.draining = False


def flush(wq):
    """Short name of flush_workqueue."""
    flush_workqueue(wq)


def drain(wq):
    """Short name of drain_workqueue."""
    drain_workqueue(wq)
