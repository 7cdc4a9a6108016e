"""Verdicts as data: holds (exhaustive), violated (with a discovery), inconclusive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mmnotif_check.engine.interface import BlockedThread

HOLDS = "holds"
VIOLATED = "violated"
INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Stats:
    states: int
    transitions: int
    max_depth: int
    seconds: float
    peak_memory_kib: int
    frontier: int = 0
    extra: tuple[tuple[str, float], ...] = ()  # system statistics, e.g. solver calls
    reduction: str = "none"
    store: str = "exact"
    omission_probability: float | None = None  # fingerprint store: a collision hid a state
    notes: tuple[str, ...] = ()  # what the system says about the run (e.g. symmetry off, and why)
    workers: tuple[int, ...] = ()  # a parallel search: the states each worker stores

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else float(self.states)


@dataclass(frozen=True)
class Violation:
    """What went wrong.  ``kind``: assert | invariant | final | deadlock | error."""

    kind: str
    property: str | None
    message: str
    location: tuple[str, int] | None = None
    text: str = ""
    thread: str | None = None
    blocked: tuple[BlockedThread, ...] = field(default_factory=tuple)
    witness: tuple[tuple[str, int], ...] = ()  # values of symbolic variables that trigger it
    context: tuple[Any, ...] = field(default=(), compare=False)  # what the witness comes from


@dataclass(frozen=True)
class Result:
    verdict: str
    stats: Stats
    violation: Violation | None = None
    path: tuple[int, ...] | None = None
    reason: str | None = None  # why a run is inconclusive
    # a violation's trace is known to be a shortest one (BFS over the literal semantics,
    # or a reduced search confirmed by a literal search bounded by its length)
    shortest: bool = True
    # with an acceptance test (explore's ``accept``): a violation it did not accept, met first
    passed_over: Violation | None = None
    # no state or time budget stopped the search (a depth bound may have): everything
    # within the bound was explored
    exhausted: bool = True
    # the run was stopped (Ctrl-C, SIGTERM, SIGHUP, memory) after it found its violation,
    # while it looked for a shorter counterexample or rebuilt it; ``reason`` says what
    # stopped it.  The violation is real; the run is incomplete all the same (exit 3).
    stopped: bool = False

    @property
    def exit_code(self) -> int:
        if self.stopped:
            return 3
        return {HOLDS: 0, VIOLATED: 1, INCONCLUSIVE: 3}[self.verdict]


def format_path(path: tuple[int, ...]) -> str:
    """The replay token: initial-state index, then one successor index per step."""
    return "/".join(str(k) for k in path)


def parse_path(token: str) -> tuple[int, ...]:
    """Parse a replay token; raises ValueError with a readable message."""
    token = token.strip()
    if not token:
        raise ValueError("empty path (expected something like 0/2/1)")
    parts = token.split("/")
    if any(len(p.strip().lstrip("+-")) > 18 for p in parts):  # no state has that many successors
        raise ValueError("bad path (an index has more than 18 digits)")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"bad path {token!r} (expected indices separated by '/', like 0/2/1)") from None
    if any(v < 0 for v in values):
        raise ValueError(f"bad path {token!r}: indices are never negative")
    return values
