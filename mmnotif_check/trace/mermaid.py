"""A counterexample as a Mermaid sequence diagram: one lifeline per thread.

Each step is a note on its thread's lifeline (step number, ``file:line``, the function, the
statement and the fields it changed). Lock operations are drawn in a coloured box, and a
thread holding locks has an activation bar (``activate`` on acquire, ``deactivate`` on
release; bars of locks still held are closed just before the verdict). A spawn is an arrow to the new thread. The violated property is a final note
across every lifeline.
"""

from __future__ import annotations

import textwrap
from typing import Any

from mmnotif_check.trace.common import (
    basename,
    line_lock,
    thread_names,
    violation_location,
    violation_title,
    witness_text,
)
from mmnotif_check.trace.condense import step_range, view_lines
from mmnotif_check.trace.text import branch_note
from mmnotif_check.trace.values import ValueText

MAX_STATEMENT = 200
WRAP = 64
VERDICT_WRAP = 40
LOCK_BOX = "rgb(255, 236, 179)"
FAIL_BOX = "rgb(255, 205, 210)"
MARK_BOX = "rgb(255, 216, 181)"  # a step that changes a field the violated property reads


def escape(text: str) -> str:
    """Mermaid text: entity codes for the characters its parser or HTML would take."""
    out = []
    for ch in text:
        if ch == "#":
            out.append("#35;")
        elif ch == ";":
            out.append("#59;")
        elif ch == "<":
            out.append("#lt;")
        elif ch == ">":
            out.append("#gt;")
        elif ch == "\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _shorten(text: str, limit: int = MAX_STATEMENT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrapped(text: str, width: int = WRAP) -> list[str]:
    """Long text as several escaped lines (Mermaid does not wrap notes by itself)."""
    return [escape(part) for part in textwrap.wrap(_shorten(text), width, break_on_hyphens=False)] or [""]


def render_mermaid(report: dict[str, Any], detail: str = "protocol") -> str:
    """The Mermaid source of the counterexample in ``report`` (a JSON report dict);
    ``detail``: ``protocol`` (calls into the kernel library one note each) or ``full``."""
    names = thread_names(report)
    ids = {n: f"T{i}" for i, n in enumerate(names)}
    values = ValueText(report)
    lines = [
        f"%% mmnotif-check counterexample: {report.get('target', report.get('model', ''))}",
        f"%% replay token: {report.get('path')}",
        "sequenceDiagram",
    ]
    for n in names:
        lines.append(f"    participant {ids[n]} as {escape(n)}")
    held: dict[str, int] = {n: 0 for n in names}
    for line in view_lines(report, detail):
        me = ids[line["thread"]]
        fn = line.get("function")
        head = f"{step_range(line['steps'])} · {basename(line['file'])}:{line['line']}"
        if fn:
            head += f" · {fn}()"
        body = [escape(head), *_wrapped(str(line["statement"]) + branch_note(line))]
        op = line_lock(report, line)
        if op is not None and op.effect in ("acquire", "release", "downgrade"):
            body.append(escape(f"{op.effect}: {op.op} {op.lock}"))
        for ch in line["changes"]:
            if ch["name"].startswith("thread ") and ch["new"] == "spawned":
                continue
            star = "★ " if ch["name"] in line["marked"] else ""
            body.append(escape(star + values.change(ch, "→")))
        if line["failed"]:
            body.extend(_wrapped("fails: " + str(report.get("message", ""))))
        note = f"Note over {me}: " + "<br/>".join(body)
        box = FAIL_BOX if line["failed"] else MARK_BOX if line["marked"] else LOCK_BOX if op is not None else None
        if box is not None:
            lines.append(f"    rect {box}")
            lines.append(f"    {note}")
            lines.append("    end")
        else:
            lines.append(f"    {note}")
        if op is not None and op.effect == "acquire":
            lines.append(f"    activate {me}")
            held[line["thread"]] += 1
        elif op is not None and op.effect == "release" and held[line["thread"]] > 0:
            lines.append(f"    deactivate {me}")
            held[line["thread"]] -= 1
        for ch in line["changes"]:
            if ch["name"].startswith("thread ") and ch["new"] == "spawned":
                child = ch["name"][len("thread ") :]
                if child in ids:
                    lines.append(f"    {me}->>{ids[child]}: spawn")
    for name in names:  # close the bars of locks still held, so Mermaid draws them to the end
        lines.extend(f"    deactivate {ids[name]}" for _ in range(held[name]))
    first, last = ids[names[0]] if names else "T0", ids[names[-1]] if names else "T0"
    span = first if first == last else f"{first},{last}"
    where = violation_location(report)
    verdict = _wrapped(f"VIOLATED: {violation_title(report)}", VERDICT_WRAP)
    if report.get("message"):
        verdict.extend(_wrapped(str(report["message"]), VERDICT_WRAP))
    if where:
        verdict.extend(_wrapped(where, VERDICT_WRAP))
    if witness_text(report):
        verdict.extend(_wrapped("witness: " + witness_text(report), VERDICT_WRAP))
    for b in report.get("blocked", []) or []:
        verdict.extend(_wrapped(f"{b['thread']} blocked at {basename(b['file'])}:{b['line']}: {b['statement']}", VERDICT_WRAP))
    lines.append(f"    rect {FAIL_BOX}")
    lines.append(f"    Note over {span}: " + "<br/>".join(verdict))
    lines.append("    end")
    return "\n".join(lines) + "\n"
