"""Every output format of a report, by name (shared by ``verify --format`` and ``trace convert``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mmnotif_check.trace.dot import render_dot
from mmnotif_check.trace.html import read_sources, render_html
from mmnotif_check.trace.itf import render_itf
from mmnotif_check.trace.mermaid import render_mermaid
from mmnotif_check.trace.text import DETAILS, render_report_text

TRACE_FORMATS = ("itf", "mermaid", "dot", "html")  # these draw a counterexample; they need one
FORMATS = ("text", "json", *TRACE_FORMATS)


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"


def render_report(report: dict[str, Any], fmt: str, source_dirs: Sequence[Path] = (), replay: str | None = None,
                  detail: str = "protocol") -> str:
    """``report`` (a JSON report dict) in format ``fmt``.

    ``source_dirs``: where the model files named in the report are looked for (the HTML
    page shows source lines). ``replay``: the replay command the text format ends with.
    ``detail``: ``protocol`` (text, Mermaid, DOT and HTML show the protocol's steps: each
    call into the kernel library one line) or ``full`` (every literal step); JSON and ITF
    always have every step.
    """
    if detail not in DETAILS:
        raise ValueError(f"unknown detail {detail!r} (known: {', '.join(DETAILS)})")
    if fmt == "text":
        return render_report_text(report, replay, detail) + "\n"
    if fmt == "json":
        return render_json(report)
    if fmt == "itf":
        return render_itf(report)
    if fmt == "mermaid":
        return render_mermaid(report, detail)
    if fmt == "dot":
        return render_dot(report, detail)
    if fmt == "html":
        return render_html(report, read_sources(report, list(source_dirs)), detail)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
