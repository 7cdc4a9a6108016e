"""The JSON report of a verification run (schema documented in docs/trace-format.md)."""

from __future__ import annotations

from typing import Any

from mmnotif_check import __version__
from mmnotif_check.engine.result import Result, format_path
from mmnotif_check.options import CheckOptions
from mmnotif_check.trace.build import Trace

SCHEMA_VERSION = 2  # 2: paths are literal steps whatever the reduction; store, shortest


def report_dict(
    target: str,
    model_path: str,
    constants: dict[str, Any],
    options: CheckOptions,
    result: Result,
    trace: Trace | None,
) -> dict[str, Any]:
    v = result.violation
    s = result.stats
    return {
        "schema_version": SCHEMA_VERSION,
        "checker_version": __version__,
        "target": target,
        "model": model_path,
        "constants": {k: list(x) if isinstance(x, tuple) else x for k, x in constants.items()},
        "options": {
            "strategy": options.strategy,
            "max_states": options.max_states,
            "max_depth": options.max_depth,
            "timeout": options.timeout,
            "properties": sorted(options.properties) if options.properties is not None else None,
            "reduction": options.reduction,
            "store": options.store,
            "symmetry": options.symmetry,
            "shortest": options.shortest,
        },
        "verdict": result.verdict,
        "reason": result.reason,
        "shortest": result.shortest if v else None,
        "property": v.property if v else None,
        "kind": v.kind if v else None,
        "message": v.message if v else None,
        "location": {"file": v.location[0], "line": v.location[1]} if v and v.location else None,
        "witness": {name: value for name, value in v.witness} if v else {},
        "blocked": [
            {"thread": b.name, "daemon": b.daemon, "file": b.location[0], "line": b.location[1], "statement": b.text}
            for b in (v.blocked if v else ())
        ],
        "stats": {
            "states": s.states,
            "transitions": s.transitions,
            "max_depth": s.max_depth,
            "seconds": round(s.seconds, 6),
            "states_per_second": round(s.states_per_second, 1),
            "peak_memory_kib": s.peak_memory_kib,
            "reduction": s.reduction,
            "store": s.store,
            **({"omission_probability": s.omission_probability} if s.omission_probability is not None else {}),
            **({"notes": list(s.notes)} if s.notes else {}),
            **{k: val for k, val in s.extra},
        },
        "path": format_path(result.path) if result.path is not None else None,
        **trace_part(trace),
        "initial_state": trace.initial if trace else None,
        "final_state": trace.final if trace else None,
        "states": trace.described if trace else [],
    }


def trace_part(trace: Trace | None) -> dict[str, Any]:
    """The report's counterexample keys: ``trace`` (every literal step, with what the views
    need), ``thread_ids``, ``thread_id_fields`` and ``witness_values``."""
    return {
        "trace": [
            {
                "step": st.number,
                "thread": st.thread,
                "file": st.path,
                "line": st.line,
                "statement": st.text,
                "choices": list(st.choices),
                "failed": st.failed,
                "changes": [{"name": n, "old": o, "new": w} for n, o, w in st.changes],
                "function": st.function,
                "depth": st.depth,
                "kind": st.kind,
                "kernel": st.kernel,
                "calls": st.calls,
                "taken": st.taken,
                "view": st.view,
                "collapsed_into": st.collapsed_into,
                "call_step": st.call_step,
                "line_changes": ([{"name": n, "old": o, "new": w} for n, o, w in st.line_changes]
                                 if st.line_changes is not None else None),
                "property_changes": list(st.property_changes),
            }
            for st in (trace.steps if trace else [])
        ],
        "thread_ids": list(trace.thread_ids) if trace else [],
        "thread_id_fields": list(trace.thread_id_fields) if trace else [],
        "witness_values": dict(trace.witness_values) if trace else {},
    }
