"""Visited-state stores and the trail that rebuilds a path.

* :class:`ExactStore` keeps every state (a short tuple of interned ids): no omission.
* :class:`FingerprintStore` keeps a 64-bit hash per state, as TLC and SPIN's hash-compact
  mode do: a collision between two distinct states would hide the second one, with the
  probability :meth:`FingerprintStore.omission_probability` prints.

* :class:`BitstateStore` sets two bits per state in a fixed bit array (SPIN's bitstate
  "supertrace" mode): a few bits a state, and states may be missed with a probability that
  grows as the array fills, so only swarm runs (``--swarm``), which never claim that a
  property holds, use it.

None keeps a path: the :class:`Trail` records, per stored state, the id of the state it
was reached from and the code of the step taken, so a discovery is rebuilt by replay.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable


class ExactStore:
    name = "exact"

    def __init__(self) -> None:
        self.seen: set[Hashable] = set()

    def add(self, state: Hashable) -> bool:
        """Store ``state``; False if it was stored already."""
        n = len(self.seen)
        self.seen.add(state)
        return len(self.seen) != n

    def __contains__(self, state: Hashable) -> bool:
        return state in self.seen

    def __len__(self) -> int:
        return len(self.seen)

    def omission_probability(self) -> float | None:
        return None


class FingerprintStore:
    """64-bit fingerprints in an open-addressing table (an ``array`` of unsigned 64-bit
    words, linear probing, at most half full): 16 to 32 bytes a state, where a Python
    ``set`` of ints would take about 65."""

    name = "fingerprint"
    BITS = 64
    MASK = (1 << 64) - 1

    def __init__(self, capacity: int = 1 << 16) -> None:
        self.table = array("Q", bytes(8 * capacity))
        self.mask = capacity - 1
        self.count = 0

    @classmethod
    def fingerprint(cls, state: Hashable) -> int:
        """The state's 64-bit fingerprint (never 0: 0 marks an empty slot)."""
        return (hash(state) & cls.MASK) or 1

    def add(self, state: Hashable) -> bool:
        return self.add_fingerprint((hash(state) & self.MASK) or 1)

    def add_fingerprint(self, fp: int) -> bool:
        """Store fingerprint ``fp``; False if it was stored already."""
        table = self.table
        mask = self.mask
        i = (fp ^ (fp >> 32)) & mask  # fold the high half in: low bits alone cluster
        while True:
            v = table[i]
            if v == 0:
                table[i] = fp
                self.count += 1
                if self.count * 2 > mask:
                    self._grow()
                return True
            if v == fp:
                return False
            i = (i + 1) & mask

    def contains_fingerprint(self, fp: int) -> bool:
        table = self.table
        mask = self.mask
        i = (fp ^ (fp >> 32)) & mask
        while True:
            v = table[i]
            if v == 0:
                return False
            if v == fp:
                return True
            i = (i + 1) & mask

    def __contains__(self, state: Hashable) -> bool:
        return self.contains_fingerprint((hash(state) & self.MASK) or 1)

    def _grow(self) -> None:
        old = self.table
        size = 2 * len(old)
        table = array("Q", bytes(8 * size))
        mask = size - 1
        for fp in old:
            if fp:
                i = (fp ^ (fp >> 32)) & mask
                while table[i]:
                    i = (i + 1) & mask
                table[i] = fp
        self.table = table
        self.mask = mask

    def __len__(self) -> int:
        return self.count

    def omission_probability(self) -> float:
        """The probability that two of the stored states share a fingerprint (so that one
        of them, and what only it leads to, went unexplored), for ideal 64-bit hashes:
        n(n-1)/2 pairs, each colliding with probability 2^-64."""
        n = self.count
        return float(min(1.0, n * (n - 1) / 2 ** (self.BITS + 1)))


class BitstateStore:
    """Two bits per state in an array of ``2**log2_bits`` bits (a Bloom filter): a state
    whose two bits are both set already counts as seen."""

    name = "bitstate"
    MASK = FingerprintStore.MASK

    def __init__(self, log2_bits: int = 27) -> None:  # 2**27 bits: 16 MiB
        self.bits = bytearray(1 << (log2_bits - 3))
        self.mask = (1 << log2_bits) - 1
        self.count = 0

    def add(self, state: Hashable) -> bool:
        return self.add_fingerprint((hash(state) & self.MASK) or 1)

    def add_fingerprint(self, fp: int) -> bool:
        """Set the two bits of ``fp``; False if both were set already."""
        bits, mask = self.bits, self.mask
        a = fp & mask
        b = ((fp >> 32) ^ (fp * 0x9E3779B1)) & mask
        old_a, old_b = bits[a >> 3], bits[b >> 3]
        if old_a & (1 << (a & 7)) and old_b & (1 << (b & 7)):
            return False
        bits[a >> 3] = old_a | (1 << (a & 7))
        bits[b >> 3] |= 1 << (b & 7)
        self.count += 1
        return True

    def contains_fingerprint(self, fp: int) -> bool:
        bits, mask = self.bits, self.mask
        a = fp & mask
        b = ((fp >> 32) ^ (fp * 0x9E3779B1)) & mask
        return bool(bits[a >> 3] & (1 << (a & 7)) and bits[b >> 3] & (1 << (b & 7)))

    def __len__(self) -> int:
        return self.count

    def omission_probability(self) -> float:
        """The chance that a new state's two bits were both set by others already, with
        the array as full as it is now (an estimate: what a further state risks)."""
        fill = 1.0 - (1.0 - 1.0 / (self.mask + 1)) ** (2 * self.count)
        return float(fill * fill)


def make_store(kind: str) -> ExactStore | FingerprintStore | BitstateStore:
    if kind == "bitstate":
        return BitstateStore()
    return ExactStore() if kind == "exact" else FingerprintStore()


class Trail:
    """Per stored state: its predecessor's id and the code of the step (12 bytes)."""

    def __init__(self, wide: bool = False) -> None:
        # wide: 64-bit parents, for a parallel search whose parent ids name a worker too
        self.parent = array("q" if wide else "i")
        self.code = array("Q")

    def add(self, parent: int, code: int) -> int:
        sid = len(self.parent)
        self.parent.append(parent)
        self.code.append(code)
        return sid

    def path(self, sid: int) -> tuple[int, ...]:
        """The codes from the initial state to ``sid`` (the initial index first)."""
        out = []
        while sid >= 0:
            out.append(self.code[sid])
            sid = self.parent[sid]
        return tuple(reversed(out))

    def __len__(self) -> int:
        return len(self.parent)
