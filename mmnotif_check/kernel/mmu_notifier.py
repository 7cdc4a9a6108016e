"""The MMU interval notifier core, single- and two-pass (mm/mmu_notifier.c; PROTOCOL 2.1-2.6).

Driver callbacks are procedure references on the notifier (the C ``ops`` table):

* ``invalidate(n, rng, cur_seq) -> bool``                        (single pass)
* ``invalidate_start(n, rng, cur_seq) -> (bool, finish or None)`` (two-pass, pass 1;
  the C out-parameter becomes the second element)
* ``invalidate_finish(finish)``                                   (two-pass, pass 2)

The interval tree is a tuple in insertion order; it is frozen while the epoch
(``invalidate_seq``) is odd, so the walk iterates over the snapshot taken when the
window opened.  The thread-local llist of finishes is a local tuple, newest first.
"""

EAGAIN = -11
RANGE_MAX = 1 << 48

# Mutant switch: the core skips the finish pass on the -EAGAIN path (must be caught).
SKIP_FINISH_ON_EAGAIN = False


class MmSubscriptions:
    """struct mmu_notifier_subscriptions: one per mm."""

    invalidate_seq: u64 = 2
    active_invalidate_ranges: int = 0
    itree: tuple = ()
    deferred: tuple = ()


class MmuIntervalNotifier:
    subs: MmSubscriptions = None
    start: int = 0
    last: int = 0
    invalidate_seq: u64 = 0
    invalidate: proc = None
    invalidate_start: proc = None
    invalidate_finish: proc = None
    in_tree: bool = False


class MmuRange:
    """struct mmu_notifier_range: [start, end), blockable or not."""

    start: int = 0
    end: int = 0
    blockable: bool = True
    event: str = "unmap"


class MmuNotifierFinish:
    """struct mmu_interval_notifier_finish: the core fills ``notifier`` when linking it."""

    notifier: MmuIntervalNotifier = None


@pure
def mn_overlaps(n, rng):
    return n.start < rng.end and n.last >= rng.start


def mn_itree_inv_start_range(subs, rng):
    """Open the invalidation window; return (cur_seq, the overlapping notifiers)."""
    with atomic():
        subs.active_invalidate_ranges += 1
        hits = tuple(n for n in subs.itree if mn_overlaps(n, rng))
        if len(hits) > 0:
            subs.invalidate_seq = subs.invalidate_seq | 1
        cur_seq = subs.invalidate_seq
    return (cur_seq, hits)


def mn_itree_inv_end(subs):
    """Close the window; the last one out of an odd epoch ends it and applies deferrals."""
    with atomic():
        subs.active_invalidate_ranges -= 1
        if subs.active_invalidate_ranges == 0 and subs.invalidate_seq % 2 == 1:
            subs.invalidate_seq = subs.invalidate_seq + 1
            for item in subs.deferred:
                if item[0] == "insert":
                    subs.itree = subs.itree + (item[1],)
                    item[1].in_tree = True
                else:
                    subs.itree = remove(subs.itree, item[1])
                    item[1].in_tree = False
            subs.deferred = ()


def mn_itree_finish_pass(finishes):
    """Run every collected finish, in tree order (the llist is newest first)."""
    for fin in reversed(finishes):
        call(fin.notifier.invalidate_finish, fin)


def mn_itree_invalidate(subs, rng):
    """invalidate_range_start for interval notifiers: 0, or EAGAIN (window already closed)."""
    cur_seq, hits = mn_itree_inv_start_range(subs, rng)
    finishes = ()
    err = 0
    for n in hits:
        if n.invalidate_start is not None:
            ret, fin = call(n.invalidate_start, n, rng, cur_seq)
            if ret and fin is not None:
                fin.notifier = n
                finishes = (fin,) + finishes
        else:
            ret = call(n.invalidate, n, rng, cur_seq)
        if not ret and not rng.blockable:
            err = EAGAIN
            break
    if err == 0 or not SKIP_FINISH_ON_EAGAIN:
        mn_itree_finish_pass(finishes)
    if err != 0:
        mn_itree_inv_end(subs)
    return err


def mmu_notifier_invalidate_range(subs, rng):
    """A whole invalidation as the mm does it around a page-table change: range_start,
    then (if it did not fail with -EAGAIN) range_end.  Returns 0 or EAGAIN."""
    err = mn_itree_invalidate(subs, rng)
    if err == 0:
        mn_itree_inv_end(subs)
    return err


def mn_itree_release(subs):
    """exit_mmap: invalidate everything (blockable), finish pass, always close the window."""
    rng = new(MmuRange, start=0, end=RANGE_MAX, blockable=True, event="release")
    cur_seq, hits = mn_itree_inv_start_range(subs, rng)
    finishes = ()
    for n in hits:
        if n.invalidate_start is not None:
            ret, fin = call(n.invalidate_start, n, rng, cur_seq)
            if ret and fin is not None:
                fin.notifier = n
                finishes = (fin,) + finishes
        else:
            ret = call(n.invalidate, n, rng, cur_seq)
    mn_itree_finish_pass(finishes)
    mn_itree_inv_end(subs)


def mmu_interval_read_begin(n):
    """Sample the notifier's seq; sleep while an epoch that already covers it is running."""
    with atomic():
        seq = n.invalidate_seq
        busy = seq == n.subs.invalidate_seq
    if busy:
        wait_until(n.subs.invalidate_seq != seq)
    return seq


@pure
def mmu_interval_read_retry(n, seq):
    return n.invalidate_seq != seq


@pure
def mmu_interval_check_retry(n, seq):
    return n.invalidate_seq != seq


def mmu_interval_set_seq(n, cur_seq):
    n.invalidate_seq = cur_seq


def mmu_interval_notifier_insert(n, subs, start, length):
    with atomic():
        assert n.invalidate_start is None or n.invalidate_finish is not None, "insert_start_without_finish: invalidate_start set without invalidate_finish (WARN_ON_ONCE)"
        n.subs = subs
        n.start = start
        n.last = start + length - 1
        if subs.active_invalidate_ranges > 0:
            if subs.invalidate_seq % 2 == 1:
                subs.deferred = subs.deferred + (("insert", n),)
            else:
                subs.invalidate_seq = subs.invalidate_seq | 1
                subs.itree = subs.itree + (n,)
                n.in_tree = True
            n.invalidate_seq = subs.invalidate_seq
        else:
            n.invalidate_seq = subs.invalidate_seq - 1
            subs.itree = subs.itree + (n,)
            n.in_tree = True


def mmu_interval_notifier_remove(n):
    """Remove ``n``; if an epoch covering it runs, wait until that epoch ends."""
    subs = n.subs
    with atomic():
        seq = -1
        if subs.invalidate_seq % 2 == 1:
            if not n.in_tree:
                subs.deferred = remove(subs.deferred, ("insert", n))
            else:
                subs.deferred = subs.deferred + (("remove", n),)
                seq = subs.invalidate_seq
        else:
            subs.itree = remove(subs.itree, n)
            n.in_tree = False
    if seq != -1:
        wait_until(subs.invalidate_seq != seq)
