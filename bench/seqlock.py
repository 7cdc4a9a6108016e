"""A seqcount reader/writer protocol: the shape of mmu_interval_read_begin/retry.

One writer makes NW updates, each: seq += 1 (now odd), d1 = i + 1, d2 = i + 1, seq += 1
(even again).  NR readers each read until they get a consistent snapshot: s1 = seq, retry
while it is odd; read d1 and d2; s2 = seq, retry if it moved.  A snapshot that passed the
check must not be torn (d1 and d2 from different updates).  bench/seqlock_hand.py explores
the same protocol at the same statement granularity by hand.
"""

NR = 2
NW = 2

seq: int = 0
d1: int = 0
d2: int = 0
ndone: int = 0


def writer():
    global seq, d1, d2
    i = 0
    while i < NW:
        seq += 1
        d1 = i + 1
        d2 = i + 1
        seq += 1
        i += 1


def reader():
    global ndone
    retry = True
    while retry:
        s1 = seq
        if s1 % 2 == 0:
            v1 = d1
            v2 = d2
            s2 = seq
            retry = s1 != s2
    assert v1 == v2, "torn_read: a reader passed the retry check with d1 and d2 of different updates"
    ndone += 1


def init():
    spawn(writer, name="writer")
    for r in range(NR):
        spawn(reader, name=f"reader{r}")
