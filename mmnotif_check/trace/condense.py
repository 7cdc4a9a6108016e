"""The protocol view of a counterexample: which literal steps a reader needs to see.

A counterexample is a path of literal steps (one statement each); many of them are the
kernel library's internals (the atomic block inside ``down_write``, its ``return``),
implicit returns, helpers that only assert, and branches on configuration constants.
:func:`condense` decides, for every step, how the default views (text, HTML, Mermaid,
DOT) show it; the JSON report keeps every step with this decision
(docs/trace-format.md):

``step``
    shown on a line of its own;
``call``
    one line standing for a call into the kernel library: the calling statement (step
    ``call_step``, e.g. ``down_write(vm.lock)``) with what the call changed
    (``line_changes``); the library's steps are ``collapsed`` into it.  A call that other
    threads' steps (or a callback into the model) interrupt is one line per uninterrupted
    part, each where it happened, so the interleaving stays visible;
``collapsed``
    folded into the line of step ``collapsed_into``;
``hidden``
    left out: returns that change nothing shared, helper procedures that write nothing
    (and everything they run), branches whose condition is made of constants only, and
    the part of an interrupted library call that changed nothing.

A failing step is always shown.  ``--detail full`` shows every step as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from mmnotif_check.trace.build import Trace

Change = tuple[str, Any, Any]


def _shared(name: str, globals_: dict[str, Any]) -> bool:
    """A change of shared data (a global, an object or a field), not a local or a thread."""
    return "#" in name or name in globals_


def merge_changes(parts: Sequence[Sequence[Change]]) -> list[Change]:
    """Several steps' changes as one: per name the first old and the last new value,
    dropped where they are equal, in the order names first changed."""
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for changes in parts:
        for name, old, new in changes:
            if name not in first:
                first[name] = old
            last[name] = new
    return [(n, first[n], last[n]) for n in first if first[n] != last[n] or type(first[n]) is not type(last[n])]


def condense(trace: Trace, facts: Sequence[Any]) -> None:
    """Set ``view``, ``collapsed_into``, ``call_step`` and ``line_changes`` of every step of
    ``trace`` (``facts``: the :class:`~mmnotif_check.lang.tracefacts.StepFacts` of each)."""
    steps = trace.steps
    n = len(steps)
    if n != len(facts) or not trace.described:
        return
    globals_ = trace.described[0].get("globals", {})
    by_thread: dict[str, list[int]] = {}
    for i, s in enumerate(steps):
        by_thread.setdefault(s.thread, []).append(i)

    # every call that entered a function, with the steps it ran (the return included)
    members: dict[int, list[int]] = {}
    returned_at: dict[int, int] = {}
    for idxs in by_thread.values():
        open_: list[tuple[int, int]] = []
        for i in idxs:
            f = facts[i]
            for a, _ in open_:
                members[a].append(i)
            while open_ and f.depth_after <= open_[-1][1]:
                a, _ = open_.pop()
                returned_at[a] = i
            if f.calls is not None and f.depth_after == f.depth + 1:
                open_.append((i, f.depth))
                members[i] = []

    owner: dict[int, int] = {}  # library step -> the kernel call it is folded into
    hidden: set[int] = set()
    kernel_calls: list[int] = []
    for a in sorted(members):
        fa = facts[a]
        if a in owner or a in hidden:
            continue
        if fa.calls_kernel:
            kernel_calls.append(a)
            callback_depth: int | None = None
            for m in members[a]:
                fm = facts[m]
                if callback_depth is not None and fm.depth >= callback_depth:
                    continue  # inside model code the library called back
                callback_depth = None
                if not steps[m].kernel:
                    callback_depth = fm.depth
                    continue
                owner.setdefault(m, a)
        elif fa.calls_helper and not any(steps[m].failed for m in members[a]) and not steps[a].failed:
            hidden.add(a)
            hidden.update(members[a])

    views: list[str] = ["step"] * n
    for i, s in enumerate(steps):
        if s.failed:
            continue
        f = facts[i]
        shared = any(_shared(c[0], globals_) for c in s.changes)
        plain_return = f.kind in ("return", "end") and not shared and f.calls is None
        if i in hidden or plain_return or (f.kind in ("if", "while") and f.constant):
            views[i] = "hidden"

    collapsed_into: dict[int, int] = {}
    call_step: dict[int, int] = {}
    line_changes: dict[int, list[Change]] = {}
    for a in kernel_calls:
        elems = [a, *sorted(m for m, o in owner.items() if o == a)]
        segments: list[list[int]] = [[elems[0]]]
        for prev, cur in itertools.pairwise(elems):
            if cur == prev + 1:
                segments[-1].append(cur)
            else:
                segments.append([cur])
        ret = returned_at.get(a)
        for k, seg in enumerate(segments):
            changes = merge_changes([[c for c in steps[i].changes if _shared(c[0], globals_)] for i in seg])
            if ret is not None and ret in seg:
                changes += _result_changes(trace, a, ret, facts[a].depth)
            failed = any(steps[i].failed for i in seg)
            display = seg[-1]
            if not changes and not failed and k < len(segments) - 1:
                for i in seg:
                    views[i] = "hidden"
                continue
            for i in seg:
                views[i] = "collapsed"
                collapsed_into[i] = display
            views[display] = "call"
            collapsed_into.pop(display, None)
            call_step[display] = a
            line_changes[display] = changes

    if views and views[-1] == "hidden":
        views[-1] = "step"  # where the violation happens is always shown
    for i, s in enumerate(steps):
        s.view = views[i]
        s.collapsed_into = steps[collapsed_into[i]].number if i in collapsed_into else None
        s.call_step = steps[call_step[i]].number if i in call_step else None
        s.line_changes = tuple(line_changes[i]) if i in line_changes else None


def _result_changes(trace: Trace, call: int, ret: int, depth: int) -> list[Change]:
    """The caller's locals that the call's result was stored into (``f = tlb_inval_issue(gt)``)."""
    states = trace.described
    if ret + 1 >= len(states):
        return []
    thread = trace.steps[call].thread

    def frame(state: dict[str, Any]) -> dict[str, Any] | None:
        for th in state.get("threads", []):
            if th["name"] == thread and len(th["stack"]) >= depth:
                return th["stack"][depth - 1]  # type: ignore[no-any-return]
        return None

    before, after = frame(states[call]), frame(states[ret + 1])
    if before is None or after is None or before["function"] != after["function"]:
        return []
    old, new = before["locals"], after["locals"]
    return [(k, old.get(k), v) for k, v in new.items() if old.get(k) != v]


# ------------------------------------------------------------------ reading a report


def has_views(report: dict[str, Any]) -> bool:
    """Whether the report's steps carry the view decisions (written by 0.2 and later)."""
    trace = report.get("trace") or []
    return bool(trace) and all(isinstance(s, dict) and "view" in s for s in trace)


def view_lines(report: dict[str, Any], detail: str = "protocol") -> list[dict[str, Any]]:
    """The lines a view draws, in order: each a dict with ``steps`` (the literal step
    numbers it stands for), ``step`` (where it is: the last of them), ``thread``,
    ``file``, ``line``, ``statement``, ``function``, ``depth``, ``changes`` (name, old,
    new), ``marked`` (names of changes a violated property reads), ``failed``, ``calls``
    (the called function for a collapsed library call), ``taken`` and ``call`` (whether
    it stands for a collapsed library call).

    ``detail``: ``protocol`` (the default views) or ``full`` (one line per literal step).
    A report without view decisions gives one line per step either way.
    """
    trace = report.get("trace") or []
    full = detail == "full" or not has_views(report)
    by_number = {s["step"]: s for s in trace}
    folded: dict[int, list[int]] = {}
    if not full:
        for s in trace:
            if s.get("view") == "collapsed" and s.get("collapsed_into") is not None:
                folded.setdefault(int(s["collapsed_into"]), []).append(int(s["step"]))
    lines: list[dict[str, Any]] = []
    for s in trace:
        view = "step" if full else s.get("view", "step")
        if view in ("hidden", "collapsed"):
            continue
        numbers = [s["step"]]
        src = s
        changes = s["changes"]
        marked = set(s.get("property_changes") or [])
        if view == "call":
            numbers = sorted([*folded.get(s["step"], []), s["step"]])
            src = by_number.get(s.get("call_step"), s)
            changes = s.get("line_changes") if s.get("line_changes") is not None else changes
            for k in numbers:
                marked.update(by_number[k].get("property_changes") or [])
        lines.append({
            "steps": numbers,
            "step": s["step"],
            "thread": s["thread"],
            "file": src["file"],
            "line": src["line"],
            "statement": src["statement"],
            "function": src.get("function"),
            "depth": src.get("depth") or 1,
            "changes": changes,
            "marked": sorted(marked),
            "failed": bool(s.get("failed")),
            "calls": src.get("calls") if view == "call" else None,
            "taken": None if view == "call" else s.get("taken"),
            "kind": src.get("kind"),
            "call": view == "call",
        })
    return lines


def step_range(numbers: Sequence[int]) -> str:
    """``7`` or ``5-7`` (or ``2,4-5`` for a line whose steps are not contiguous)."""
    parts: list[str] = []
    start = prev = numbers[0]
    for k in [*numbers[1:], None]:
        if k is not None and k == prev + 1:
            prev = k
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if k is not None:
            start = prev = k
    return ",".join(parts)
