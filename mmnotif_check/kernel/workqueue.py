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


def queue_work(wq, w):
    with atomic():
        assert not wq.draining, "queue_while_draining: queue_work() from outside on a workqueue that is being drained"
        queued = not w.pending
        if queued:
            w.pending = True
            wq.pending = wq.pending + (w,)
    return queued


def worker_thread(wq):
    while True:
        with atomic():
            wait_until(len(wq.pending) > 0)
            w = wq.pending[0]
            wq.pending = wq.pending[1:]
            w.pending = False
            wq.active += 1
        call(w.fn, w)
        with atomic():
            wq.active -= 1


def flush_workqueue(wq):
    wait_until(len(wq.pending) == 0 and wq.active == 0)


def drain_workqueue(wq):
    with atomic():
        wq.draining = True
    wait_until(len(wq.pending) == 0 and wq.active == 0)
    with atomic():
        wq.draining = False
