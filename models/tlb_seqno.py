"""The xe TLB invalidation seqno window (PROTOCOL 5.4: C20-C23), MAX = 2^20.

Seqnos live in [1, MAX-1]; ``next`` skips 0, so the sequence has period MAX-1.  The GuC
reports the last completed seqno (``recv``); ``past(s, recv)`` decides whether the
invalidation with seqno ``s`` has completed, using a signed difference and a half-range
window.  ``DIST`` is the distance d between an invalidation and ``recv`` that the window
claims (C21) are checked at; the largest correct d is found by the specs (one holds at
d, one fails at d + 1).
"""

TLB_SEQNO_MAX = 0x100000
DIST = 1


@pure
def tlb_next(s):
    n = (s + 1) % TLB_SEQNO_MAX
    if n == 0:
        return u32(1)
    return n


@pure
def advance(s, d):
    """next applied d times, in closed form (period MAX - 1)."""
    return (s - 1 + d) % (TLB_SEQNO_MAX - 1) + 1


@pure
def past(s, recv):
    diff = s32(s - recv)
    if diff < -(TLB_SEQNO_MAX // 2):
        return False
    if diff > TLB_SEQNO_MAX // 2:
        return True
    return s32(recv) >= s32(s)


@pure
def prev(s):
    if s == 1:
        return u32(TLB_SEQNO_MAX - 1)
    return s - 1


def claims():
    r = symbolic("r", u32) % (TLB_SEQNO_MAX - 1) + 1     # any seqno in [1, MAX-1]
    n = tlb_next(r)
    assert n != 0, "C20: next never yields 0"
    assert n == advance(r, 1), "C20_period: next agrees with the closed form of period MAX - 1"
    d = symbolic("d", u32) % DIST + 1                      # every distance 1 <= d <= DIST
    s = advance(r, d)
    assert not past(s, r), "C21_newer: an invalidation d <= DIST ahead of recv is not reported complete"
    assert past(r, s), "C21_older: an invalidation d <= DIST behind recv is reported complete"
    # C22: a GT reset sets recv to prev(seqno); every invalidation issued within the
    # window before seqno is then past.
    seqno = symbolic("seqno", u32) % (TLB_SEQNO_MAX - 1) + 1
    j = symbolic("j", u32) % DIST + 1                      # 1 <= j <= DIST
    issued = advance(seqno, TLB_SEQNO_MAX - 1 - j)         # j steps before seqno
    assert past(issued, prev(seqno)), "C22: after a reset every issued invalidation is past"


class Gt:
    seqno: u32 = 1
    recv: u32 = 0
    pending: tuple = ()     # seqnos in issue order
    signaled: tuple = ()    # ghost: seqnos whose fence was signaled


def issuer(gt):
    for k in range(ISSUES):
        with atomic():
            gt.pending = gt.pending + (gt.seqno,)
            gt.seqno = tlb_next(gt.seqno)


def done_handler(gt):
    """xe_tlb_inval_done_handler: completions arrive in order; signal every pending fence
    that is past, stop at the first that is not."""
    for k in range(ISSUES):
        with atomic():
            wait_until(len(gt.pending) > len(gt.signaled))
            gt.recv = gt.pending[len(gt.signaled)]
            for s in gt.pending[len(gt.signaled):]:
                if not past(s, gt.recv):
                    break
                gt.signaled = gt.signaled + (s,)


ISSUES = 3
CLAIMS = True


@final
def all_signaled():
    """C23: every issued invalidation is signaled once the GuC reported the last one"""
    return all(len(g.signaled) == len(g.pending) for g in objects(Gt))


def init():
    if CLAIMS:
        spawn(claims, name="claims")
    start = symbolic("start", u32) % (TLB_SEQNO_MAX - 1) + 1
    gt = new(Gt, seqno=start)
    spawn(issuer, gt, name="issuer")
    spawn(done_handler, gt, name="guc")
