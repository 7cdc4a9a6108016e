"""Helpers the trace formats share; they all read the JSON report dict (the stable schema)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from mmnotif_check.trace.values import fmt_value

LOCK_ACQUIRE = frozenset(
    {"down_read", "down_write", "down_read_trylock", "down_write_trylock", "mutex_lock", "mutex_trylock",
     "spin_lock", "spin_trylock"}
)
LOCK_RELEASE = frozenset({"up_read", "up_write", "mutex_unlock", "spin_unlock"})
LOCK_OPS = LOCK_ACQUIRE | LOCK_RELEASE | {"downgrade_write"}
_LOCK_CALL = re.compile(r"\b(" + "|".join(sorted(LOCK_OPS, key=len, reverse=True)) + r")\s*\(([^()]*)")


@dataclass(frozen=True)
class LockOp:
    """A lock operation in a step.

    ``effect``: ``acquire`` / ``release`` / ``downgrade`` (the step took or dropped the lock),
    ``call`` (the statement calls a lock function; the lock changes in a later step) or
    ``failed`` (the lock operation's own assertion failed).
    """

    op: str
    lock: str
    effect: str


def basename(path: str) -> str:
    return posixpath.basename(path.replace("\\", "/"))


def change_text(ch: dict[str, Any], arrow: str = "->") -> str:
    return f"{ch['name']}: {fmt_value(ch['old'])} {arrow} {fmt_value(ch['new'])}"


def violation_title(report: dict[str, Any]) -> str:
    """``invariant mutual_exclusion`` / ``assert`` / ``deadlock`` ..."""
    kind = report.get("kind") or "violation"
    prop = report.get("property")
    if prop and kind in ("invariant", "final"):
        return f"{kind} {prop}"
    if prop and kind == "assert" and prop != report.get("message"):
        return f"assert {prop}"
    return str(kind)


def violation_location(report: dict[str, Any]) -> str:
    loc = report.get("location")
    if isinstance(loc, dict) and "file" in loc and "line" in loc:
        return f"{loc['file']}:{loc['line']}"
    return ""


def witness_text(report: dict[str, Any]) -> str:
    """``a = 0, d = 4294967294`` for a symbolic model's witness; empty otherwise."""
    w = report.get("witness") or {}
    return ", ".join(f"{k} = {v}" for k, v in w.items()) if isinstance(w, dict) else ""


def states_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    states = report.get("states")
    return states if isinstance(states, list) else []


def thread_record(state: dict[str, Any], name: str) -> dict[str, Any] | None:
    for th in state.get("threads", []):
        if th.get("name") == name:
            return th  # type: ignore[no-any-return]
    return None


def thread_names(report: dict[str, Any]) -> list[str]:
    """Every thread of the counterexample, in spawn order (``init`` first if it fails)."""
    names: list[str] = []
    for st in states_of(report):
        for th in st.get("threads", []):
            if th["name"] not in names:
                names.append(th["name"])
    for step in report.get("trace", []):
        if step["thread"] not in names:
            names.append(step["thread"])
    return names


def function_before(report: dict[str, Any], index: int) -> str | None:
    """The function the thread of step ``index`` (0-based) is in when the step starts."""
    states = states_of(report)
    if index >= len(states):
        return None
    th = thread_record(states[index], report["trace"][index]["thread"])
    if th is None or not th["stack"]:
        return None
    return str(th["stack"][-1]["function"])


def holder_of(state: dict[str, Any] | None, ref: str) -> str | None:
    """A field or global that holds object ``ref`` (``VM#0.lock`` for ``RwSem#0``)."""
    if state is None:
        return None
    for obj, fields in state.get("objects", {}).items():
        for f, v in fields.items():
            if v == ref:
                return f"{obj}.{f}"
    for g, v in state.get("globals", {}).items():
        if v == ref:
            return str(g)
    return None


def lock_op(report: dict[str, Any], index: int) -> LockOp | None:
    """The lock operation step ``index`` (0-based) performs or calls, if any."""
    step = report["trace"][index]
    fn = function_before(report, index)
    if fn in LOCK_OPS:
        assert fn is not None
        objs = [c["name"].split(".", 1)[0] for c in step["changes"] if "#" in c["name"] and "." in c["name"]]
        if step.get("failed"):
            return LockOp(fn, "", "failed")
        if objs:
            states = states_of(report)
            holder = holder_of(states[index] if index < len(states) else None, objs[0])
            lock = f"{holder} ({objs[0]})" if holder else objs[0]
            if fn in LOCK_RELEASE:
                effect = "release"
            elif fn == "downgrade_write":
                effect = "downgrade"
            else:
                effect = "acquire"
            return LockOp(fn, lock, effect)
    m = _LOCK_CALL.search(step["statement"])
    if m is not None:
        return LockOp(m.group(1), m.group(2).strip(), "failed" if step.get("failed") else "call")
    return None


def line_lock(report: dict[str, Any], line: dict[str, Any]) -> LockOp | None:
    """The lock operation a view line (:func:`~mmnotif_check.trace.condense.view_lines`)
    performs: a collapsed library call of a lock function, or a literal step's."""
    if not line.get("call"):
        index = int(line["step"]) - 1
        trace = report.get("trace") or []
        return lock_op(report, index) if 0 <= index < len(trace) else None
    fn = line.get("calls")
    if fn not in LOCK_OPS:
        return None
    if line.get("failed"):
        return LockOp(str(fn), "", "failed")
    objs = [c["name"].split(".", 1)[0] for c in line["changes"] if "#" in c["name"] and "." in c["name"]]
    if not objs:
        m = _LOCK_CALL.search(str(line["statement"]))
        return LockOp(str(fn), m.group(2).strip() if m else "", "call")
    states = states_of(report)
    first = int(line["steps"][0]) - 1
    holder = holder_of(states[first] if 0 <= first < len(states) else None, objs[0])
    lock = f"{holder} ({objs[0]})" if holder else objs[0]
    effect = "release" if fn in LOCK_RELEASE else "downgrade" if fn == "downgrade_write" else "acquire"
    return LockOp(str(fn), lock, effect)
