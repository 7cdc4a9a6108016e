"""Sleeping and spinning locks with owner tracking (for lockdep-style assertions).

Each lock operation is one atomic step; a blocked acquire waits at its first statement.
Owners are thread ids (``me()``), so ``lockdep_assert_held*`` can say who holds what.
"""

NO_OWNER = -1


class RwSem:
    """struct rw_semaphore: one writer or many readers."""

    writer: int = -1
    readers: tuple = ()


class Mutex:
    """struct mutex (also used for ww_mutex / dma_resv locks: no deadlock avoidance)."""

    owner: int = -1


class SpinLock:
    """spinlock_t: a Mutex that may not be held across a sleep (not enforced)."""

    owner: int = -1


def down_read(sem):
    with atomic():
        wait_until(sem.writer == -1)
        sem.readers = sem.readers + (me(),)


def down_read_trylock(sem):
    with atomic():
        ok = sem.writer == -1
        if ok:
            sem.readers = sem.readers + (me(),)
    return ok


def up_read(sem):
    with atomic():
        assert me() in sem.readers, "up_read() of an rw_semaphore this thread does not hold for read"
        sem.readers = remove(sem.readers, me())


def down_write(sem):
    with atomic():
        wait_until(sem.writer == -1 and len(sem.readers) == 0)
        sem.writer = me()


def up_write(sem):
    with atomic():
        assert sem.writer == me(), "up_write() of an rw_semaphore this thread does not hold for write"
        sem.writer = -1


def downgrade_write(sem):
    with atomic():
        assert sem.writer == me(), "downgrade_write() without holding the rw_semaphore for write"
        sem.writer = -1
        sem.readers = sem.readers + (me(),)


@pure
def rwsem_held_write(sem):
    return sem.writer == me()


@pure
def rwsem_held_read(sem):
    return me() in sem.readers


@pure
def rwsem_held(sem):
    return sem.writer == me() or me() in sem.readers


def lockdep_assert_held(sem):
    assert rwsem_held(sem), "lockdep_assert_held: rw_semaphore not held"


def lockdep_assert_held_write(sem):
    assert rwsem_held_write(sem), "lockdep_assert_held_write: rw_semaphore not held for write"


def lockdep_assert_held_read(sem):
    assert rwsem_held_read(sem), "lockdep_assert_held_read: rw_semaphore not held for read"


def mutex_lock(m):
    with atomic():
        wait_until(m.owner == -1)
        m.owner = me()


def mutex_trylock(m):
    with atomic():
        ok = m.owner == -1
        if ok:
            m.owner = me()
    return ok


def mutex_unlock(m):
    with atomic():
        assert m.owner == me(), "mutex_unlock() of a mutex this thread does not hold"
        m.owner = -1


@pure
def mutex_is_held(m):
    return m.owner == me()


def spin_lock(s):
    with atomic():
        wait_until(s.owner == -1)
        s.owner = me()


def spin_unlock(s):
    with atomic():
        assert s.owner == me(), "spin_unlock() of a spinlock this thread does not hold"
        s.owner = -1
