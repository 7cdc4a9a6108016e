"""The transition-system interface the engine explores.

The engine knows nothing about Python syntax, locks or notifiers: a system gives initial
states, the outcomes of every enabled step of a state (in a deterministic order), and
property checks.  An outcome is either the next state or a :class:`StepFailure` (the
step itself failed: an ``assert`` or a run-time error in the model).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

S = TypeVar("S", bound=Hashable)


class Inconclusive(Exception):
    """Raised by a system that cannot decide a step (e.g. the solver answered unknown)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StepFailure:
    """A step that failed while executing (assert or run-time error)."""

    kind: str  # assert | error
    property: str | None
    message: str
    location: tuple[str, int] | None
    text: str
    thread: str
    witness: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class PropertyFailure:
    """A state property (invariant or final) that is false."""

    kind: str  # invariant | final
    property: str
    message: str
    location: tuple[str, int] | None
    witness: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class BlockedThread:
    """A thread that cannot step, and the statement it waits at."""

    name: str
    daemon: bool
    location: tuple[str, int]
    text: str


class TransitionSystem(Protocol[S]):
    """What the explorer needs from a model."""

    def initial_states(self) -> Sequence[S | StepFailure]: ...

    def successors(self, state: S) -> Sequence[S | StepFailure]: ...

    def check_invariants(
        self, state: S, only: frozenset[str] | None = None
    ) -> PropertyFailure | None: ...

    def is_terminal(self, state: S) -> bool: ...

    def check_finals(
        self, state: S, only: frozenset[str] | None = None
    ) -> PropertyFailure | None: ...

    def blocked_threads(self, state: S) -> list[BlockedThread]: ...
