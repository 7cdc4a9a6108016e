"""MMU interval notifier sequence numbers, for all 2^64 values (PROTOCOL 5.1, 5.2: C1-C14).

Every claim is an assert named after it; a spec selects one with ``properties``.  The
values are symbolic: ``symbolic("e", u64) * 2`` is every even value, ``x | 1`` every odd
one, ``k >> 1`` every value below 2^63.  ``MUTANT`` swaps in the wrong arithmetic the
claims must catch: the force path's ``-= 2`` as ``+= 2`` or ``-= 1``, and ``read_retry``
with ``>`` instead of ``!=``.
"""

MUTANT = "none"   # none | force_plus_2 | force_minus_1 | retry_gt
EPOCHS = 2        # epochs simulated after the force path (C13)
LONG_MAX = 0x7FFFFFFFFFFFFFFF


class Subs:
    seq: u64 = 2


class Notifier:
    seq: u64 = 0


@pure
def read_retry(n, s):
    if MUTANT == "retry_gt":
        return n.seq > s
    return n.seq != s


@pure
def force_update(x):
    """xe_vma_userptr_force_invalidate: fake staleness of the cached seq."""
    if MUTANT == "force_plus_2":
        return x + 2
    if MUTANT == "force_minus_1":
        return x - 1
    return x - 2


def epoch_claims():
    e = symbolic("e", u64) * 2                  # any even value
    assert (e | 1) == e + 1, "C1: for even e, e | 1 == e + 1"
    assert (e | 1) % 2 == 1, "C1_odd: for even e, e | 1 is odd"
    o = e | 1
    assert (o + 1) % 2 == 0, "C2: for odd o, o + 1 is even (also at 2^64 - 1)"
    k = symbolic("k", u64)
    s = 2 * k                                   # the seq after k epochs, from 2 with k -> k + 1
    assert (s | 1) + 1 == s + 2, "C3: each epoch advances the seq by exactly 2"


def insert_claims():
    subs = new(Subs, seq=symbolic("S", u64) * 2)
    n = new(Notifier)
    n.seq = subs.seq - 1                        # insert while idle
    assert n.seq % 2 == 1, "C4_odd: insert while idle gives an odd notifier seq"
    assert n.seq != subs.seq and n.seq != (subs.seq | 1), "C4: the inserted seq is neither the current nor the next epoch value"
    assert n.seq != subs.seq, "C7: read_begin never waits while the mm is idle (n != S for even S)"
    subs.seq = subs.seq | 1                     # an epoch starts: callbacks get cur_seq
    cur = subs.seq
    assert cur % 2 == 1, "C5: cur_seq handed to a callback is odd"
    n.seq = cur                                 # set_seq
    assert n.seq % 2 == 1, "C6: the notifier seq stays odd"


def retry_claims():
    s = symbolic("s", u64) | 1                  # a reader's odd seq
    cur = symbolic("cur", u64) | 1              # the odd seq set_seq installs
    n = new(Notifier, seq=cur)
    if s != cur:
        assert read_retry(n, s), "C8: a reader whose seq differs from the installed one retries"
    k1 = symbolic("k1", u64)
    d = symbolic("d", u64) >> 1                 # 0 <= d < 2^63
    if d != 0:
        assert 2 * (k1 + d) + 1 != 2 * k1 + 1, "C9: odd epoch values repeat only every 2^63 epochs"
    d2 = (symbolic("d2", u64) >> 1) + 1         # 1 <= d2 <= 2^63
    assert 2 * (k1 + d2) + 1 != 2 * k1 + 1, "C9_wrap: at 2^63 epochs apart the odd values collide"


def long_max_claims():
    k = symbolic("km", u64) >> 1                # epochs below 2^63
    if 2 * k + 1 == LONG_MAX:
        assert k == (1 << 62) - 1, "C10: LONG_MAX is the odd value of epoch 2^62 - 1 only"
    k2 = symbolic("km2", u64)                   # without the bound a second k hits it
    if 2 * k2 + 1 == LONG_MAX:
        assert k2 == (1 << 62) - 1, "C10_unbounded: LONG_MAX is the odd value of one epoch only"


def force_claims():
    x = symbolic("x", u64)
    assert force_update(x) != x, "C11: x - 2 != x for every x"
    odd = x | 1
    assert force_update(odd) % 2 == 1, "C12: an odd cached seq stays odd"
    # C13: a pinned userptr (cached == notifier seq, both from the last epoch) is forced
    # stale; it must stay stale through the next epochs until it is repinned.
    subs = new(Subs, seq=symbolic("S13", u64) * 2)
    n = new(Notifier, seq=subs.seq - 1)
    cached = n.seq                              # pin: read_begin
    assert cached % 2 == 1, "C14: the pin path caches an odd seq"
    cached = force_update(cached)
    assert read_retry(n, cached), "C13: after the force path read_retry is true"
    for i in range(EPOCHS):
        subs.seq = subs.seq | 1                 # epoch begins
        n.seq = subs.seq                        # the notifier's callback: set_seq
        subs.seq = subs.seq + 1                 # epoch ends
        assert read_retry(n, cached), "C13_stays: read_retry stays true in the following epochs"


def check_all():
    epoch_claims()
    insert_claims()
    retry_claims()
    long_max_claims()
    force_claims()


def init():
    spawn(check_all, name="claims")
