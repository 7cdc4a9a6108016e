"""Visited-state stores and the trail that rebuilds a path.

* :class:`ExactStore` keeps every state (a short tuple of interned ids): no omission.
* :class:`FingerprintStore` keeps a 64-bit hash per state, as TLC and SPIN's hash-compact
  mode do: a collision between two distinct states would hide the second one, with the
  probability :meth:`FingerprintStore.omission_probability` prints.

Neither keeps a path: the :class:`Trail` records, per stored state, the id of the state it
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
    name = "fingerprint"
    BITS = 64

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def add(self, state: Hashable) -> bool:
        n = len(self.seen)
        self.seen.add(hash(state))
        return len(self.seen) != n

    def __contains__(self, state: Hashable) -> bool:
        return hash(state) in self.seen

    def __len__(self) -> int:
        return len(self.seen)

    def omission_probability(self) -> float:
        """The probability that two of the stored states share a fingerprint (so that one
        of them, and what only it leads to, went unexplored), for ideal 64-bit hashes:
        n(n-1)/2 pairs, each colliding with probability 2^-64."""
        n = len(self.seen)
        return float(min(1.0, n * (n - 1) / 2 ** (self.BITS + 1)))


def make_store(kind: str) -> ExactStore | FingerprintStore:
    return ExactStore() if kind == "exact" else FingerprintStore()


class Trail:
    """Per stored state: its predecessor's id and the code of the step (12 bytes)."""

    def __init__(self) -> None:
        self.parent = array("i")
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
