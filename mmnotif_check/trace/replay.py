"""``mmnotif-check replay TRACE.json``: re-execute a stored counterexample against its model.

The report names the model, every constant, the reduction and the property selection; the
path is followed step by step, each step compared with the stored one (thread, file,
statement, changed fields), and the last state must end in the stored violation (kind,
property, message). Anything else is an :class:`InputError` at the report's line and
column that names the step and why: the model changed, or the trace was edited. A
statement that only moved to another line (an edit elsewhere in the file) is the same
step; such steps are listed in :attr:`Replayed.moved`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmnotif_check.engine.interface import StepFailure, TraceableSystem
from mmnotif_check.engine.result import VIOLATED, Result, Stats, parse_path
from mmnotif_check.engine.search import peak_memory_kib
from mmnotif_check.errors import NondeterminismError, OverrideError
from mmnotif_check.lang.system import load_model
from mmnotif_check.options import REDUCTIONS, CheckOptions
from mmnotif_check.trace.build import Trace, build_trace, follow, violation_at_end
from mmnotif_check.trace.common import basename
from mmnotif_check.trace.load import LoadedReport, require_trace


@dataclass
class Replayed:
    model: TraceableSystem[Any]
    options: CheckOptions
    result: Result
    trace: Trace
    moved: list[int]  # steps whose statement is now on another line (the model was edited around it)


def _as_model_value(v: Any) -> Any:
    """JSON constants back to model values (arrays were tuples)."""
    if isinstance(v, list):
        return tuple(_as_model_value(x) for x in v)
    return v


def resolve_model(lr: LoadedReport) -> str:
    """The model file: as named (relative to the working directory), else relative to the
    report's directory or one of its parents (a report kept in ``docs/examples/`` of the
    repository whose root it was written from)."""
    name = str(lr.report["model"])
    p = Path(name)
    if p.suffix != ".py":  # said at the report's key, not as an error inside that file
        raise lr.error(("model",), f"model file '{name}' is not a '.py' file")
    if p.is_absolute() or p.is_file():
        return name
    here = Path(lr.path).resolve().parent
    for base in (here, *here.parents):
        candidate = base / p
        if candidate.is_file():
            return os.path.relpath(candidate) if not os.path.relpath(candidate).startswith("..") else str(candidate)
    raise lr.error(("model",), f"model file '{name}' not found (looked in the working directory and in the "
                               "trace file's directory and its parents)")


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _step_desc(thread: str, file: str, line: int, text: str) -> str:
    return f"{thread} at {basename(file)}:{line} `{_short(text)}`"


def replay_report(lr: LoadedReport) -> Replayed:
    """Replay the counterexample of ``lr``; raise :class:`InputError` unless it reproduces."""
    require_trace(lr, states=False)
    r = lr.report
    opts = r["options"]
    reduction = opts.get("reduction", "none")
    if reduction not in REDUCTIONS:
        raise lr.error(("options", "reduction"), f"unknown reduction {reduction!r} (known: {', '.join(REDUCTIONS)})")
    props = opts.get("properties")
    only = frozenset(props) if props is not None else None
    try:
        path = parse_path(r["path"])
    except ValueError as exc:
        raise lr.error(("path",), f"'path': {exc}") from None
    model_path = resolve_model(lr)
    constants = {k: _as_model_value(v) for k, v in r["constants"].items()}
    try:
        model = load_model(model_path, constants, "none", only)  # paths are literal steps
    except OverrideError as err:
        raise lr.error(("constants", err.name), f"constant {err.name}: {err.message} (has the model changed?)") from None
    if only is not None:
        unknown = sorted(only - set(model.property_names))
        if unknown:
            raise lr.error(("options", "properties"), f"the model has no property '{unknown[0]}' any more")
    try:
        # First, on the fresh model: a symbolic model's witness comes from the solver, whose
        # answers may depend on the queries before (verify and replay --path ask this first too).
        violation = violation_at_end(model, path, only)
        states, steps = follow(model, path)
    except NondeterminismError as exc:
        raise lr.error(("path",), f"replay failed at {exc} (the model changed or the trace was edited)") from None
    stored = r["trace"]
    moved: list[int] = []
    for i, (label, outcome) in enumerate(steps):
        if i >= len(stored):
            raise lr.error(("trace",), f"the path has {len(steps)} steps but the trace lists {len(stored)}")
        want = stored[i]
        if label is None:  # init() failed
            assert isinstance(outcome, StepFailure)
            loc = outcome.location or (model.path, 1)
            got = ("init", loc[0], loc[1], outcome.text)
        else:
            got = (label.thread, label.info.path, label.info.line, label.info.text)
        same = (got[0], basename(got[1]), got[3]) == (want["thread"], basename(want["file"]), want["statement"])
        if same and got[2] != want["line"]:
            moved.append(i + 1)  # the same statement, moved by an edit elsewhere in the file
        if not same:
            raise lr.error(
                ("trace", i),
                f"step {i + 1}: the trace has {_step_desc(want['thread'], want['file'], want['line'], want['statement'])} "
                f"but the model takes {_step_desc(*got)} (the model changed or the trace was edited)",
            )
        if label is not None and not isinstance(outcome, StepFailure):
            changes = [[n, a, b] for n, a, b in model.diff(states[i], outcome, label.tid)]
            stored_changes = [[c["name"], c["old"], c["new"]] for c in want["changes"]]
            if changes != stored_changes:
                raise lr.error(
                    ("trace", i, "changes"),
                    f"step {i + 1} ({_step_desc(*got)}) now changes {_changes(changes)}, "
                    f"the trace says {_changes(stored_changes)} (the model changed or the trace was edited)",
                )
    if len(stored) != len(steps):
        raise lr.error(("trace",), f"the path has {len(steps)} steps but the trace lists {len(stored)}")
    if violation is None:
        raise lr.error(("path",), f"the path is a real execution but ends in no violation (the report says {_what(r)})")
    got_v = (violation.kind, violation.property, violation.message)
    want_v = (r["kind"], r["property"], r["message"])
    if got_v != want_v:
        raise lr.error(
            ("kind",),
            f"the path now ends in {violation.kind} {violation.property or ''} '{violation.message}', "
            f"not the reported {_what(r)}".replace("  ", " "),
        )
    try:
        trace = build_trace(model, path, violation, only)
    except NondeterminismError as exc:  # pragma: no cover - the checks above cover it
        raise lr.error(("path",), str(exc)) from None
    options = CheckOptions(properties=only, reduction=reduction)
    result = Result(VIOLATED, Stats(0, 0, len(path) - 1, 0.0, peak_memory_kib()), violation, path)
    return Replayed(model, options, result, trace, moved)


def _changes(changes: list[list[Any]]) -> str:
    if not changes:
        return "nothing"
    return ", ".join(f"{n}: {a!r} -> {b!r}" for n, a, b in changes[:3]) + (" ..." if len(changes) > 3 else "")


def _what(r: dict[str, Any]) -> str:
    prop = f" {r['property']}" if r.get("property") and r["kind"] in ("invariant", "final") else ""
    return f"{r['kind']}{prop} '{r['message']}'"
