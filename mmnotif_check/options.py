"""The immutable options value of one verification run (CLI > spec > defaults)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

STRATEGIES = ("bfs", "dfs")
REDUCTIONS = ("none", "local", "por")
STORES = ("exact", "fingerprint")

# The rules every option value follows, wherever it comes from (a command-line flag or a
# spec key): one table, so that the command line and specs accept exactly the same values.
POSITIVE_INTEGERS = ("max_states", "max_depth", "max_memory", "solver_timeout_ms")
POSITIVE_NUMBERS = ("timeout",)
CHOICES = {"strategy": STRATEGIES, "reduction": REDUCTIONS, "store": STORES}
SOLVER_TIMEOUT_MAX_MS = 2**32 - 1  # Z3 keeps its time limit in an unsigned 32-bit integer


def option_problem(key: str, value: Any) -> str | None:
    """What is wrong with ``value`` for option ``key`` (a spec key name: ``max_states``,
    ``timeout``, ``solver_timeout_ms``, ``strategy``, ...), as the end of a sentence that
    starts with the option's name (``must be a positive integer, not 0``); None if it is
    fine.  The command line (``cli.py``) and specs (``spec.py``) both ask this."""
    if key in POSITIVE_INTEGERS:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"must be an integer, not {value!r}"
        if value < 1:
            return f"must be a positive integer, not {value}"
        if key == "solver_timeout_ms" and value > SOLVER_TIMEOUT_MAX_MS:
            return f"must be at most {SOLVER_TIMEOUT_MAX_MS} (milliseconds), not {value}"
        return None
    if key in POSITIVE_NUMBERS:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return f"must be a number, not {value!r}"
        if math.isnan(value) or math.isinf(value) or not value > 0:
            return f"must be a positive number, not {_number(value)}"
        return None
    if key in CHOICES:
        known = CHOICES[key]
        if value not in known:
            return f"must be one of {', '.join(repr(a) for a in known)}, not {value!r}"
    return None


def _number(v: float | int) -> str:
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return f"{v:g}" if isinstance(v, float) else str(v)


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
    # where the search runs (never what it finds): worker processes of a breadth-first
    # search, on this machine or on the Ray cluster at ``cluster`` (engine/parallel.py)
    workers: int = 1
    cluster: str | None = None
    seed: int | None = None  # depth-first search: successors in an order shuffled with this seed (swarm runs)

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
