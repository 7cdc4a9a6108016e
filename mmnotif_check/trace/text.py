"""Plain-text rendering of a verification result and its counterexample."""

from __future__ import annotations

import shlex
from typing import Any

from mmnotif_check.engine.result import VIOLATED, Result, Stats, format_path
from mmnotif_check.trace.build import Trace


def fmt_value(v: Any) -> str:
    if isinstance(v, list):
        inner = ", ".join(fmt_value(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    return repr(v) if isinstance(v, str) else str(v)


def format_stats(s: Stats) -> str:
    return (
        f"states {s.states:,}  transitions {s.transitions:,}  max depth {s.max_depth}  "
        f"time {s.seconds:.2f} s  ({s.states_per_second:,.0f} states/s)  "
        f"peak memory {s.peak_memory_kib / 1024:.1f} MiB"
    )


def headline(target: str, result: Result) -> str:
    if result.verdict == VIOLATED and result.violation is not None:
        v = result.violation
        what = v.kind if v.property is None or v.kind in ("assert", "deadlock") else f"{v.kind} {v.property}"
        return f"{target}: VIOLATED ({what}): {v.message}"
    if result.verdict == "holds":
        return f"{target}: HOLDS: every property holds in the whole reachable state space"
    return f"{target}: INCONCLUSIVE: no violation found within the {result.reason}; the search is incomplete"


def replay_command(target: str, path: tuple[int, ...], sets: list[str], reduction: str = "none") -> str:
    words = ["mmnotif-check", "replay", target, "--path", format_path(path)]
    for s in sets:
        words += ["--set", s]
    if reduction != "none":
        words += ["--reduce", reduction]
    return shlex.join(words)


def render_text(target: str, result: Result, trace: Trace | None, sets: list[str], reduction: str = "none") -> str:
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
        lines.append(f"counterexample, {len(trace.steps)} steps:")
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
        lines.append(f"replay token: {format_path(result.path)}   ({replay_command(target, result.path, sets, reduction)})")
    return "\n".join(lines)
