"""Make a counterexample shorter by leaving steps out (when a shortest one is not known).

A counterexample is a *schedule*: which thread steps, with which ``choose`` picks, in
order.  Leaving a step out of the schedule and running the rest (a thread whose entry
comes while it cannot take that step is passed over) gives another real execution; if it
still ends in a violation the search would accept, it replaces the counterexample.  Runs
of steps are tried from long to short (delta debugging), then single steps, each pass
until nothing more can go.  The result is a literal path like any other; it is not
claimed to be a shortest one.  The work is bounded by a number of literal steps executed
(deterministic, unlike a time limit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mmnotif_check.engine.interface import StepFailure
from mmnotif_check.engine.result import Violation

STEP_BUDGET = 30_000  # literal steps executed while minimising, at most

Schedule = list[tuple[int, tuple[int, ...]]]


class _Budget(Exception):
    pass


class Minimizer:
    def __init__(self, system: Any, accept: Callable[[Violation], bool], check_deadlock: bool,
                 only: frozenset[str] | None, deadlock: Callable[[Any, Any], Violation]) -> None:
        self.system = system
        self.accept = accept
        self.check_deadlock = check_deadlock
        self.only = only
        self.deadlock = deadlock
        self.budget = STEP_BUDGET
        self.found: Violation | None = None  # the violation the last successful run ends in

    def schedule(self, path: tuple[int, ...]) -> Schedule:
        """The (thread, picks) of each literal step of ``path``."""
        state = self.system.initial_states()[path[0]]
        out: Schedule = []
        for k in path[1:]:
            label, nxt = self.system.transitions(state)[k]
            out.append((label.tid, label.choices))
            if isinstance(nxt, StepFailure):
                break
            state = nxt
        return out

    def run(self, init: int, schedule: Schedule) -> Schedule | None:
        """The shortest violating prefix of running ``schedule`` (entries whose thread
        cannot take its step are passed over), as the entries actually run, or None."""
        system = self.system
        state = system.initial_states()[init]
        ran: Schedule = []
        if self._violated_state(state):
            return ran
        for tid, picks in schedule:
            self.budget -= 1
            if self.budget < 0:
                raise _Budget
            nxt = system.literal_step(state, tid, picks)
            if nxt is None:
                continue
            ran.append((tid, picks))
            if isinstance(nxt, StepFailure):
                v = Violation(nxt.kind, nxt.property, nxt.message, nxt.location, nxt.text, nxt.thread,
                              witness=nxt.witness, context=nxt.context)
                if self.accept(v):
                    self.found = v
                    return ran
                return None
            state = nxt
            if self._violated_state(state):
                return ran
        return None

    def path(self, init: int, schedule: Schedule) -> tuple[int, ...]:
        """The literal path (successor indices) of running ``schedule``."""
        system = self.system
        state = system.initial_states()[init]
        out = [init]
        for tid, picks in schedule:
            out.append(system.literal_index(state, tid, picks))
            nxt = system.literal_step(state, tid, picks)
            if isinstance(nxt, StepFailure):
                break
            state = nxt
        return tuple(out)

    def _violated_state(self, state: Any) -> bool:
        system = self.system
        f = system.check_invariants(state, self.only)
        if f is None and system.is_terminal(state):
            f = system.check_finals(state, self.only)
        v = None
        if f is not None:
            v = Violation(f.kind, f.property, f.message, f.location, witness=f.witness, context=f.context)
        elif self.check_deadlock and not system.successors(state) and not system.is_terminal(state):
            v = self.deadlock(system, state)
        if v is not None and self.accept(v):
            self.found = v
            return True
        return False

    def minimize(self, path: tuple[int, ...], violation: Violation) -> tuple[tuple[int, ...], Violation]:
        schedule = self.schedule(path)
        best, best_violation = schedule, violation
        try:
            chunk = max(1, len(schedule) // 2)
            while chunk >= 1:
                changed = True
                while changed:
                    changed = False
                    start = len(best) - chunk
                    while start >= 0:
                        got = self.run(path[0], best[:start] + best[start + chunk :])
                        if got is not None and len(got) < len(best):
                            assert self.found is not None
                            best, best_violation = got, self.found
                            changed = True
                            start = min(start, len(best)) - chunk
                        else:
                            start -= chunk
                chunk //= 2
        except _Budget:
            pass
        if len(best) == len(schedule):
            return path, violation
        return self.path(path[0], best), best_violation


def replay(system: Any, path: tuple[int, ...], violation: Violation, accept: Callable[[Violation], bool] | None,
           check_deadlock: bool, only: frozenset[str] | None,
           deadlock: Callable[[Any, Any], Violation]) -> tuple[tuple[int, ...], Violation]:
    """The violation that running the literal ``path`` ends in, computed on the states it
    really reaches (a search under symmetry found it on representatives, whose thread
    names and messages may belong to swapped threads), with the path up to it."""

    def same(v: Violation) -> bool:
        return (v.kind, v.property) == (violation.kind, violation.property)

    m = Minimizer(system, accept or same, check_deadlock, only, deadlock)
    m.budget = len(path) + 1
    ran = m.run(path[0], m.schedule(path))
    if ran is None or m.found is None:
        return path, violation
    return m.path(path[0], ran), m.found


def minimize(system: Any, path: tuple[int, ...], violation: Violation, accept: Callable[[Violation], bool] | None,
             check_deadlock: bool, only: frozenset[str] | None,
             deadlock: Callable[[Any, Any], Violation]) -> tuple[tuple[int, ...], Violation]:
    """A path no longer than ``path`` that still ends in a violation ``accept`` takes
    (without ``accept``: one of the same kind and property as ``violation``), with it."""

    def same(v: Violation) -> bool:
        return (v.kind, v.property) == (violation.kind, violation.property)

    return Minimizer(system, accept or same, check_deadlock, only, deadlock).minimize(path, violation)
