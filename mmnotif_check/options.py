"""The immutable options value of one verification run (CLI > spec > defaults)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

STRATEGIES = ("bfs", "dfs")
REDUCTIONS = ("none", "local", "por")
STORES = ("exact", "fingerprint")


@dataclass(frozen=True)
class CheckOptions:
    """How to search.  Budgets of ``None`` mean unlimited.

    ``reduction``: ``none`` (literal semantics), ``local`` (merge statements that touch
    only the thread's own stack) or ``por`` (also merge statements no other thread can
    observe, and explore ample sets: partial-order reduction).  ``store``: ``exact`` keeps
    every state; ``fingerprint`` keeps a 64-bit hash per state (the report prints the
    probability that a hash collision hid a state).  Verdicts never depend on either.
    """

    strategy: str = "bfs"  # bfs | dfs
    max_states: int | None = None
    max_depth: int | None = None
    timeout: float | None = None
    max_memory_mb: int | None = None
    properties: frozenset[str] | None = None  # None: every invariant and final
    check_deadlock: bool = True
    reduction: str = "por"
    store: str = "fingerprint"
    symmetry: bool = False
    shortest: bool = False  # after a reduced search finds a violation, search for the shortest
    solver_timeout_ms: int = 10_000  # per Z3 query; a timeout makes the run inconclusive

    def with_(self, **changes: Any) -> CheckOptions:
        return replace(self, **changes)

    def describe_budgets(self) -> str:
        parts = []
        if self.max_states is not None:
            parts.append(f"max {self.max_states} states")
        if self.max_depth is not None:
            parts.append(f"max depth {self.max_depth}")
        if self.timeout is not None:
            parts.append(f"timeout {self.timeout:g} s")
        if self.max_memory_mb is not None:
            parts.append(f"max memory {self.max_memory_mb} MiB")
        return ", ".join(parts) or "no budgets"
