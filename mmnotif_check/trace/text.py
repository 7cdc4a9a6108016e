"""Plain-text rendering of a verification result and its counterexample."""

from __future__ import annotations

import shlex
from typing import Any

from mmnotif_check.engine.interface import BlockedThread
from mmnotif_check.engine.result import VIOLATED, Result, Stats, Violation, format_path, parse_path
from mmnotif_check.trace.build import Trace, TraceStep
from mmnotif_check.trace.condense import step_range, view_lines
from mmnotif_check.trace.values import ValueText, fmt_value

DETAILS = ("protocol", "full")
__all__ = ["DETAILS", "fmt_value", "render_report_text", "render_text"]


def format_stats(s: Stats) -> str:
    line = (
        f"states {s.states:,}  transitions {s.transitions:,}  max depth {s.max_depth}  "
        f"time {s.seconds:.2f} s  ({s.states_per_second:,.0f} states/s)  "
        f"peak memory {s.peak_memory_kib / 1024:.1f} MiB"
    )
    store = f"{s.store} store"
    if s.omission_probability is not None:
        store += f" (probability that a fingerprint collision hid a state: {s.omission_probability:.1e})"
    return "\n".join([line, f"reduction {s.reduction}, {store}", *s.notes])


def headline(target: str, result: Result) -> str:
    if result.verdict == VIOLATED and result.violation is not None:
        v = result.violation
        what = v.kind if v.property is None or v.kind in ("assert", "deadlock") else f"{v.kind} {v.property}"
        return f"{target}: VIOLATED ({what}): {v.message}"
    if result.verdict == "holds":
        return f"{target}: HOLDS: every property holds in the whole reachable state space"
    why = str(result.reason)
    if not why.startswith(("interrupted", "out of memory")):
        why = f"stopped by the {why}"  # a budget: "the timeout of 60 s"
    return f"{target}: INCONCLUSIVE ({why}): no violation found in the part explored; the search is incomplete"


def replay_command(target: str, path: tuple[int, ...], sets: list[str]) -> str:
    """The command that re-executes a counterexample (paths are always literal steps)."""
    words = ["mmnotif-check", "replay", target, "--path", format_path(path)]
    for s in sets:
        words += ["--set", s]
    return shlex.join(words)


def render_text(target: str, result: Result, trace: Trace | None, sets: list[str],
                replay: str | None = None, detail: str = "protocol") -> str:
    """The text report; ``replay`` replaces the replay command of the last line;
    ``detail``: ``protocol`` (the protocol's steps) or ``full`` (every literal step)."""
    from mmnotif_check.trace.report import trace_part

    return _render(target, result, trace_part(trace) if trace is not None else None, sets, replay, detail)


def _render(target: str, result: Result, part: dict[str, Any] | None, sets: list[str],
            replay: str | None, detail: str) -> str:
    lines = [headline(target, result), format_stats(result.stats)]
    if result.stats.extra:
        lines.append("  ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in result.stats.extra))
    v = result.violation
    if v is not None and v.kind == "deadlock":
        lines.append("blocked threads:")
        for b in v.blocked:
            daemon = " (daemon)" if b.daemon else ""
            lines.append(f"  {b.name}{daemon} at {b.location[0]}:{b.location[1]}: {b.text}")
    if part is not None and result.path is not None:
        lines.append("")
        lines.extend(counterexample_lines(part, result.shortest, detail))
        if v is not None and v.witness:
            lines.append("  witness (values of the symbolic variables): " + ", ".join(f"{n} = {val} ({val:#x})" for n, val in v.witness))
        if v is not None:
            where = f" ({v.location[0]}:{v.location[1]})" if v.location else ""
            lines.append(f"  violated: {v.kind}{' ' + v.property if v.property and v.kind in ('invariant', 'final') else ''}{where}: {v.message}")
        lines.append("")
        command = replay if replay is not None else replay_command(target, result.path, sets)
        lines.append(f"replay token: {format_path(result.path)}   ({command})")
    return "\n".join(lines)


def branch_note(line: dict[str, Any]) -> str:
    """``  # -> true`` after an if/while that went that way (``for``: next item or done)."""
    taken = line.get("taken")
    if taken is None:
        return ""
    if line.get("kind") == "for":
        return "  # -> next item" if taken else "  # -> loop done"
    return "  # -> true" if taken else "  # -> false"


def counterexample_lines(part: dict[str, Any], shortest: bool, detail: str = "protocol") -> list[str]:
    """The counterexample of a report (its ``trace`` and value tables) as text lines."""
    steps = part.get("trace") or []
    values = ValueText(part)
    rows = view_lines(part, detail)
    short = "a shortest one" if shortest else "not known to be a shortest one: --shortest searches for one"
    head = f"counterexample, {len(steps)} steps ({short})"
    if len(rows) < len(steps):
        head += (f"; {len(rows)} lines: each call into the kernel library is one line, returns, helpers "
                 "that change nothing and branches on constants are left out (--detail full: every step)")
    out = [head + ":"]
    marks = any(r["marked"] for r in rows)
    numw = max([len(step_range(r["steps"])) for r in rows] + [4])
    width = max([len(r["thread"]) for r in rows] + [6])
    locw = max([len(f"{r['file']}:{r['line']}") for r in rows] + [8])
    indent = " " * (2 + numw + 2 + width + 2 + locw + 2)
    for r in rows:
        loc = f"{r['file']}:{r['line']}"
        mark = "  <-- fails" if r["failed"] else ""
        pad = "  " * max(0, int(r["depth"]) - 1) if detail != "full" else ""
        out.append(f"  {step_range(r['steps']):>{numw}}  {r['thread']:<{width}}  {loc:<{locw}}  "
                   f"{pad}{r['statement']}{branch_note(r)}{mark}")
        for ch in r["changes"]:
            star = "* " if ch["name"] in r["marked"] else "  "
            out.append(f"{indent}{pad}  {star}{values.change(ch)}")
    if marks:
        out.append(f"{indent}  * a field the violated property reads")
    return out


_STAT_KEYS = ("states", "transitions", "max_depth", "seconds", "states_per_second", "peak_memory_kib",
              "reduction", "store", "omission_probability", "notes")


def report_objects(report: dict[str, Any]) -> tuple[Result, Trace | None]:
    """The Result and Trace a JSON report was written from (enough to render it again)."""
    st = report.get("stats") or {}
    stats = Stats(
        states=int(st.get("states", 0)),
        transitions=int(st.get("transitions", 0)),
        max_depth=int(st.get("max_depth", 0)),
        seconds=float(st.get("seconds", 0.0)),
        peak_memory_kib=int(st.get("peak_memory_kib", 0)),
        extra=tuple((k, v) for k, v in st.items() if k not in _STAT_KEYS and isinstance(v, int | float)
                    and not isinstance(v, bool)),
        reduction=str(st.get("reduction", "none")),
        store=str(st.get("store", "exact")),
        omission_probability=st.get("omission_probability"),
        notes=tuple(str(n) for n in st.get("notes", []) or []),
    )
    violation = None
    if report.get("kind") is not None:
        loc = report.get("location")
        violation = Violation(
            kind=report["kind"],
            property=report.get("property"),
            message=report.get("message") or "",
            location=(loc["file"], loc["line"]) if isinstance(loc, dict) else None,
            blocked=tuple(
                BlockedThread(b["thread"], bool(b.get("daemon")), (b["file"], b["line"]), b["statement"])
                for b in report.get("blocked", []) or []
            ),
            witness=tuple((k, int(v)) for k, v in (report.get("witness") or {}).items()),
        )
    path = parse_path(report["path"]) if report.get("path") else None
    result = Result(report["verdict"], stats, violation, path, report.get("reason"), bool(report.get("shortest", True)))
    if path is None or violation is None:
        return result, None
    trace = Trace(model=report.get("model", ""), constants=dict(report.get("constants") or {}), path=path,
                  violation=violation)
    for s in report.get("trace", []):
        trace.steps.append(TraceStep(
            number=s["step"], thread=s["thread"], path=s["file"], line=s["line"], text=s["statement"],
            changes=tuple((c["name"], c["old"], c["new"]) for c in s["changes"]),
            choices=tuple(s.get("choices", [])), failed=bool(s.get("failed")),
        ))
    return result, trace


def render_report_text(report: dict[str, Any], replay: str | None = None, detail: str = "protocol") -> str:
    """The text report of a JSON report (as ``verify`` printed it)."""
    result, trace = report_objects(report)
    part = report if trace is not None else None
    return _render(str(report.get("target", "")), result, part, [], replay, detail)
