"""The kernel library (mmnotif_check/kernel/) primitive by primitive.

Each test writes a tiny model that imports one primitive from the shipped library and checks
what the checker finds: verdicts, the violated property and kind, who is blocked in a
deadlock, and, for a few models small enough to count by hand, the exact number of states
(the count is derived in a comment next to the assertion; docs/language.md, "What one step
is", gives the step rules the count relies on).

Tests marked ``xfail(strict=True)`` state what the Linux kernel does where the library
currently behaves differently; they turn into failures (XPASS) once the library is fixed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mmnotif_check import CheckOptions, explore, load_model


def only(*names: str) -> frozenset[str]:
    """A property selection for ``CheckOptions.properties`` (invariants and finals)."""
    return frozenset(names)


def explore_selected(kit, text: str, *names: str, overrides=None):
    """Explore with only ``names`` selected, as the CLI's ``--property`` does.

    Named asserts are switched off when the model is compiled, so the selection goes to
    ``load_model`` as well as to ``CheckOptions``.
    """
    model = load_model(str(kit.write(text)), dict(overrides or {}), "none", frozenset(names))
    return explore(model, CheckOptions(reduction="none", properties=frozenset(names)))


def blocked_names(res) -> set[str]:
    return {b.name for b in res.violation.blocked}


# ============================================================================ locks

RWSEM_CRITICAL = """
from mmnotif_check.kernel.locks import RwSem, down_read, down_write, up_read, up_write

FIRST = "write"
SECOND = "write"
LOCKED = True

readers_in: int = 0
writers_in: int = 0


def w(sem, mode):
    global readers_in, writers_in
    if mode == "write":
        if LOCKED:
            down_write(sem)
        writers_in += 1
        writers_in -= 1
        if LOCKED:
            up_write(sem)
    else:
        if LOCKED:
            down_read(sem)
        readers_in += 1
        readers_in -= 1
        if LOCKED:
            up_read(sem)


def init():
    sem = new(RwSem)
    spawn(w, sem, FIRST, name="t0")
    spawn(w, sem, SECOND, name="t1")


@invariant
def writer_alone():
    \"\"\"writer_alone: a writer shares the critical section\"\"\"
    return writers_in == 0 or (writers_in == 1 and readers_in == 0)


@invariant
def one_inside():
    \"\"\"one_inside: two threads are in the critical section together\"\"\"
    return readers_in + writers_in <= 1
"""


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [
        ("write", "write", False),
        ("write", "read", False),
        ("read", "write", False),
        ("read", "read", True),
    ],
)
def test_rwsem_excludes_writers_from_readers_and_writers(kit, first, second, together):
    consts = {"FIRST": first, "SECOND": second}
    res = kit.explore(RWSEM_CRITICAL, overrides=consts, properties=only("writer_alone"))
    assert res.verdict == "holds"
    # Readers are allowed in together (and only readers are).
    res = kit.explore(RWSEM_CRITICAL, overrides=consts, properties=only("one_inside"))
    if together:
        v = res.violation
        assert (res.verdict, v.kind, v.property) == ("violated", "invariant", "one_inside")
    else:
        assert res.verdict == "holds"


def test_rwsem_critical_section_invariant_has_teeth_without_the_lock(kit):
    res = kit.explore(RWSEM_CRITICAL, overrides={"LOCKED": False}, properties=only("writer_alone"))
    assert (res.verdict, res.violation.kind, res.violation.property) == ("violated", "invariant", "writer_alone")


LOCK_PAIR = """
from mmnotif_check.kernel.locks import RwSem, down_read, down_write, up_read, up_write

FIRST = "write"
SECOND = "write"


def w(sem, mode):
    if mode == "write":
        down_write(sem)
        up_write(sem)
    else:
        down_read(sem)
        up_read(sem)


def init():
    sem = new(RwSem)
    spawn(w, sem, FIRST, name="t0")
    spawn(w, sem, SECOND, name="t1")
"""


@pytest.mark.parametrize(
    ("first", "second", "states"),
    [
        ("write", "write", 72),
        ("write", "read", 72),
        ("read", "write", 72),
        ("read", "read", 90),
    ],
)
def test_rwsem_state_count_shows_exclusion(kit, first, second, states):
    # One thread walks 9 positions: p0 `if mode == ...`, p1 the call down_*(sem), p2 the
    # atomic acquire (blocked while excluded), p3 down_*'s implicit return, p4 the call
    # up_*(sem), p5 the atomic release, p6 up_*'s implicit return, p7 w's implicit return,
    # p8 done.  A thread at p3..p5 holds the lock, and the lock fields are a function of
    # who holds it.
    # * a writer involved: never both at p3..p5, 9 * 9 - 3 * 3 = 72 states;
    # * two readers: all 81 pairs, and the 3 * 3 pairs with both inside come in two
    #   versions (readers == (0, 1) or (1, 0), by who got in first): 81 + 9 = 90.
    res = kit.explore(LOCK_PAIR, overrides={"FIRST": first, "SECOND": second})
    assert (res.verdict, res.stats.states) == ("holds", states)


UNLOCK_BY_OTHER = """
from mmnotif_check.kernel.locks import (
    Mutex, RwSem, down_read, down_write, mutex_lock, mutex_unlock, up_read, up_write,
)

LOCK = "write"      # how the owner takes it: write | read | mutex | none
UNLOCK = "write"    # what the intruder calls: write | read | mutex
BY_OWNER = False    # the owner itself unlocks (the control)

taken: bool = False


def owner(sem, m):
    global taken
    if LOCK == "write":
        down_write(sem)
    elif LOCK == "read":
        down_read(sem)
    elif LOCK == "mutex":
        mutex_lock(m)
    taken = True
    if BY_OWNER:
        release(sem, m)


def intruder(sem, m):
    wait_until(taken)
    if not BY_OWNER:
        release(sem, m)


def release(sem, m):
    if UNLOCK == "write":
        up_write(sem)
    elif UNLOCK == "read":
        up_read(sem)
    else:
        mutex_unlock(m)


def init():
    sem = new(RwSem)
    m = new(Mutex)
    spawn(owner, sem, m, name="owner")
    spawn(intruder, sem, m, name="intruder")
"""

UP_READ_MSG = "up_read() of an rw_semaphore this thread does not hold for read"
UP_WRITE_MSG = "up_write() of an rw_semaphore this thread does not hold for write"
MUTEX_UNLOCK_MSG = "mutex_unlock() of a mutex this thread does not hold"


@pytest.mark.parametrize(
    ("lock", "unlock", "message"),
    [
        ("write", "write", UP_WRITE_MSG),
        ("read", "read", UP_READ_MSG),
        ("mutex", "mutex", MUTEX_UNLOCK_MSG),
        ("none", "write", UP_WRITE_MSG),
        ("none", "read", UP_READ_MSG),
        ("none", "mutex", MUTEX_UNLOCK_MSG),
    ],
)
def test_unlock_by_a_thread_that_does_not_hold_the_lock_is_an_assert(kit, lock, unlock, message):
    res = kit.check(UNLOCK_BY_OTHER, overrides={"LOCK": lock, "UNLOCK": unlock})
    v = res.result.violation
    # the library's messages carry no `tag:`, so the property is the whole message
    assert (res.verdict, v.kind, v.property, v.message) == ("violated", "assert", message, message)
    assert v.thread == "intruder"
    assert v.location[0].endswith("kernel/locks.py")


@pytest.mark.parametrize(
    ("lock", "unlock", "verdict"),
    [
        ("write", "write", "holds"),
        ("read", "read", "holds"),
        ("mutex", "mutex", "holds"),
        ("read", "write", "violated"),   # held for read, released for write
        ("write", "read", "violated"),   # held for write, released for read
    ],
)
def test_unlock_by_the_owner(kit, lock, unlock, verdict):
    res = kit.explore(UNLOCK_BY_OTHER, overrides={"LOCK": lock, "UNLOCK": unlock, "BY_OWNER": True})
    assert res.verdict == verdict
    if verdict == "violated":
        assert res.violation.kind == "assert"
        assert res.violation.message == {"write": UP_WRITE_MSG, "read": UP_READ_MSG}[unlock]


LOCKDEP = """
from mmnotif_check.kernel.locks import (
    RwSem, down_read, down_write, lockdep_assert_held, lockdep_assert_held_read,
    lockdep_assert_held_write, rwsem_held, rwsem_held_read, rwsem_held_write, up_read, up_write,
)

MODE = "write"
OTHER_ASSERTS = ""   # a lockdep_assert_* the observer runs: "" | held | held_read | held_write

before: tuple = ()
holder_view: tuple = ()
after: tuple = ()
other_view: tuple = ()
observed: bool = False


@pure
def view(sem):
    return (rwsem_held_write(sem), rwsem_held_read(sem), rwsem_held(sem))


def holder(sem):
    global before, holder_view, after
    before = view(sem)
    if MODE == "write":
        down_write(sem)
        lockdep_assert_held_write(sem)
    else:
        down_read(sem)
        lockdep_assert_held_read(sem)
    lockdep_assert_held(sem)
    holder_view = view(sem)
    wait_until(observed)
    if MODE == "write":
        up_write(sem)
    else:
        up_read(sem)
    after = view(sem)


def observer(sem):
    global other_view, observed
    wait_until(sem.writer != -1 or len(sem.readers) > 0)
    other_view = view(sem)
    if OTHER_ASSERTS == "held":
        lockdep_assert_held(sem)
    elif OTHER_ASSERTS == "held_read":
        lockdep_assert_held_read(sem)
    elif OTHER_ASSERTS == "held_write":
        lockdep_assert_held_write(sem)
    observed = True


def init():
    sem = new(RwSem)
    spawn(holder, sem, name="holder")
    spawn(observer, sem, name="observer")


@final
def views():
    \"\"\"views: the lockdep helpers disagree with who holds the lock\"\"\"
    held = (MODE == "write", MODE == "read", True)
    nothing = (False, False, False)
    return before == nothing and holder_view == held and after == nothing and other_view == nothing
"""


@pytest.mark.parametrize("mode", ["write", "read"])
def test_lockdep_helpers_are_true_exactly_for_the_holder(kit, mode):
    res = kit.explore(LOCKDEP, overrides={"MODE": mode})
    assert res.verdict == "holds"
    # the @final really looks: claiming the observer holds it too fails
    res = kit.explore(LOCKDEP.replace("other_view == nothing", "other_view == held"), overrides={"MODE": mode})
    assert (res.verdict, res.violation.kind, res.violation.property) == ("violated", "final", "views")


@pytest.mark.parametrize(
    ("mode", "which", "prop"),
    [
        ("write", "held", "lockdep_assert_held"),
        ("write", "held_write", "lockdep_assert_held_write"),
        ("read", "held", "lockdep_assert_held"),
        ("read", "held_read", "lockdep_assert_held_read"),
        ("write", "held_read", "lockdep_assert_held_read"),
    ],
)
def test_lockdep_asserts_fire_in_a_thread_that_does_not_hold(kit, mode, which, prop):
    res = kit.explore(LOCKDEP, overrides={"MODE": mode, "OTHER_ASSERTS": which})
    v = res.violation
    # these messages are tagged (`lockdep_assert_held: ...`)
    assert (res.verdict, v.kind, v.property, v.thread) == ("violated", "assert", prop, "observer")


DOWNGRADE = """
from mmnotif_check.kernel.locks import RwSem, down_read, down_write, downgrade_write, up_read, up_write

DOWNGRADE = True

downgraded: bool = False
reader_done: bool = False
writer_in: bool = False


def main(sem):
    global downgraded
    down_write(sem)
    if DOWNGRADE:
        downgrade_write(sem)
    downgraded = True
    wait_until(reader_done)
    assert not writer_in, "writer_in: a writer got in while the downgraded lock is held for read"
    if DOWNGRADE:
        up_read(sem)
    else:
        up_write(sem)


def reader(sem):
    global reader_done
    wait_until(downgraded)
    down_read(sem)
    up_read(sem)
    reader_done = True


def writer(sem):
    global writer_in
    wait_until(downgraded)
    down_write(sem)
    writer_in = True
    up_write(sem)


def init():
    sem = new(RwSem)
    spawn(main, sem, name="main")
    spawn(reader, sem, name="reader")
    spawn(writer, sem, name="writer")
"""


def test_downgrade_write_lets_readers_in_but_not_writers(kit):
    # The main thread keeps the lock (for read) until the reader has been in and out; a
    # writer that got in meanwhile would fail the assert, a reader kept out would deadlock.
    assert kit.explore(DOWNGRADE).verdict == "holds"


def test_without_downgrade_the_reader_stays_out(kit):
    res = kit.explore(DOWNGRADE, overrides={"DOWNGRADE": False})
    assert (res.verdict, res.violation.kind) == ("violated", "deadlock")
    assert blocked_names(res) == {"main", "reader", "writer"}


def test_downgrade_write_without_holding_for_write_is_an_assert(kit):
    res = kit.explore(
        """
        from mmnotif_check.kernel.locks import RwSem, down_read, downgrade_write

        def w(sem):
            down_read(sem)
            downgrade_write(sem)

        def init():
            spawn(w, new(RwSem))
        """
    )
    msg = "downgrade_write() without holding the rw_semaphore for write"
    assert (res.verdict, res.violation.kind, res.violation.message) == ("violated", "assert", msg)


TRYLOCK = """
from mmnotif_check.kernel.locks import (
    Mutex, RwSem, down_read, down_read_trylock, down_write, mutex_lock, mutex_trylock,
    mutex_unlock, up_read, up_write,
)

HOLD = "mutex"        # what the holder takes: mutex | write | read | none
TRY = "mutex"         # what the other thread tries: mutex | read

held: bool = False
tried: bool = False
got: tuple = ()


def holder(sem, m):
    global held
    if HOLD == "mutex":
        mutex_lock(m)
    elif HOLD == "write":
        down_write(sem)
    elif HOLD == "read":
        down_read(sem)
    held = True
    wait_until(tried)
    if HOLD == "mutex":
        mutex_unlock(m)
    elif HOLD == "write":
        up_write(sem)
    elif HOLD == "read":
        up_read(sem)


def trier(sem, m):
    global tried, got
    wait_until(held)
    if TRY == "mutex":
        ok = mutex_trylock(m)
    else:
        ok = down_read_trylock(sem)
    got = got + (ok,)
    if ok:
        if TRY == "mutex":
            mutex_unlock(m)
        else:
            up_read(sem)
    tried = True
    # the holder has released it (or never had it): a second try succeeds
    wait_until(m.owner == -1 and sem.writer == -1 and len(sem.readers) == 0)
    if TRY == "mutex":
        ok = mutex_trylock(m)
    else:
        ok = down_read_trylock(sem)
    got = got + (ok,)


def init():
    sem = new(RwSem)
    m = new(Mutex)
    spawn(holder, sem, m, name="holder")
    spawn(trier, sem, m, name="trier")
"""


@pytest.mark.parametrize(
    ("hold", "try_", "expected"),
    [
        ("mutex", "mutex", (False, True)),
        ("write", "read", (False, True)),
        ("read", "read", (True, True)),     # readers share
        ("none", "mutex", (True, True)),
        ("none", "read", (True, True)),
    ],
)
def test_trylock_returns_false_when_held(kit, hold, try_, expected):
    text = TRYLOCK + f"\n\n@final\ndef outcome():\n    return got == {expected!r}\n"
    res = kit.explore(text, overrides={"HOLD": hold, "TRY": try_})
    assert res.verdict == "holds"
    # the same model with the other outcome fails, so the @final was checked
    wrong = (not expected[0], expected[1])
    text = TRYLOCK + f"\n\n@final\ndef outcome():\n    return got == {wrong!r}\n"
    res = kit.explore(text, overrides={"HOLD": hold, "TRY": try_})
    assert (res.verdict, res.violation.kind) == ("violated", "final")


def test_mutex_trylock_state_count(kit):
    res = kit.explore(
        """
        from mmnotif_check.kernel.locks import Mutex, mutex_trylock, mutex_unlock

        def w(m):
            ok = mutex_trylock(m)
            assert ok
            mutex_unlock(m)

        def init():
            spawn(w, new(Mutex))
        """
    )
    # one thread, no choice: the initial state plus one per step.  Steps: the call,
    # the atomic block, `return ok`, the assert, the call mutex_unlock, its atomic block,
    # its implicit return, w's implicit return: 8 steps, 9 states.
    assert (res.verdict, res.stats.states, res.stats.max_depth) == ("holds", 9, 8)


LOCK_ORDER = """
from mmnotif_check.kernel.locks import Mutex, RwSem, down_write, mutex_lock, mutex_unlock, up_write

KIND = "mutex"
INVERTED = True


def take(l):
    if KIND == "mutex":
        mutex_lock(l)
    else:
        down_write(l)


def drop(l):
    if KIND == "mutex":
        mutex_unlock(l)
    else:
        up_write(l)


def locker(first, second):
    take(first)
    take(second)
    drop(second)
    drop(first)


def init():
    if KIND == "mutex":
        a = new(Mutex)
        b = new(Mutex)
    else:
        a = new(RwSem)
        b = new(RwSem)
    spawn(locker, a, b, name="ab")
    if INVERTED:
        spawn(locker, b, a, name="ba")
    else:
        spawn(locker, a, b, name="ab2")
"""


@pytest.mark.parametrize("kind", ["mutex", "rwsem"])
def test_lock_order_inversion_deadlocks_and_names_both_threads(kit, kind):
    res = kit.check(LOCK_ORDER, overrides={"KIND": kind})
    v = res.result.violation
    assert (res.verdict, v.kind) == ("violated", "deadlock")
    assert [(b.name, b.daemon) for b in v.blocked] == [("ab", False), ("ba", False)]
    assert "ab" in v.message and "ba" in v.message
    # both wait at the acquire of their second lock, inside the library
    acquire = {"mutex": "mutex_lock", "rwsem": "down_write"}[kind]
    guard = {"mutex": "wait_until(m.owner == -1)",
             "rwsem": "wait_until(sem.writer == -1 and len(sem.readers) == 0)"}[kind]
    for b in v.blocked:
        assert b.location[0].endswith("kernel/locks.py")
        assert b.text == f"with atomic(): {guard}"
    # The shortest way there (BFS): each thread takes its first lock and calls the
    # acquire of its second: take(first), if, acquire(l), the atomic block, the acquire's
    # return, take's return, take(second), if, acquire(l): 9 steps each.
    steps = [(s.thread, s.text) for s in res.trace.steps]
    assert len(steps) == 18
    assert [t for t, _ in steps].count("ab") == 9
    assert sum(1 for _, text in steps if text == "with atomic():") == 2
    assert steps[-1][1] == f"{acquire}(l)"


@pytest.mark.parametrize("kind", ["mutex", "rwsem"])
def test_same_lock_order_does_not_deadlock(kit, kind):
    assert kit.explore(LOCK_ORDER, overrides={"KIND": kind, "INVERTED": False}).verdict == "holds"


def test_mutex_is_held_and_spinlocks(kit):
    text = """
    from mmnotif_check.kernel.locks import Mutex, SpinLock, mutex_is_held, mutex_lock, mutex_unlock, spin_lock, spin_unlock

    INTRUDE = False

    inside: int = 0


    def w(m, s):
        global inside
        assert not mutex_is_held(m)
        mutex_lock(m)
        assert mutex_is_held(m), "held: mutex_is_held false for the holder"
        mutex_unlock(m)
        assert not mutex_is_held(m), "not_held: mutex_is_held true after unlock"
        spin_lock(s)
        inside += 1
        inside -= 1
        spin_unlock(s)


    def intruder(s):
        wait_until(s.owner != -1)
        spin_unlock(s)


    def init():
        m = new(Mutex)
        s = new(SpinLock)
        spawn(w, m, s)
        spawn(w, m, s)
        if INTRUDE:
            spawn(intruder, s, name="intruder")


    @invariant
    def one_inside():
        return inside <= 1
    """
    assert kit.explore(text).verdict == "holds"
    res = kit.explore(text, overrides={"INTRUDE": True})
    msg = "spin_unlock() of a spinlock this thread does not hold"
    assert (res.verdict, res.violation.kind, res.violation.message, res.violation.thread) == (
        "violated", "assert", msg, "intruder")


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "library divergence: RwSem is reader-preferring (down_read only waits while a writer "
    "holds it); in Linux a new reader queues behind a waiting writer, so a recursive "
    "down_read with a writer waiting deadlocks (and lockdep reports recursive locking)"))
def test_recursive_down_read_with_a_writer_waiting_deadlocks(kit):
    res = kit.explore(
        """
        from mmnotif_check.kernel.locks import RwSem, down_read, down_write, up_read, up_write

        writer_waiting: bool = False

        def reader(sem):
            down_read(sem)
            wait_until(writer_waiting)
            down_read(sem)
            up_read(sem)
            up_read(sem)

        def writer(sem):
            global writer_waiting
            wait_until(len(sem.readers) > 0)
            writer_waiting = True
            down_write(sem)
            up_write(sem)

        def init():
            sem = new(RwSem)
            spawn(reader, sem, name="reader")
            spawn(writer, sem, name="writer")
        """
    )
    assert res.verdict == "violated"
    assert res.violation.kind == "deadlock"


# ============================================================================ fence

SIGNALLER = """
from mmnotif_check.kernel.fence import DmaFence, dma_fence_wait, fence_signaller


def waiter(f):
    dma_fence_wait(f)


def init():
    f = new(DmaFence)
    spawn(waiter, f, name="waiter")
    spawn(fence_signaller, f, name="gpu", daemon=True)
"""


def test_fence_signaller_daemon_eventually_signals(kit):
    res = kit.explore(SIGNALLER)
    # waiter: w0 the call dma_fence_wait(f), w1 its atomic enable of software signaling
    # (sets sw_signaling only if the fence is not yet signaled), w2 its wait_until, w3 its
    # implicit return, w4 waiter's implicit return, w5 done.  gpu: s0 the atomic signal,
    # s1 its implicit return, s2 done; the fence is signaled iff gpu is past s0.
    # Unsignaled (s0): w0, w1 (sw off), w2 (sw on) -> 3 states.  Signaled (s1, s2): w0 and
    # w1 with sw off, and w2..w5 each with sw on (enabled before the signal) or off
    # (enabled after it, a no-op) -> 2 + 8 = 10 per gpu position, 20.  Total 23.
    assert (res.verdict, res.stats.states) == ("holds", 23)


def test_without_a_signaller_the_waiter_deadlocks(kit):
    res = kit.explore(SIGNALLER.replace('    spawn(fence_signaller, f, name="gpu", daemon=True)\n', ""))
    assert (res.verdict, res.violation.kind) == ("violated", "deadlock")
    assert [(b.name, b.location[0].endswith("kernel/fence.py"), b.text) for b in res.violation.blocked] == [
        ("waiter", True, "wait_until(f.signaled)")
    ]


NEEDS_ENABLE = """
from mmnotif_check.kernel.fence import (
    DmaFence, dma_fence_enable_sw_signaling, dma_fence_is_signaled, dma_fence_wait, fence_signaller,
)

ENABLE = False
WAIT = "poll"   # poll: wait_until(dma_fence_is_signaled(f)) | wait: dma_fence_wait(f)


def waiter(f):
    if ENABLE:
        dma_fence_enable_sw_signaling(f)
    if WAIT == "poll":
        wait_until(dma_fence_is_signaled(f))
    else:
        dma_fence_wait(f)


def init():
    f = new(DmaFence, needs_enable=True)
    spawn(waiter, f, name="waiter")
    spawn(fence_signaller, f, name="preempt", daemon=True)
"""


def test_needs_enable_fence_never_signals_without_enable_sw_signaling(kit):
    res = kit.explore(NEEDS_ENABLE)
    v = res.violation
    assert (res.verdict, v.kind) == ("violated", "deadlock")
    # the daemon is stuck on its enable guard, the waiter on the fence
    assert [(b.name, b.daemon) for b in v.blocked] == [("waiter", False), ("preempt", True)]
    assert v.blocked[1].text == "with atomic(): wait_until(not f.needs_enable or f.sw_signaling)"
    assert v.message.endswith("waiter has not returned")


@pytest.mark.parametrize("wait", ["poll", "wait"])
def test_needs_enable_fence_signals_after_enable_sw_signaling(kit, wait):
    assert kit.explore(NEEDS_ENABLE, overrides={"ENABLE": True, "WAIT": wait}).verdict == "holds"


def test_dma_fence_wait_enables_signaling_like_the_kernel(kit):
    assert kit.explore(NEEDS_ENABLE, overrides={"WAIT": "wait"}).verdict == "holds"


def test_enable_sw_signaling_on_a_signaled_fence_changes_nothing(kit):
    res = kit.explore(
        """
        from mmnotif_check.kernel.fence import DmaFence, dma_fence_enable_sw_signaling, dma_fence_signal

        def w(f, g):
            dma_fence_signal(f)
            dma_fence_enable_sw_signaling(f)
            dma_fence_enable_sw_signaling(g)
            assert f.signaled and not f.sw_signaling
            assert g.sw_signaling and not g.signaled

        def init():
            spawn(w, new(DmaFence), new(DmaFence))
        """
    )
    assert res.verdict == "holds"


RESV_ENABLE = """
from mmnotif_check.kernel.fence import (
    DmaFence, DmaResv, dma_resv_add_fence, dma_resv_enable_signaling_all, dma_resv_test_signaled,
    dma_resv_wait, fence_signaller,
)

ENABLE = True


def w(resv):
    if ENABLE:
        dma_resv_enable_signaling_all(resv)
    dma_resv_wait(resv)
    assert dma_resv_test_signaled(resv)


def init():
    resv = new(DmaResv)
    for i in range(2):
        f = new(DmaFence, needs_enable=True, seqno=i + 1)
        dma_resv_add_fence(resv, f)
        spawn(fence_signaller, f, name=f"preempt{i}", daemon=True)
    spawn(w, resv, name="w")
"""


def test_dma_resv_enable_signaling_all_lets_preempt_fences_signal(kit):
    assert kit.explore(RESV_ENABLE).verdict == "holds"
    # dma_resv_wait enables signaling itself (dma_fence_wait_timeout does), so it
    # terminates without the explicit enable too ...
    assert kit.explore(RESV_ENABLE, overrides={"ENABLE": False}).verdict == "holds"
    # ... while a waiter that only polls the fences, never enabling, deadlocks
    polling = RESV_ENABLE.replace("    dma_resv_wait(resv)\n", "    wait_until(dma_resv_test_signaled(resv))\n")
    res = kit.explore(polling, overrides={"ENABLE": False})
    assert (res.verdict, res.violation.kind) == ("violated", "deadlock")
    assert [b.name for b in res.violation.blocked] == ["preempt0", "preempt1", "w"]


RESV_SNAPSHOT = """
from mmnotif_check.kernel.fence import (
    DmaFence, DmaResv, dma_resv_add_fence, dma_resv_test_signaled, dma_resv_wait, fence_signaller,
)

early: DmaFence = None


def waiter(resv):
    dma_resv_wait(resv)
    assert early.signaled, "snapshot_signaled: a fence present when the wait started is unsignaled"
    assert dma_resv_test_signaled(resv), "all_signaled: a fence of the resv is unsignaled after the wait"


def adder(resv, late):
    dma_resv_add_fence(resv, late)


def init():
    global early
    resv = new(DmaResv)
    early = new(DmaFence, seqno=1)
    late = new(DmaFence, seqno=2)
    dma_resv_add_fence(resv, early)
    spawn(waiter, resv, name="waiter")
    spawn(adder, resv, late, name="adder")
    spawn(fence_signaller, early, name="gpu1", daemon=True)
    spawn(fence_signaller, late, name="gpu2", daemon=True)
"""


def test_dma_resv_wait_does_not_wait_for_a_fence_added_after_it_started(kit):
    res = kit.check(RESV_SNAPSHOT)
    v = res.result.violation
    assert (res.verdict, v.kind, v.property, v.thread) == ("violated", "assert", "all_signaled", "waiter")
    # the counterexample: the waiter snapshots [early], the adder adds `late`, early signals
    # and the wait returns while `late` is still pending
    steps = [(s.thread, s.text) for s in res.trace.steps]
    # dma_resv_wait's snapshot (with the enabling of signaling) is its first atomic block
    snap = next(
        k for k, s in enumerate(res.trace.steps)
        if s.thread == "waiter" and s.path.endswith("kernel/fence.py") and s.text == "with atomic():"
    )
    add = steps.index(("adder", "with atomic():"))
    assert snap < add
    assert ("gpu2", "with atomic():") not in steps


def test_dma_resv_wait_waits_for_the_fences_present_when_it_started(kit):
    res = explore_selected(kit, RESV_SNAPSHOT, "snapshot_signaled")
    assert res.verdict == "holds"


# ============================================================================ llist

LLIST = """
from mmnotif_check.kernel.llist import LList, llist_add, llist_del_all, llist_reverse_order

after_adds: tuple = ()
got: tuple = ()
in_order: tuple = ()
left: tuple = ()


def w(head):
    global after_adds, got, in_order, left
    llist_add(head, "a")
    llist_add(head, "b")
    llist_add(head, "c")
    after_adds = head.items
    got = llist_del_all(head)
    in_order = llist_reverse_order(got)
    left = head.items


def init():
    spawn(w, new(LList))


@final
def lists():
    return after_adds == ("c", "b", "a") and got == ("c", "b", "a") and in_order == ("a", "b", "c") and left == ()
"""


def test_llist_add_prepends_del_all_empties_and_reverse_gives_insertion_order(kit):
    res = kit.explore(LLIST)
    # one thread, no choice: 3 llist_add calls of 3 steps each (call, atomic, implicit
    # return), `after_adds = ...`, llist_del_all (call, atomic, `return items`), the
    # reverse (a @pure call: one assignment step), `left = ...`, w's implicit return:
    # 9 + 1 + 3 + 1 + 1 + 1 = 16 steps, 17 states.
    assert (res.verdict, res.stats.states, res.stats.max_depth) == ("holds", 17, 16)


def test_llist_final_is_really_checked(kit):
    res = kit.explore(LLIST.replace('in_order == ("a", "b", "c")', 'in_order == ("c", "b", "a")'))
    assert (res.verdict, res.violation.kind, res.violation.property) == ("violated", "final", "lists")


def test_llist_concurrent_adds_lose_nothing_in_either_order(kit):
    text = """
    from mmnotif_check.kernel.llist import LList, llist_add, llist_del_all

    taken: tuple = ()

    def adder(head, x):
        llist_add(head, x)

    def taker(head):
        global taken
        part = llist_del_all(head)
        taken = taken + part

    def init():
        head = new(LList)
        spawn(adder, head, 1)
        spawn(adder, head, 2)
        spawn(taker, head)

    @final
    def nothing_lost():
        return sorted(taken + objects(LList)[0].items) == [1, 2]
    """
    assert kit.explore(text).verdict == "holds"
    # both orders of the two adds are reachable
    for order in ("(1, 2)", "(2, 1)"):
        res = kit.explore(text + f"\n    @final\n    def not_{order[1]}():\n        return objects(LList)[0].items != {order}\n")
        assert (res.verdict, res.violation.kind) == ("violated", "final")


# ============================================================================ workqueue

WQ = """
from mmnotif_check.kernel.workqueue import Work, WorkQueue, flush_workqueue, queue_work, worker_thread

FLUSH = True

ran: int = 0
ran_by: tuple = ()
arg: int = 0


def work_fn(w):
    global ran, ran_by, arg
    ran += 1
    ran_by = ran_by + (me(),)
    arg = w.args[0]


def main(wq, w):
    queued = queue_work(wq, w)
    assert queued
    if FLUSH:
        flush_workqueue(wq)
    assert ran == 1, "ran_before_return: the work has not run when main continues"


def init():
    wq = new(WorkQueue)
    w = new(Work, fn=work_fn, args=(7,))
    spawn(main, wq, w, name="main")
    spawn(worker_thread, wq, name="kworker", daemon=True)


@final
def on_the_worker():
    \"\"\"on_the_worker: the work did not run exactly once, on kworker (id 1), with its args\"\"\"
    return ran_by == (1,) and arg == 7
"""


def test_queue_work_runs_the_work_on_the_daemon_worker_and_flush_waits_for_it(kit):
    assert kit.explore(WQ).verdict == "holds"


def test_without_flush_the_work_may_not_have_run(kit):
    res = kit.explore(WQ, overrides={"FLUSH": False})
    v = res.violation
    assert (res.verdict, v.kind, v.property, v.thread) == ("violated", "assert", "ran_before_return", "main")


def test_flush_with_no_worker_deadlocks(kit):
    res = kit.explore(WQ.replace('    spawn(worker_thread, wq, name="kworker", daemon=True)\n', ""))
    assert (res.verdict, res.violation.kind) == ("violated", "deadlock")
    assert [(b.name, b.text) for b in res.violation.blocked] == [
        ("main", "wait_until(len(wq.pending) == 0 and wq.active == 0)")
    ]


WQ_TWICE = """
from mmnotif_check.kernel.workqueue import Work, WorkQueue, flush_workqueue, queue_work, worker_thread

ran: int = 0


def work_fn(w):
    global ran
    ran += 1


def main(wq, w):
    with atomic():
        first = queue_work(wq, w)
        second = queue_work(wq, w)
    assert first and not second, "second_queue: queueing a pending work returned True"
    flush_workqueue(wq)
    assert ran == 1, "ran_once: the work ran twice"
    again = queue_work(wq, w)
    assert again, "requeue: queueing a work that already ran returned False"
    flush_workqueue(wq)
    assert ran == 2


def init():
    wq = new(WorkQueue)
    w = new(Work, fn=work_fn)
    spawn(main, wq, w, name="main")
    spawn(worker_thread, wq, name="kworker", daemon=True)
"""


def test_queueing_a_pending_work_twice_returns_false_and_runs_it_once(kit):
    assert kit.explore(WQ_TWICE).verdict == "holds"


DRAIN = """
from mmnotif_check.kernel.locks import Mutex, mutex_lock, mutex_unlock
from mmnotif_check.kernel.workqueue import Work, WorkQueue, drain_workqueue, queue_work, worker_thread

UNDER_LOCK = True

ran: bool = False


def work_fn(w):
    global ran
    m = w.args[0]
    mutex_lock(m)
    ran = True
    mutex_unlock(m)


def main(wq, w, m):
    if UNDER_LOCK:
        mutex_lock(m)
    queue_work(wq, w)
    drain_workqueue(wq)
    assert ran
    if UNDER_LOCK:
        mutex_unlock(m)


def init():
    wq = new(WorkQueue)
    m = new(Mutex)
    w = new(Work, fn=work_fn, args=(m,))
    spawn(main, wq, w, m, name="main")
    spawn(worker_thread, wq, name="kworker", daemon=True)
"""


def test_drain_workqueue_under_a_lock_the_work_needs_deadlocks(kit):
    res = kit.explore(DRAIN)
    v = res.violation
    assert (res.verdict, v.kind) == ("violated", "deadlock")
    assert [(b.name, b.daemon, b.text) for b in v.blocked] == [
        ("main", False, "wait_until(len(wq.pending) == 0 and wq.active == 0)"),
        ("kworker", True, "with atomic(): wait_until(m.owner == -1)"),
    ]


def test_drain_workqueue_without_the_lock_completes(kit):
    assert kit.explore(DRAIN, overrides={"UNDER_LOCK": False}).verdict == "holds"


DRAIN_QUEUE = """
from mmnotif_check.kernel.workqueue import Work, WorkQueue, drain_workqueue, queue_work, worker_thread

OUTSIDER = True
CHAINS = 0

ran: int = 0


def work_fn(w):
    global ran
    ran += 1
    if ran <= CHAINS:
        queue_work(w.args[0], w)    # chained: the work requeues itself


def drainer(wq, w):
    queue_work(wq, w)
    drain_workqueue(wq)
    assert ran == 1 + CHAINS


def outsider(wq, w2):
    queue_work(wq, w2)


def init():
    wq = new(WorkQueue)
    w = new(Work, fn=work_fn, args=(wq,))
    w2 = new(Work, fn=work_fn, args=(wq,))
    spawn(drainer, wq, w, name="drainer")
    if OUTSIDER:
        spawn(outsider, wq, w2, name="outsider")
    spawn(worker_thread, wq, name="kworker", daemon=True)
"""


def test_queue_work_while_draining_violates_queue_while_draining(kit):
    res = kit.check(DRAIN_QUEUE)
    v = res.result.violation
    assert (res.verdict, v.kind, v.property, v.thread) == ("violated", "assert", "queue_while_draining", "outsider")
    # shortest trace: the drainer queues its work and sets `draining`, then the outsider's
    # queue_work fails at its atomic block
    steps = res.trace.steps
    assert [(s.thread, s.text) for s in steps] == [
        ("drainer", "queue_work(wq, w)"),
        ("drainer", "with atomic():"),
        ("drainer", "return queued"),
        ("drainer", "drain_workqueue(wq)"),
        ("drainer", "with atomic():"),
        ("outsider", "queue_work(wq, w2)"),
        ("outsider", "with atomic():"),
    ]
    assert ("WorkQueue#0.draining", False, True) in steps[4].changes
    assert steps[-1].failed


def test_drain_workqueue_alone_holds(kit):
    assert kit.explore(DRAIN_QUEUE, overrides={"OUTSIDER": False}).verdict == "holds"


WQ_REENTRANT = """
from mmnotif_check.kernel.workqueue import Work, WorkQueue, flush_workqueue, queue_work, worker_thread

running: int = 0
runs: int = 0
requeued: bool = False


def work_fn(w):
    global running, runs
    running += 1
    runs += 1
    if runs == 1:
        wait_until(requeued)    # the first run lasts until the work was queued again
    running -= 1


def requeuer(wq, w):
    global requeued
    queue_work(wq, w)
    wait_until(running == 1)
    queue_work(wq, w)
    requeued = True
    flush_workqueue(wq)
    assert runs == 2


def init():
    wq = new(WorkQueue)
    w = new(Work, fn=work_fn)
    spawn(requeuer, wq, w, name="requeuer")
    spawn(worker_thread, wq, name="kworker0", daemon=True)
    spawn(worker_thread, wq, name="kworker1", daemon=True)


@invariant
def not_reentrant():
    \"\"\"not_reentrant: a work item runs on two workers at once\"\"\"
    return running <= 1
"""


def test_a_work_item_never_runs_on_two_workers_at_once(kit):
    assert kit.explore(WQ_REENTRANT).verdict == "holds"


def test_chained_work_may_requeue_itself_while_draining(kit):
    assert kit.explore(DRAIN_QUEUE, overrides={"OUTSIDER": False, "CHAINS": 1}).verdict == "holds"


# ============================================================================ tlb

TLB_ORDER = """
from mmnotif_check.kernel.fence import DmaFence
from mmnotif_check.kernel.tlb import Gt, tlb_done_actor, tlb_inval_issue

N = 3
DONE = "library"   # library: tlb_done_actor | any: a broken actor completing any pending one

issued: tuple = ()
seqnos: tuple = ()


def issuer(gt):
    global issued, seqnos
    for i in range(N):
        f = tlb_inval_issue(gt)
        with atomic():
            issued = issued + (f,)
            seqnos = seqnos + (f.seqno,)
    wait_until(all(f.signaled for f in issued))


def any_done_actor(gt):
    while True:
        with atomic():
            wait_until(len(gt.pending) > 0)
            i = choose(range(len(gt.pending)))
            f = gt.pending[i]
            gt.pending = gt.pending[:i] + gt.pending[i + 1:]
            f.signaled = True


def init():
    gt = new(Gt)
    spawn(issuer, gt, name="issuer")
    if DONE == "library":
        spawn(tlb_done_actor, gt, name="guc", daemon=True)
    else:
        spawn(any_done_actor, gt, name="guc", daemon=True)


@invariant
def in_order():
    \"\"\"in_order: a later invalidation completed before an earlier one\"\"\"
    fs = objects(DmaFence)    # in creation order, which is issue order
    return all(fs[i].signaled or not fs[i + 1].signaled for i in range(len(fs) - 1))


@final
def seqnos_handed_out():
    \"\"\"seqnos_handed_out: the seqnos are not 1, 2, 3 ... in issue order\"\"\"
    return seqnos == tuple(range(1, N + 1))


@final
def recv_is_last():
    \"\"\"recv_is_last: seqno_recv is not the last seqno once everything completed\"\"\"
    return objects(Gt)[0].seqno_recv == N
"""


def test_tlb_seqnos_are_issued_in_order_and_completed_in_issue_order(kit):
    res = kit.explore(TLB_ORDER)
    assert res.verdict == "holds"


def test_tlb_in_order_invariant_catches_an_out_of_order_actor(kit):
    res = kit.explore(TLB_ORDER, overrides={"DONE": "any"}, properties=only("in_order"))
    assert (res.verdict, res.violation.kind, res.violation.property) == ("violated", "invariant", "in_order")


def test_tlb_seqnos_wrap_to_1_after_seqno_max(kit):
    # with TLB_SEQNO_MAX overridden (a constant of the library module) to 3, four
    # invalidations get 1, 2, 1, 2: 0 is skipped, and 3 is never reached
    text = TLB_ORDER.replace("return seqnos == tuple(range(1, N + 1))", "return seqnos == (1, 2, 1, 2)")
    text = text.replace("return objects(Gt)[0].seqno_recv == N", "return objects(Gt)[0].seqno_recv == 2")
    res = kit.explore(text, overrides={"N": 4, "TLB_SEQNO_MAX": 3})
    assert res.verdict == "holds"


def test_tlb_next_seqno_skips_zero(kit):
    res = kit.explore(
        """
        from mmnotif_check.kernel.tlb import TLB_SEQNO_MAX, tlb_next_seqno

        def w():
            assert tlb_next_seqno(TLB_SEQNO_MAX - 1) == 1, "wrap: not 1 after the last seqno"
            assert tlb_next_seqno(TLB_SEQNO_MAX - 2) == TLB_SEQNO_MAX - 1, "last: the last seqno is skipped"
            assert tlb_next_seqno(1) == 2, "next: 1 is not followed by 2"
            assert TLB_SEQNO_MAX == 0x100000

        def init():
            spawn(w)
        """
    )
    assert res.verdict == "holds"


TLB_SYNC = """
from mmnotif_check.kernel.fence import DmaFence
from mmnotif_check.kernel.tlb import Gt, tlb_done_actor, tlb_inval_sync

ACTOR = True


def w(gt):
    tlb_inval_sync(gt)
    assert all(f.signaled for f in objects(DmaFence)), "synced: tlb_inval_sync returned before its fence signaled"
    assert len(objects(DmaFence)) == 1 and gt.seqno_recv == 1 and gt.seqno == 2


def init():
    gt = new(Gt)
    spawn(w, gt, name="w")
    if ACTOR:
        spawn(tlb_done_actor, gt, name="guc", daemon=True)
"""


def test_tlb_inval_sync_returns_with_its_fence_signaled(kit):
    assert kit.explore(TLB_SYNC).verdict == "holds"


def test_tlb_inval_sync_without_the_done_actor_deadlocks(kit):
    res = kit.explore(TLB_SYNC, overrides={"ACTOR": False})
    assert (res.verdict, res.violation.kind) == ("violated", "deadlock")
    assert [(b.name, b.text) for b in res.violation.blocked] == [("w", "wait_until(f.signaled)")]


TLB_BATCH = """
from mmnotif_check.kernel.tlb import Gt, TlbBatch, tlb_batch_done, tlb_batch_submit, tlb_batch_wait, tlb_done_actor

WAIT_BETWEEN = True


def w(gt, batch):
    tlb_batch_submit(batch, gt)
    if WAIT_BETWEEN:
        tlb_batch_wait(batch)
        assert tlb_batch_done(batch) and len(batch.fences) == 0
    tlb_batch_submit(batch, gt)
    tlb_batch_wait(batch)
    tlb_batch_wait(batch)     # a second wait is harmless


def init():
    spawn(w, new(Gt), new(TlbBatch), name="w")
    spawn(tlb_done_actor, objects(Gt)[0], name="guc", daemon=True)
"""

TLB_BATCH_MSG = "TLB invalidation batch submitted into while it still holds unwaited fences"


def test_tlb_batch_submit_into_a_batch_holding_fences_is_an_assert(kit):
    res = kit.explore(TLB_BATCH, overrides={"WAIT_BETWEEN": False})
    v = res.violation
    # the message has no `tag:`, so the property is the message itself
    assert (res.verdict, v.kind, v.property, v.message) == ("violated", "assert", TLB_BATCH_MSG, TLB_BATCH_MSG)
    assert v.location[0].endswith("kernel/tlb.py")


def test_tlb_batch_submit_wait_submit_holds(kit):
    assert kit.explore(TLB_BATCH).verdict == "holds"


# ============================================================================ mmu_notifier

# Shared by the models below: the subscriptions, up to three notifiers with a finish
# handle each, a log of every callback, and the driver callbacks (procedure references).
MN = """
from mmnotif_check.kernel.mmu_notifier import (
    EAGAIN, MmSubscriptions, MmuIntervalNotifier, MmuNotifierFinish, MmuRange,
    mmu_interval_check_retry, mmu_interval_notifier_insert, mmu_interval_notifier_remove,
    mmu_interval_read_begin, mmu_interval_read_retry, mmu_interval_set_seq,
    mn_itree_inv_end, mn_itree_invalidate,
)

subs: MmSubscriptions = None
n1: MmuIntervalNotifier = None
n2: MmuIntervalNotifier = None
n3: MmuIntervalNotifier = None
f1: MmuNotifierFinish = None
f2: MmuNotifierFinish = None
f3: MmuNotifierFinish = None
log: tuple = ()


@pure
def name(n):
    return "n1" if n is n1 else ("n2" if n is n2 else ("n3" if n is n3 else "?"))


@pure
def finish_of(n):
    return f1 if n is n1 else (f2 if n is n2 else f3)


def single(n, rng, cur_seq):
    global log
    log = log + (("inv", name(n), cur_seq),)
    mmu_interval_set_seq(n, cur_seq)
    return True


def single_fails_nonblocking(n, rng, cur_seq):
    global log
    log = log + (("inv", name(n), cur_seq),)
    if not rng.blockable:
        return False
    mmu_interval_set_seq(n, cur_seq)
    return True


def two_start(n, rng, cur_seq):
    global log
    log = log + (("start", name(n), cur_seq),)
    mmu_interval_set_seq(n, cur_seq)
    return (True, finish_of(n))


def two_start_nothing_deferred(n, rng, cur_seq):
    global log
    log = log + (("start", name(n), cur_seq),)
    mmu_interval_set_seq(n, cur_seq)
    return (True, None)


def two_finish(fin):
    global log
    log = log + (("finish", name(fin.notifier)),)


def setup(k1, k2, k3):
    \"\"\"Create the subscriptions and a notifier per non-empty kind (not inserted yet).\"\"\"
    global subs, n1, n2, n3, f1, f2, f3
    subs = new(MmSubscriptions)
    n1 = make(k1)
    n2 = make(k2)
    n3 = make(k3)
    f1 = new(MmuNotifierFinish)
    f2 = new(MmuNotifierFinish)
    f3 = new(MmuNotifierFinish)


def make(kind):
    if kind == "":
        return None
    if kind == "single":
        return new(MmuIntervalNotifier, invalidate=single)
    if kind == "fails":
        return new(MmuIntervalNotifier, invalidate=single_fails_nonblocking)
    if kind == "two":
        return new(MmuIntervalNotifier, invalidate_start=two_start, invalidate_finish=two_finish)
    return new(MmuIntervalNotifier, invalidate_start=two_start_nothing_deferred, invalidate_finish=two_finish)
"""


def mn(text: str) -> str:
    """The shared prelude followed by a test's own (dedented) part."""
    return MN + "\n\n" + textwrap.dedent(text)


def test_insert_while_idle_gives_an_odd_seq_one_below_the_subscriptions(kit):
    text = mn(
        """
        def main():
            mmu_interval_notifier_insert(n1, subs, 8, 8)
            assert n1.invalidate_seq == subs.invalidate_seq - 1 and n1.invalidate_seq == 1
            assert n1.invalidate_seq != subs.invalidate_seq
            assert subs.itree == (n1,) and n1.in_tree and n1.subs is subs
            assert (n1.start, n1.last) == (8, 15)
            seq = mmu_interval_read_begin(n1)
            assert seq == 1 and not mmu_interval_read_retry(n1, seq)

        def init():
            setup("single", "", "")
            spawn(main)
        """
    )
    res = kit.explore(text)
    # one thread, no choice.  Steps: the insert (call, atomic, implicit return: 3), four
    # asserts (4), read_begin (call, atomic, `if busy:` false, `return seq`: 4), the last
    # assert (1), main's implicit return (1): 13 steps, 14 states.
    assert (res.verdict, res.stats.states, res.stats.max_depth) == ("holds", 14, 13)


MN_RANGE = """
RSTART = 0
REND = 16

during: int = -1
after: int = -1


def main():
    global during, after
    rng = new(MmuRange, start=RSTART, end=REND)
    err = mn_itree_invalidate(subs, rng)
    assert err == 0 and subs.active_invalidate_ranges == 1
    during = subs.invalidate_seq
    mn_itree_inv_end(subs)
    assert subs.active_invalidate_ranges == 0
    after = subs.invalidate_seq


def init():
    setup("single", "", "")
    mmu_interval_notifier_insert(n1, subs, 8, 8)     # [8, 15]
    spawn(main)
"""


@pytest.mark.parametrize(
    ("start", "end", "hit"),
    [
        (0, 16, True),
        (8, 9, True),      # the first page
        (15, 16, True),    # the last page
        (0, 9, True),
        (0, 8, False),     # ends right before the notifier
        (16, 32, False),   # starts right after it
    ],
)
def test_invalidate_calls_the_overlapping_notifier_inside_an_odd_window(kit, start, end, hit):
    expected = ((("inv", "n1", 3),), 3, 4, 3) if hit else ((), 2, 2, 1)
    text = mn(MN_RANGE) + f"\n\n@final\ndef outcome():\n    return (log, during, after, n1.invalidate_seq) == {expected!r}\n"
    res = kit.explore(text, overrides={"RSTART": start, "REND": end})
    assert res.verdict == "holds"


def test_the_callback_sees_the_odd_window_and_its_cur_seq(kit):
    text = mn(
        """
        def checking(n, rng, cur_seq):
            assert cur_seq % 2 == 1 and cur_seq == n.subs.invalidate_seq, "odd_window: cur_seq not the odd epoch"
            assert n.subs.active_invalidate_ranges == 1
            mmu_interval_set_seq(n, cur_seq)
            return True

        def main():
            mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
            mn_itree_inv_end(subs)
            assert subs.invalidate_seq == 4 and n1.invalidate_seq == 3

        def init():
            global n1
            setup("", "", "")
            n1 = new(MmuIntervalNotifier, invalidate=checking)
            mmu_interval_notifier_insert(n1, subs, 0, 16)
            spawn(main)
        """
    )
    assert kit.explore(text).verdict == "holds"


READ_BEGIN = """
WAIT_FOR_READER = True

seq_set: bool = False
reader_returned: bool = False


def setting(n, rng, cur_seq):
    global seq_set
    mmu_interval_set_seq(n, cur_seq)
    seq_set = True
    return True


def invalidator():
    mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
    if WAIT_FOR_READER:
        wait_until(reader_returned)
    mn_itree_inv_end(subs)


def reader():
    global reader_returned
    wait_until(seq_set)
    seq = mmu_interval_read_begin(n1)
    assert subs.invalidate_seq % 2 == 0, "after_epoch: read_begin returned inside the epoch that set the seq"
    assert seq == n1.invalidate_seq and seq == 3
    assert not mmu_interval_read_retry(n1, seq)
    reader_returned = True


def init():
    global n1
    setup("", "", "")
    n1 = new(MmuIntervalNotifier, invalidate=setting)
    mmu_interval_notifier_insert(n1, subs, 0, 16)
    spawn(invalidator, name="invalidator")
    spawn(reader, name="reader")
"""


def test_read_begin_sleeps_while_the_epoch_that_set_the_seq_runs(kit):
    # The invalidator keeps its window open until the reader's read_begin returned: a
    # deadlock proves read_begin did not return inside the epoch.
    res = kit.explore(mn(READ_BEGIN))
    v = res.violation
    assert (res.verdict, v.kind) == ("violated", "deadlock")
    assert [(b.name, b.text) for b in v.blocked] == [
        ("invalidator", "wait_until(reader_returned)"),
        ("reader", "wait_until(n.subs.invalidate_seq != seq)"),
    ]
    assert v.blocked[1].location == ("mmnotif_check/kernel/mmu_notifier.py", _line_of("mmu_notifier.py", "wait_until(n.subs.invalidate_seq != seq)"))


def test_read_begin_returns_once_the_epoch_ends(kit):
    assert kit.explore(mn(READ_BEGIN), overrides={"WAIT_FOR_READER": False}).verdict == "holds"


READ_RETRY = """
INVALIDATE = True

began: bool = False
done: bool = False
retry: tuple = ()


def invalidator():
    global done
    wait_until(began)
    if INVALIDATE:
        mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
        mn_itree_inv_end(subs)
    done = True


def reader():
    global began, retry
    seq = mmu_interval_read_begin(n1)
    began = True
    wait_until(done)
    retry = (seq, mmu_interval_read_retry(n1, seq), mmu_interval_check_retry(n1, seq))


def init():
    setup("single", "", "")
    mmu_interval_notifier_insert(n1, subs, 0, 16)
    spawn(invalidator, name="invalidator")
    spawn(reader, name="reader")
"""


@pytest.mark.parametrize(("invalidate", "expected"), [(True, (1, True, True)), (False, (1, False, False))])
def test_read_retry_detects_a_set_seq_after_read_begin(kit, invalidate, expected):
    text = mn(READ_RETRY) + f"\n\n@final\ndef outcome():\n    return retry == {expected!r}\n"
    assert kit.explore(text, overrides={"INVALIDATE": invalidate}).verdict == "holds"


def test_insert_during_an_odd_epoch_is_deferred_until_inv_end(kit):
    text = mn(
        """
        def main():
            mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
            assert subs.invalidate_seq == 3
            mmu_interval_notifier_insert(n2, subs, 0, 16)
            assert not n2.in_tree and subs.itree == (n1,), "deferred: inserted into the frozen tree"
            assert subs.deferred == (("insert", n2),)
            assert n2.invalidate_seq == 3 and subs.invalidate_seq == 3
            # a second invalidation inside the same epoch does not see n2 yet
            mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
            assert log == (("inv", "n1", 3), ("inv", "n1", 3))
            mn_itree_inv_end(subs)
            assert not n2.in_tree and subs.active_invalidate_ranges == 1   # not the last one out
            mn_itree_inv_end(subs)
            assert n2.in_tree and subs.itree == (n1, n2) and subs.deferred == ()
            assert subs.invalidate_seq == 4
            # n2's seq (3) is from the finished epoch: read_begin does not sleep
            seq = mmu_interval_read_begin(n2)
            assert seq == 3
            mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
            mn_itree_inv_end(subs)
            assert log[2:] == (("inv", "n1", 5), ("inv", "n2", 5))
            assert mmu_interval_read_retry(n2, seq)

        def init():
            setup("single", "single", "")
            mmu_interval_notifier_insert(n1, subs, 0, 16)
            spawn(main)
        """
    )
    assert kit.explore(text).verdict == "holds"


def test_removing_a_deferred_insert_drops_the_deferral(kit):
    text = mn(
        """
        def main():
            mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
            mmu_interval_notifier_insert(n2, subs, 0, 16)
            mmu_interval_notifier_remove(n2)       # does not wait: n2 is not in the tree
            assert subs.deferred == () and not n2.in_tree
            mn_itree_inv_end(subs)
            assert subs.itree == (n1,) and subs.invalidate_seq == 4

        def init():
            setup("single", "single", "")
            mmu_interval_notifier_insert(n1, subs, 0, 16)
            spawn(main)
        """
    )
    assert kit.explore(text).verdict == "holds"


def test_insert_during_an_even_but_active_epoch_makes_the_seq_odd(kit):
    text = mn(
        """
        def main():
            err = mn_itree_invalidate(subs, new(MmuRange, start=100, end=200))  # misses n1
            assert err == 0 and log == ()
            assert subs.active_invalidate_ranges == 1 and subs.invalidate_seq == 2
            mmu_interval_notifier_insert(n2, subs, 0, 16)
            assert subs.invalidate_seq == 3, "odd: insert into an active even epoch left the seq even"
            assert n2.in_tree and subs.itree == (n1, n2) and subs.deferred == ()
            assert n2.invalidate_seq == 3
            mn_itree_inv_end(subs)
            assert subs.invalidate_seq == 4 and subs.active_invalidate_ranges == 0
            seq = mmu_interval_read_begin(n2)
            assert seq == 3 and not mmu_interval_read_retry(n2, seq)

        def init():
            setup("single", "single", "")
            mmu_interval_notifier_insert(n1, subs, 0, 16)
            spawn(main)
        """
    )
    assert kit.explore(text).verdict == "holds"


def test_remove_from_inside_the_notifiers_own_callback_deadlocks(kit):
    text = mn(
        """
        def remove_self(n, rng, cur_seq):
            mmu_interval_set_seq(n, cur_seq)
            mmu_interval_notifier_remove(n)
            return True

        def main():
            mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
            mn_itree_inv_end(subs)

        def init():
            global n1
            setup("", "", "")
            n1 = new(MmuIntervalNotifier, invalidate=remove_self)
            mmu_interval_notifier_insert(n1, subs, 0, 16)
            spawn(main, name="main")
        """
    )
    res = kit.explore(text)
    v = res.violation
    assert (res.verdict, v.kind) == ("violated", "deadlock")
    assert [(b.name, b.location[0], b.text) for b in v.blocked] == [
        ("main", "mmnotif_check/kernel/mmu_notifier.py", "wait_until(subs.invalidate_seq != seq)")
    ]


REMOVE_OTHER = """
WAIT_FOR_REMOVE = False

opened: bool = False
removed: bool = False


def invalidator():
    global opened
    mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
    opened = True
    if WAIT_FOR_REMOVE:
        wait_until(removed)
    mn_itree_inv_end(subs)


def remover():
    global removed
    wait_until(opened)
    mmu_interval_notifier_remove(n1)
    assert subs.invalidate_seq == 4, "after_epoch: remove returned inside the epoch"
    assert not n1.in_tree and subs.itree == () and subs.deferred == ()
    removed = True


def init():
    setup("single", "", "")
    mmu_interval_notifier_insert(n1, subs, 0, 16)
    spawn(invalidator, name="invalidator")
    spawn(remover, name="remover")
"""


def test_remove_from_another_thread_completes_after_the_epoch(kit):
    assert kit.explore(mn(REMOVE_OTHER)).verdict == "holds"


def test_remove_from_another_thread_waits_for_the_epoch(kit):
    res = kit.explore(mn(REMOVE_OTHER), overrides={"WAIT_FOR_REMOVE": True})
    v = res.violation
    assert (res.verdict, v.kind) == ("violated", "deadlock")
    assert [(b.name, b.text) for b in v.blocked] == [
        ("invalidator", "wait_until(removed)"),
        ("remover", "wait_until(subs.invalidate_seq != seq)"),
    ]


def test_remove_while_idle_is_immediate(kit):
    text = mn(
        """
        def main():
            mmu_interval_notifier_remove(n1)
            assert not n1.in_tree and subs.itree == (n2,) and subs.invalidate_seq == 2
            mn_itree_invalidate(subs, new(MmuRange, start=0, end=16))
            mn_itree_inv_end(subs)
            assert log == (("inv", "n2", 3),)

        def init():
            setup("single", "single", "")
            mmu_interval_notifier_insert(n1, subs, 0, 16)
            mmu_interval_notifier_insert(n2, subs, 0, 16)
            spawn(main)
        """
    )
    assert kit.explore(text).verdict == "holds"


TWO_PASS = """
K1 = "two"
K2 = "two"
K3 = ""
REVERSED = False
BLOCKABLE = True

err: int = 1


def main():
    global err
    err = mn_itree_invalidate(subs, new(MmuRange, start=0, end=16, blockable=BLOCKABLE))
    if err == 0:
        mn_itree_inv_end(subs)


def init():
    setup(K1, K2, K3)
    if REVERSED:
        mmu_interval_notifier_insert(n2, subs, 0, 16)
        mmu_interval_notifier_insert(n1, subs, 0, 16)
    else:
        mmu_interval_notifier_insert(n1, subs, 0, 16)
        mmu_interval_notifier_insert(n2, subs, 0, 16)
    if n3 is not None:
        mmu_interval_notifier_insert(n3, subs, 0, 16)
    spawn(main, name="main")


@final
def window_closed():
    \"\"\"window_closed: the epoch is still open after the invalidation\"\"\"
    return subs.invalidate_seq % 2 == 0 and subs.active_invalidate_ranges == 0
"""


def two_pass(expected_log, expected_err) -> str:
    return mn(TWO_PASS) + (
        f"\n\n@final\ndef outcome():\n    \"\"\"outcome: unexpected log or error\"\"\"\n"
        f"    return log == {expected_log!r} and err == {expected_err!r}\n"
    )


@pytest.mark.parametrize(
    ("consts", "expected"),
    [
        ({}, (("start", "n1", 3), ("start", "n2", 3), ("finish", "n1"), ("finish", "n2"))),
        ({"REVERSED": True}, (("start", "n2", 3), ("start", "n1", 3), ("finish", "n2"), ("finish", "n1"))),
        # a start that hands nothing back gets no finish
        ({"K1": "nothing"}, (("start", "n1", 3), ("start", "n2", 3), ("finish", "n2"))),
        # mixed with a single-pass notifier
        ({"K2": "single"}, (("start", "n1", 3), ("inv", "n2", 3), ("finish", "n1"))),
    ],
)
def test_two_pass_finish_runs_once_per_handle_in_tree_order(kit, consts, expected):
    res = kit.explore(two_pass(expected, 0), overrides=consts)
    assert res.verdict == "holds"


def test_two_pass_core_links_the_finish_to_its_notifier(kit):
    text = mn(TWO_PASS) + "\n\n@final\ndef linked():\n    return f1.notifier is n1 and f2.notifier is n2\n"
    assert kit.explore(text).verdict == "holds"


EAGAIN_LOG = (("start", "n1", 3), ("inv", "n2", 3))


@pytest.mark.parametrize(
    ("skip", "expected"),
    [
        (False, (*EAGAIN_LOG, ("finish", "n1"))),
        (True, EAGAIN_LOG),    # the mutant skips the finish pass
    ],
)
def test_nonblocking_failure_gives_eagain_runs_collected_finishes_and_closes_the_window(kit, skip, expected):
    # n1 hands out a finish, n2 fails because the range is not blockable, n3 is never called
    consts = {"K2": "fails", "K3": "two", "BLOCKABLE": False, "SKIP_FINISH_ON_EAGAIN": skip}
    res = kit.explore(two_pass(expected, -11), overrides=consts)
    assert res.verdict == "holds"


def test_skip_finish_on_eagain_mutant_is_caught_by_a_finish_count(kit):
    res = kit.explore(two_pass((*EAGAIN_LOG, ("finish", "n1")), -11),
                      overrides={"K2": "fails", "BLOCKABLE": False, "SKIP_FINISH_ON_EAGAIN": True})
    v = res.violation
    assert (res.verdict, v.kind, v.property) == ("violated", "final", "outcome")


def test_a_failing_notifier_on_a_blockable_range_does_not_stop_the_walk(kit):
    # the kernel WARNs and goes on: every notifier is called and the error is 0
    expected = (("start", "n1", 3), ("inv", "n2", 3), ("start", "n3", 3), ("finish", "n1"), ("finish", "n3"))
    res = kit.explore(two_pass(expected, 0), overrides={"K2": "fails", "K3": "two", "BLOCKABLE": True})
    assert res.verdict == "holds"


def test_insert_with_invalidate_start_but_no_finish_is_an_assert(kit):
    text = mn(
        """
        def main():
            n = new(MmuIntervalNotifier, invalidate_start=two_start)
            mmu_interval_notifier_insert(n, subs, 0, 16)

        def init():
            setup("", "", "")
            spawn(main, name="main")
        """
    )
    res = kit.explore(text)
    v = res.violation
    assert (res.verdict, v.kind, v.property, v.thread) == ("violated", "assert", "insert_start_without_finish", "main")
    assert v.location[0] == "mmnotif_check/kernel/mmu_notifier.py"


def test_release_invalidates_every_notifier_and_closes_the_window(kit):
    text = mn(
        """
        from mmnotif_check.kernel.mmu_notifier import mn_itree_release

        def main():
            mn_itree_release(subs)
            assert log == (("inv", "n1", 3), ("start", "n2", 3), ("finish", "n2"))
            assert subs.invalidate_seq == 4 and subs.active_invalidate_ranges == 0

        def init():
            setup("single", "two", "")
            mmu_interval_notifier_insert(n1, subs, 0, 16)
            mmu_interval_notifier_insert(n2, subs, 1 << 40, 16)
            spawn(main)
        """
    )
    assert kit.explore(text).verdict == "holds"


def _line_of(kernel_file: str, text: str) -> int:
    """The line of the kernel library where ``text`` stands (so edits elsewhere don't matter)."""
    path = Path(__file__).resolve().parent.parent / "mmnotif_check" / "kernel" / kernel_file
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip() == text:
            return n
    raise AssertionError(f"{text!r} not in {kernel_file}")


# ====================================================================== completion

COMPLETION = """
from mmnotif_check.kernel.completion import (
    Completion, complete, complete_all, try_wait_for_completion, wait_for_completion,
)

ORDER = "write-then-complete"   # or complete-then-write
WAITERS = 1
ALL = False

x: int = 0
tried: tuple = ()


def waiter(c):
    wait_for_completion(c)
    assert x == 1, "ordered: the waiter passed before the write it waits for"


def signaller(c):
    global x
    if ORDER == "write-then-complete":
        x = 1
    if ALL:
        complete_all(c)
    else:
        complete(c)
    if ORDER != "write-then-complete":
        x = 1


def trier(c):
    global tried
    ok = try_wait_for_completion(c)
    tried = tried + (ok,)


def init():
    c = new(Completion)
    for i in range(WAITERS):
        spawn(waiter, c, name=f"waiter{i}")
    spawn(signaller, c, name="signaller")
"""


def test_completion_orders_the_waiter_after_complete(kit):
    assert kit.explore(COMPLETION).verdict == "holds"


def test_completion_written_after_complete_is_a_race(kit):
    res = kit.explore(COMPLETION, overrides={"ORDER": "complete-then-write"})
    assert (res.verdict, res.violation.kind, res.violation.property) == ("violated", "assert", "ordered")


def test_one_complete_releases_one_waiter_only(kit):
    res = kit.explore(COMPLETION, overrides={"WAITERS": 2})
    assert (res.verdict, res.violation.kind) == ("violated", "deadlock")
    assert sum(1 for b in res.violation.blocked if b.name.startswith("waiter")) == 1


def test_complete_all_releases_every_waiter(kit):
    assert kit.explore(COMPLETION, overrides={"WAITERS": 2, "ALL": True}).verdict == "holds"


def test_try_wait_for_completion_fails_before_complete(kit):
    src = COMPLETION + """

@final
def trier_saw_nothing():
    return tried == (False,)
"""
    src = src.replace('    spawn(signaller, c, name="signaller")', '    spawn(trier, c, name="trier")')
    assert kit.explore(src, overrides={"WAITERS": 0}).verdict == "holds"


def test_alias_modules_export_the_same_primitives(kit):
    src = """
from mmnotif_check.kernel.rwsem import RwSem, down_write, up_write
from mmnotif_check.kernel.mutex import Mutex, mutex_lock, mutex_unlock
from mmnotif_check.kernel.dma_fence import DmaFence, dma_fence_wait, fence_signaller
from mmnotif_check.kernel.dma_resv import DmaResv, dma_resv_wait
from mmnotif_check.kernel.workqueue import WorkQueue, flush, drain, worker_thread


def t(sem, m, f, wq):
    down_write(sem)
    mutex_lock(m)
    dma_fence_wait(f)
    mutex_unlock(m)
    up_write(sem)
    flush(wq)
    drain(wq)


def init():
    f = new(DmaFence)
    wq = new(WorkQueue)
    spawn(fence_signaller, f, daemon=True)
    spawn(worker_thread, wq, daemon=True)
    spawn(t, new(RwSem), new(Mutex), f, wq)
"""
    assert kit.explore(src).verdict == "holds"
