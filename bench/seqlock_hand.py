"""A hand-written breadth-first search of bench/seqlock.py: the "Python limit".

Plain tuples and one ``if`` chain per thread; no reductions, no interpretation.  Two
granularities:

* ``model`` (default): exactly the literal semantics of bench/seqlock.py (docs/language.md:
  one step per statement, ``while`` tests, implicit returns, locals ``None`` until
  assigned), so its state count equals ``mmnotif-check verify bench/seqlock.py --reduce
  none`` (469,264 states for NR=2 NW=2);
* ``coarse``: the statement granularity of the reference search the performance issue
  measured against (a reader's odd-seq test and its final check each fold into the step
  before; NR=2 NW=2: 229,104 states, NR=2 NW=3: 1,693,805).

Usage: ``python bench/seqlock_hand.py NR NW [model|coarse]``; prints one line of numbers.
"""

from __future__ import annotations

import collections
import resource
import sys
import time

DONE = -1


def model_successors(s: tuple, nr: int, nw: int) -> list[tuple]:
    """bench/seqlock.py step by step.  State: (seq, d1, d2, ndone, wpc, i, then per
    reader: pc, retry, s1, v1, v2, s2)."""
    seq, d1, d2, nd, wpc, i = s[:6]
    out = []
    rest = s[6:]
    if wpc == 0:  # i = 0
        out.append((seq, d1, d2, nd, 1, 0) + rest)
    elif wpc == 1:  # while i < NW
        out.append((seq, d1, d2, nd, 2 if i < nw else 7, i) + rest)
    elif wpc == 2:  # seq += 1
        out.append((seq + 1, d1, d2, nd, 3, i) + rest)
    elif wpc == 3:  # d1 = i + 1
        out.append((seq, i + 1, d2, nd, 4, i) + rest)
    elif wpc == 4:  # d2 = i + 1
        out.append((seq, d1, i + 1, nd, 5, i) + rest)
    elif wpc == 5:  # seq += 1
        out.append((seq + 1, d1, d2, nd, 6, i) + rest)
    elif wpc == 6:  # i += 1
        out.append((seq, d1, d2, nd, 1, i + 1) + rest)
    elif wpc == 7:  # implicit return: the frame and its locals are gone
        out.append((seq, d1, d2, nd, DONE, None) + rest)
    for r in range(nr):
        b = 6 + 6 * r
        pc, retry, s1, v1, v2, s2 = s[b : b + 6]
        pre, post = s[:b], s[b + 6 :]
        if pc == 0:  # retry = True
            out.append(pre + (1, True, s1, v1, v2, s2) + post)
        elif pc == 1:  # while retry
            out.append(pre + ((2 if retry else 7), retry, s1, v1, v2, s2) + post)
        elif pc == 2:  # s1 = seq
            out.append(pre + (3, retry, seq, v1, v2, s2) + post)
        elif pc == 3:  # if s1 % 2 == 0 (else back to the loop test)
            out.append(pre + ((4 if s1 % 2 == 0 else 1), retry, s1, v1, v2, s2) + post)
        elif pc == 4:  # v1 = d1
            out.append(pre + (5, retry, s1, d1, v2, s2) + post)
        elif pc == 5:  # v2 = d2
            out.append(pre + (6, retry, s1, v1, d2, s2) + post)
        elif pc == 6:  # s2 = seq
            out.append(pre + (10, retry, s1, v1, v2, seq) + post)
        elif pc == 10:  # retry = s1 != s2
            out.append(pre + (1, s1 != s2, s1, v1, v2, s2) + post)
        elif pc == 7:  # assert v1 == v2
            if v1 != v2:
                raise AssertionError("torn read")
            out.append(pre + (8, retry, s1, v1, v2, s2) + post)
        elif pc == 8:  # ndone += 1
            out.append((seq, d1, d2, nd + 1) + s[4:b] + (9, retry, s1, v1, v2, s2) + post)
        elif pc == 9:  # implicit return
            out.append(pre + (DONE, None, None, None, None, None) + post)
    return out


def coarse_successors(s: tuple, nr: int, nw: int) -> list[tuple]:
    """The coarser granularity.  State: (seq, d1, d2, ndone, wpc, wi, then per reader:
    pc, s1, v1, v2, s2)."""
    seq, d1, d2, nd, wpc, wi = s[:6]
    rest = s[6:]
    out = []
    if wpc == 0:  # loop test
        out.append((seq, d1, d2, nd, 1 if wi < nw else 6, wi) + rest)
    elif wpc == 1:
        out.append((seq + 1, d1, d2, nd, 2, wi) + rest)
    elif wpc == 2:
        out.append((seq, wi + 1, d2, nd, 3, wi) + rest)
    elif wpc == 3:
        out.append((seq, d1, wi + 1, nd, 4, wi) + rest)
    elif wpc == 4:
        out.append((seq + 1, d1, d2, nd, 5, wi) + rest)
    elif wpc == 5:
        out.append((seq, d1, d2, nd, 0, wi + 1) + rest)
    for r in range(nr):
        b = 6 + 5 * r
        pc, s1, v1, v2, s2 = s[b : b + 5]
        pre, post = s[:b], s[b + 5 :]
        if pc == 0:
            out.append(pre + (1, seq, v1, v2, s2) + post)
        elif pc == 1:  # odd: retry
            out.append(pre + ((0 if s1 % 2 else 2), s1, v1, v2, s2) + post)
        elif pc == 2:
            out.append(pre + (3, s1, d1, v2, s2) + post)
        elif pc == 3:
            out.append(pre + (4, s1, v1, d2, s2) + post)
        elif pc == 4:
            out.append(pre + (5, s1, v1, v2, seq) + post)
        elif pc == 5:  # compare, and check the snapshot in the same step
            if s1 != s2:
                out.append(pre + (0, s1, v1, v2, s2) + post)
            else:
                if v1 != v2:
                    raise AssertionError("torn read")
                out.append(pre + (6, s1, v1, v2, s2) + post)
        elif pc == 6:
            out.append((seq, d1, d2, nd + 1, wpc, wi) + s[6:b] + (7, s1, v1, v2, s2) + post)
    return out


def search(nr: int, nw: int, granularity: str = "model") -> tuple[int, int, float, int]:
    """(states, transitions, seconds, peak RSS in KiB) of a full breadth-first search."""
    if granularity == "model":
        init = (0, 0, 0, 0, 0, None) + (0, None, None, None, None, None) * nr
        succ = model_successors
    else:
        init = (0, 0, 0, 0, 0, 0) + (0, 0, 0, 0, 0) * nr
        succ = coarse_successors
    start = time.perf_counter()
    seen = {init}
    queue = collections.deque([init])
    transitions = 0
    while queue:
        s = queue.popleft()
        for t in succ(s, nr, nw):
            transitions += 1
            if t not in seen:
                seen.add(t)
                queue.append(t)
    seconds = time.perf_counter() - start
    return len(seen), transitions, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    NR, NW = int(sys.argv[1]), int(sys.argv[2])
    gran = sys.argv[3] if len(sys.argv) > 3 else "model"
    states, trans, secs, rss = search(NR, NW, gran)
    print(f"states={states} transitions={trans} seconds={secs:.3f} peak_kib={rss}")
