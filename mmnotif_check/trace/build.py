"""Rebuild a counterexample by replaying its path against the model.

A discovery is stored only as a path of successor indices.  :func:`build_trace` walks the
model along it, labels every step (thread, ``file:line``, statement text, changed fields)
and confirms that the walk ends in the reported violation.  A path the model cannot
follow, or that ends elsewhere, is a loud :class:`NondeterminismError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mmnotif_check.engine.interface import StepFailure, TraceableSystem
from mmnotif_check.engine.result import Violation, format_path
from mmnotif_check.engine.search import deadlock_violation
from mmnotif_check.errors import NondeterminismError

State = Any  # a state of the system (opaque here)
System = TraceableSystem[Any]


@dataclass
class TraceStep:
    number: int
    thread: str
    path: str
    line: int
    text: str
    changes: tuple[tuple[str, Any, Any], ...]
    choices: tuple[int, ...] = ()
    failed: bool = False
    # what the views need (docs/trace-format.md, "Each entry of trace"); see trace/condense.py
    function: str | None = None
    depth: int = 0
    kind: str = "stmt"
    kernel: bool = False
    calls: str | None = None
    taken: bool | None = None
    view: str = "step"  # step | call | collapsed | hidden
    collapsed_into: int | None = None
    call_step: int | None = None
    line_changes: tuple[tuple[str, Any, Any], ...] | None = None  # a "call" line's changes
    property_changes: tuple[str, ...] = ()


@dataclass
class Trace:
    model: str
    constants: dict[str, Any]
    path: tuple[int, ...]
    violation: Violation
    steps: list[TraceStep] = field(default_factory=list)
    initial: dict[str, Any] = field(default_factory=dict)
    final: dict[str, Any] = field(default_factory=dict)
    states: list[State] = field(default_factory=list)
    # describe_state() of every state in ``states`` (the JSON report's "states")
    described: list[dict[str, Any]] = field(default_factory=list)
    # thread names by thread id, the fields whose values are thread ids (lock owners), and
    # the values of a symbolic model's terms under the witness
    thread_ids: list[str] = field(default_factory=list)
    thread_id_fields: list[str] = field(default_factory=list)
    witness_values: dict[str, Any] = field(default_factory=dict)

    @property
    def token(self) -> str:
        return format_path(self.path)


def follow(model: System, path: tuple[int, ...]) -> tuple[list[State], list[tuple[Any, Any]]]:
    """Walk ``path``; return the visited states and the (label, outcome) of each step."""
    if not path:
        raise NondeterminismError("empty path")
    inits = model.initial_states()
    if path[0] >= len(inits):
        raise NondeterminismError(
            f"path starts at initial state {path[0]} but the model has {len(inits)} initial state(s)"
        )
    first = inits[path[0]]
    if isinstance(first, StepFailure):
        if len(path) > 1:
            raise NondeterminismError("the path continues after init() failed")
        return [], [(None, first)]
    states: list[State] = [first]
    steps: list[tuple[Any, Any]] = []
    for n, idx in enumerate(path[1:], start=1):
        state = states[-1]
        trans = model.transitions(state)
        if idx >= len(trans):
            raise NondeterminismError(
                f"step {n}: the path takes successor {idx} but only {len(trans)} step(s) are enabled"
            )
        label, outcome = trans[idx]
        steps.append((label, outcome))
        if isinstance(outcome, StepFailure):
            if n != len(path) - 1:
                raise NondeterminismError(f"step {n} fails ({outcome.message}) before the path ends")
            break
        states.append(outcome)
    return states, steps


def violation_at_end(model: System, path: tuple[int, ...], only: frozenset[str] | None = None) -> Violation | None:
    """The violation that walking ``path`` ends in, or None (raises if it cannot be walked)."""
    states, steps = follow(model, path)
    last = steps[-1][1] if steps else None
    if isinstance(last, StepFailure):
        last = model.complete(last)
        return Violation(last.kind, last.property, last.message, last.location, last.text, last.thread, witness=last.witness)
    state = states[-1]
    f = model.check_invariants(state, only)
    if f is None and model.is_terminal(state):
        f = model.check_finals(state, only)
    if f is not None:
        f = model.complete(f)
        return Violation(f.kind, f.property, f.message, f.location, witness=f.witness)
    if not model.successors(state) and not model.is_terminal(state):
        return deadlock_violation(model, state)
    return None


def reproduces(model: System, states: list[State], steps: list[tuple[Any, Any]], v: Violation, only: frozenset[str] | None) -> str | None:
    """None if the walk ends in violation ``v``; else why not."""
    last = steps[-1][1] if steps else None
    if isinstance(last, StepFailure):
        if v.kind in ("assert", "error") and last.message == v.message:
            return None
        return f"the last step fails with {last.kind} '{last.message}', not the reported {v.kind}"
    state = states[-1]
    if v.kind == "invariant":
        f = model.check_invariants(state, only)
        if f is not None and f.property == v.property:
            return None
        return f"invariant '{v.property}' holds in the final state"
    if v.kind == "final":
        if model.is_terminal(state):
            f = model.check_finals(state, only)
            if f is not None and f.property == v.property:
                return None
        return f"final property '{v.property}' is not violated in the final state"
    if v.kind == "deadlock":
        if not model.successors(state) and not model.is_terminal(state):
            return None
        return "the final state is not a deadlock"
    return f"the path does not end in the reported {v.kind}"


def build_trace(
    model: System,
    path: tuple[int, ...],
    violation: Violation,
    only: frozenset[str] | None = None,
) -> Trace:
    """Replay ``path`` and describe every step; raise if it does not reproduce ``violation``."""
    trace = Trace(model=model.path, constants=dict(model.constants), path=path, violation=violation)
    states, steps = follow(model, path)
    why = reproduces(model, states, steps, violation, only)
    if why is not None:
        raise NondeterminismError(
            f"model is nondeterministic: replaying path {format_path(path)} {why}"
        )
    trace.states = states
    step_facts: list[Any] = []
    if not states:  # init() itself failed: one step, the failing init statement
        f = steps[0][1]
        loc = f.location or (model.path, 1)
        trace.steps.append(TraceStep(1, "init", loc[0], loc[1], f.text, (), (), True))
        return trace
    trace.initial = model.describe_state(states[0])
    facts_of = getattr(model, "trace_facts", None)
    facts = facts_of() if facts_of is not None else None
    for n, (label, outcome) in enumerate(steps, start=1):
        before = states[n - 1]
        if isinstance(outcome, StepFailure):
            changes: tuple[tuple[str, Any, Any], ...] = ()
            failed = True
        else:
            changes = tuple(model.diff(before, outcome, label.tid))
            failed = False
        extra: dict[str, Any] = {}
        if facts is not None:
            f = facts.step(before, label.tid, None if failed else outcome)
            extra = {"function": f.function, "depth": f.depth, "kind": f.kind, "kernel": f.kernel,
                     "calls": f.calls, "taken": f.taken}
            step_facts.append(f)
        trace.steps.append(
            TraceStep(
                number=n,
                thread=label.thread,
                path=label.info.path,
                line=label.info.line,
                text=label.info.text,
                changes=changes,
                choices=label.choices,
                failed=failed,
                **extra,
            )
        )
    trace.final = model.describe_state(states[-1])
    trace.described = [model.describe_state(s) for s in states]
    trace.thread_ids = model.thread_names(states[-1])
    if facts is not None:
        from mmnotif_check.trace.condense import condense

        failing = (states[-1], steps[-1][0].tid) if steps and isinstance(steps[-1][1], StepFailure) else None
        locations = facts.property_locations(violation.kind, violation.property, failing)
        trace.thread_id_fields = facts.thread_id_fields()
        trace.witness_values = facts.witness_values(states, violation.witness)
        for st in trace.steps:
            st.property_changes = tuple(c[0] for c in st.changes if facts.change_location(c[0]) in locations)
        condense(trace, step_facts)
    return trace
