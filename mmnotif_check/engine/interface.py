"""The transition-system interface the engine explores and the trace tools read.

The engine knows nothing about Python syntax, locks or notifiers: a system gives initial
states, the outcomes of every enabled step of a state (in a deterministic order), and
property checks.  An outcome is either the next state or a :class:`StepFailure` (the
step itself failed: an ``assert`` or a run-time error in the model).

A search may be *reduced* (fewer interleavings, same verdicts): :meth:`expand` and
:meth:`ample` give the reduced steps, each identified by a *transition code*; a path of
codes is turned back into a path of literal steps (the literal semantics of DESIGN
section 4, one statement per step) by :meth:`literal_path`, which is what traces,
``replay`` and ``explore`` use.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

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
    # what a witness is computed from, once, for the violation reported (a symbolic model's
    # path condition); not part of the failure's identity
    context: tuple[Any, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class PropertyFailure:
    """A state property (invariant or final) that is false."""

    kind: str  # invariant | final
    property: str
    message: str
    location: tuple[str, int] | None
    witness: tuple[tuple[str, int], ...] = ()
    context: tuple[Any, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class BlockedThread:
    """A thread that cannot step, and the statement it waits at."""

    name: str
    daemon: bool
    location: tuple[str, int]
    text: str


class Site(Protocol):
    """Where a step starts: file, line, the statement's text and its kind."""

    @property
    def path(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class StepLabel:
    """Who took a literal step and which statement it started at."""

    tid: int
    thread: str
    info: Site
    choices: tuple[int, ...]


Outcome = Any  # a state, or a StepFailure

# The bits of a transition code from this one up count the literal steps (statements) the
# transition stands for (0 means 1): a breadth-first search orders states by them.
STEP_COST_SHIFT = 32


class TransitionSystem(Protocol[S]):
    """What the explorer needs from a model."""

    def initial_states(self) -> Sequence[S | StepFailure]: ...

    def expand(self, state: S) -> tuple[list[S | StepFailure], list[int]]:
        """Every enabled step of every thread (reduced as configured), with its code."""
        ...

    def ample(self, state: S) -> tuple[list[S | StepFailure], list[int]] | None:
        """An ample set: steps that may stand for all of ``expand`` (the system keeps the
        cycle proviso itself, so the answer depends on ``state`` alone and any search
        order, or number of workers, explores the same reduced graph); None if there is
        none."""
        ...

    def check_invariants(self, state: S, only: frozenset[str] | None = None) -> PropertyFailure | None: ...

    def is_terminal(self, state: S) -> bool: ...

    def check_finals(self, state: S, only: frozenset[str] | None = None) -> PropertyFailure | None: ...

    def blocked_threads(self, state: S) -> list[BlockedThread]: ...


class TraceableSystem(TransitionSystem[S], Protocol[S]):
    """What traces, replay and the inspection commands need on top: the literal steps."""

    path: str
    constants: dict[str, Any]
    selected: frozenset[str] | None  # the property selection the system was built with

    def successors(self, state: S) -> list[S | StepFailure]: ...

    def transitions(self, state: S) -> list[tuple[StepLabel, S | StepFailure]]: ...

    def literal_path(self, codes: Sequence[int]) -> tuple[int, ...]: ...

    def describe_state(self, state: S) -> dict[str, Any]:
        """Globals, objects and threads (with their frames) as JSON values."""
        ...

    def diff(self, before: S, after: S, tid: int | None) -> list[tuple[str, Any, Any]]:
        """What a step changed: (name, old value, new value), values as JSON values."""
        ...

    def thread_names(self, state: S) -> list[str]: ...

    def complete(self, failure: Any) -> Any:
        """A failure or violation with what is computed only for the one reported (the
        witness of a symbolic model)."""
        ...

    def outline(self) -> dict[str, Any]:
        """The model's constants, properties and procedures, as data."""
        ...
