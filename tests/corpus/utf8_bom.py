"""A lock whose test and set are separate steps: mutual exclusion is violated."""

locked: bool = False
in_cs: int = 0


def worker():
    global locked, in_cs
    wait_until(not locked)
    locked = True
    in_cs += 1
    in_cs -= 1
    locked = False


def init():
    spawn(worker, name="t0")
    spawn(worker, name="t1")


@invariant
def mutual_exclusion():
    """two threads are in the critical section"""
    return in_cs <= 1
