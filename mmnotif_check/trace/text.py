"""Plain-text rendering of a verification result and its counterexample."""

from __future__ import annotations

import shlex
from typing import Any

from mmnotif_check.engine.interface import BlockedThread
from mmnotif_check.engine.result import VIOLATED, Result, Stats, Violation, format_path, parse_path
from mmnotif_check.trace.build import Trace, TraceStep


def fmt_value(v: Any) -> str:
    if isinstance(v, list):
        inner = ", ".join(fmt_value(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    return repr(v) if isinstance(v, str) else str(v)


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
    return f"{target}: INCONCLUSIVE (stopped by the {result.reason}): no violation found in the part explored; the search is incomplete"


def replay_command(target: str, path: tuple[int, ...], sets: list[str]) -> str:
    """The command that re-executes a counterexample (paths are always literal steps)."""
    words = ["mmnotif-check", "replay", target, "--path", format_path(path)]
    for s in sets:
        words += ["--set", s]
    return shlex.join(words)


def render_text(target: str, result: Result, trace: Trace | None, sets: list[str],
                replay: str | None = None) -> str:
    """The text report; ``replay`` replaces the replay command of the last line."""
    lines = [headline(target, result), format_stats(result.stats)]
    if result.stats.extra:
        lines.append("  ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in result.stats.extra))
    v = result.violation
    if v is not None and v.kind == "deadlock":
        lines.append("blocked threads:")
        for b in v.blocked:
            daemon = " (daemon)" if b.daemon else ""
            lines.append(f"  {b.name}{daemon} at {b.location[0]}:{b.location[1]}: {b.text}")
    if trace is not None and result.path is not None:
        lines.append("")
        shortest = "a shortest one" if result.shortest else "not known to be a shortest one: --shortest searches for one"
        lines.append(f"counterexample, {len(trace.steps)} steps ({shortest}):")
        width = max([len(s.thread) for s in trace.steps] + [6])
        locw = max([len(f"{s.path}:{s.line}") for s in trace.steps] + [8])
        for s in trace.steps:
            loc = f"{s.path}:{s.line}"
            mark = "  <-- fails" if s.failed else ""
            lines.append(f"  {s.number:>4}  {s.thread:<{width}}  {loc:<{locw}}  {s.text}{mark}")
            for name, old, new in s.changes:
                lines.append(f"  {'':>4}  {'':<{width}}  {'':<{locw}}      {name}: {fmt_value(old)} -> {fmt_value(new)}")
        if v is not None and v.witness:
            lines.append("  witness (values of the symbolic variables): " + ", ".join(f"{n} = {val} ({val:#x})" for n, val in v.witness))
        if v is not None:
            where = f" ({v.location[0]}:{v.location[1]})" if v.location else ""
            lines.append(f"  violated: {v.kind}{' ' + v.property if v.property and v.kind in ('invariant', 'final') else ''}{where}: {v.message}")
        lines.append("")
        command = replay if replay is not None else replay_command(target, result.path, sets)
        lines.append(f"replay token: {format_path(result.path)}   ({command})")
    return "\n".join(lines)


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


def render_report_text(report: dict[str, Any], replay: str | None = None) -> str:
    """The text report of a JSON report (as ``verify`` printed it)."""
    result, trace = report_objects(report)
    return render_text(str(report.get("target", "")), result, trace, [], replay=replay)
