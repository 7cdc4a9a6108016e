"""The immutable options value of one verification run (CLI > spec > defaults)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class CheckOptions:
    """How to search.  Budgets of ``None`` mean unlimited."""

    strategy: str = "bfs"  # bfs | dfs
    max_states: int | None = None
    max_depth: int | None = None
    timeout: float | None = None
    max_memory_mb: int | None = None
    properties: frozenset[str] | None = None  # None: every invariant and final
    check_deadlock: bool = True
    reduction: str = "none"  # none | local (see lang/effects.py)
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
