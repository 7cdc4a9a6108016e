"""One measured run in a fresh process (bench/bench.py runs this as a subprocess).

``python bench/measure.py checker MODEL [NAME=VALUE ...] [--option value ...]`` explores a
model with the given constants and check options (default: the defaults of ``verify``)
and prints one JSON line: verdict, property, states, transitions, trace steps, seconds
(wall), cpu (user + system), peak and baseline resident memory in KiB (baseline: after
the model is compiled and its initial states are built, before the search).

``python bench/measure.py hand NR NW GRANULARITY`` does the same for the hand-written
search of bench/seqlock_hand.py.
"""

from __future__ import annotations

import ast
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def status_kib(key: str) -> int:
    """A field of /proc/self/status in KiB (VmRSS: now; VmHWM: the peak of this process
    image; unlike ru_maxrss, VmHWM does not carry the parent's peak over fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # pragma: no cover


def rss_kib() -> int:
    return status_kib("VmRSS")


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def checker(args: list[str]) -> dict[str, object]:
    from mmnotif_check import CheckOptions, load_model
    from mmnotif_check.runner import check_model

    model_path, rest = args[0], args[1:]
    constants: dict[str, object] = {}
    options: dict[str, object] = {}
    k = 0
    while k < len(rest):
        if rest[k].startswith("--"):
            key = rest[k][2:].replace("-", "_")
            raw = rest[k + 1]
            options[key] = raw if key in ("reduction", "store", "strategy") else ast.literal_eval(raw)
            k += 2
        else:
            name, _, raw = rest[k].partition("=")
            try:
                constants[name] = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                constants[name] = raw
            k += 1
    opts = CheckOptions(**options)  # type: ignore[arg-type]
    model = load_model(model_path, constants, opts.reduction)
    model.initial_states()
    base = rss_kib()
    start, c0 = time.perf_counter(), cpu()
    out = check_model(model, opts)
    seconds, used = time.perf_counter() - start, cpu() - c0
    r = out.result
    return {
        "verdict": r.verdict,
        "property": r.violation.property if r.violation else None,
        "states": r.stats.states,
        "transitions": r.stats.transitions,
        "trace_steps": len(out.trace.steps) if out.trace is not None else None,
        "shortest": r.shortest if r.violation else None,
        "seconds": round(seconds, 3),
        "cpu": round(used, 3),
        "peak_kib": status_kib("VmHWM"),
        "base_kib": base,
        "extra": dict(r.stats.extra),
    }


def hand(args: list[str]) -> dict[str, object]:
    import seqlock_hand

    base = rss_kib()
    start, c0 = time.perf_counter(), cpu()
    states, transitions, _, _ = seqlock_hand.search(int(args[0]), int(args[1]), args[2])
    peak = status_kib("VmHWM")
    return {
        "verdict": "holds",
        "states": states,
        "transitions": transitions,
        "seconds": round(time.perf_counter() - start, 3),
        "cpu": round(cpu() - c0, 3),
        "peak_kib": peak,
        "base_kib": base,
    }


if __name__ == "__main__":
    kind, rest = sys.argv[1], sys.argv[2:]
    print(json.dumps(checker(rest) if kind == "checker" else hand(rest)))
