"""The benchmarks of docs/performance.md (``make bench``).

Sections (each measurement runs in a fresh process, bench/measure.py; wall time, CPU time
and peak memory are best of ``--runs``):

1. **interpreter**: the literal semantics (``--reduce none``) against plain-Python
   successor functions of the same classic models (tests/handwritten.py): the cost of
   interpreting the model language.  Both sides must count the same states.
2. **seqlock**: bench/seqlock.py with the default options against the hand-written
   breadth-first search of bench/seqlock_hand.py at the model's statement granularity
   (the "Python limit"; same states as ``--reduce none``) and at the coarser granularity
   of the reference search in the performance issue.
3. **xe**: the xe userptr scopes a reviewer needs (2 VMs, 2 CPU invalidations, 2 force
   threads, patch 2/4 and v4; then a third invalidation), default options.
4. **memory**: bytes per stored state, fingerprint and exact stores, on a larger space:
   (peak - baseline resident memory) / states, baseline taken after compiling the model.

Usage::

    .venv/bin/python bench/bench.py [--runs 3] [--markdown FILE] [--only SECTION ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import handwritten as hw  # noqa: E402

from mmnotif_check import CheckOptions, explore, load_model  # noqa: E402

MIN_RUN_SECONDS = 0.2
PY = sys.executable
MEASURE = str(REPO / "bench" / "measure.py")


# --------------------------------------------------------------------------- helpers


def measure(*args: str, runs: int) -> dict[str, Any]:
    """Best (by wall time) of ``runs`` fresh-process measurements; peak memory is the
    lowest peak seen."""
    best: dict[str, Any] | None = None
    peaks = []
    for _ in range(runs):
        out = subprocess.run([PY, MEASURE, *args], capture_output=True, text=True, check=True)
        got = json.loads(out.stdout.strip().splitlines()[-1])
        peaks.append(got["peak_kib"] - got["base_kib"])
        if best is None or got["seconds"] < best["seconds"]:
            best = got
    assert best is not None
    best["own_kib"] = min(peaks)
    return best


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1),
            *("| " + " | ".join(r) + " |" for r in rows)]


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ""
    try:
        load = ", load average " + Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        pass
    return f"{cpu}, nproc {os.cpu_count()}, {platform.python_implementation()} {platform.python_version()}{load}"


# ------------------------------------------------------------------ 1. interpreter


@dataclass(frozen=True)
class Case:
    model: str  # file name under tests/models/, without .py
    constants: dict[str, Any]
    hand: Callable[[], hw.HandModel]
    options: CheckOptions = field(default_factory=lambda: CheckOptions(reduction="none", store="exact"))

    @property
    def label(self) -> str:
        sizes = " ".join(f"{k}={v}" for k, v in self.constants.items())
        return f"{self.model} {sizes}".strip()


CASES = [
    Case("peterson", {"ROUNDS": 3}, lambda: hw.peterson(3)),
    Case("peterson", {"ROUNDS": 100}, lambda: hw.peterson(100)),
    Case("philosophers_ordered", {"N": 4, "MEALS": 2}, lambda: hw.philosophers(4, 2, ordered=True)),
    Case("philosophers_left_first", {"N": 4, "MEALS": 2}, lambda: hw.philosophers(4, 2, ordered=False),
         CheckOptions(reduction="none", store="exact", check_deadlock=False)),
    Case("producer_consumer", {"CAP": 20, "ITEMS": 500}, lambda: hw.producer_consumer(20, 500)),
]


def best_time(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        n = 0
        start = time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= MIN_RUN_SECONDS:
                break
        best = min(best, elapsed / n)
    return best


def interpreter(runs: int) -> list[str]:
    rows = []
    for case in CASES:
        model = load_model(str(REPO / "tests" / "models" / f"{case.model}.py"), case.constants, "none")
        hand = case.hand()
        result = explore(model, case.options)
        ref = hw.bfs(hand, check_deadlock=case.options.check_deadlock)
        if (result.stats.states, result.stats.transitions) != (ref.states, ref.transitions):
            raise SystemExit(f"{case.label}: the checker and the hand-written search disagree")
        checker = best_time(lambda model=model, case=case: explore(model, case.options), runs)
        handwritten = best_time(lambda hand=hand, case=case: hw.bfs(hand, check_deadlock=case.options.check_deadlock), runs)
        n = result.stats.states
        rows.append((case.label, f"{n:,}", f"{checker:.3f}", f"{n / checker:,.0f}", f"{handwritten:.3f}",
                     f"{n / handwritten:,.0f}", f"{checker / handwritten:.2f}"))
        print(f"  interpreter: {case.label}", file=sys.stderr)
    return ["## 1. The cost of interpreting the model language (literal semantics)", "",
            "`explore(load_model(...), CheckOptions(reduction=\"none\", store=\"exact\"))` against the",
            "hand-written successor functions of tests/handwritten.py (same states and transitions,",
            "checked); best of the runs, each repeated for at least 0.2 s.", "",
            *table(("model", "states", "checker s", "checker states/s", "hand s", "hand states/s", "ratio"), rows), ""]


# ---------------------------------------------------------------------- 2. seqlock


def seqlock(runs: int) -> list[str]:
    rows = []
    for nw in (2, 3):
        checker = measure("checker", str(REPO / "bench" / "seqlock.py"), "NR=2", f"NW={nw}", runs=runs)
        model = measure("hand", "2", str(nw), "model", runs=runs)
        coarse = measure("hand", "2", str(nw), "coarse", runs=runs)
        for label, m in ((f"checker, default options (por, fingerprints)", checker),
                         ("hand-written, the model's granularity", model),
                         ("hand-written, coarser (the issue's reference)", coarse)):
            rows.append((f"NR=2 NW={nw}", label, f"{m['states']:,}", f"{m['seconds']:.2f}", f"{m['cpu']:.2f}",
                         mib(m["peak_kib"]), mib(m["own_kib"])))
        print(f"  seqlock NW={nw}", file=sys.stderr)
    return ["## 2. seqlock (bench/seqlock.py) against the hand-written search", "",
            "`python bench/measure.py checker bench/seqlock.py NR=2 NW=N` and",
            "`python bench/measure.py hand 2 N model|coarse`; wall and CPU seconds of the search, peak",
            "resident memory of the process and the part the search added (peak - baseline).", "",
            *table(("scope", "search", "states", "wall s", "CPU s", "peak MiB", "search MiB"), rows), ""]


# --------------------------------------------------------------------------- 3. xe

XE_SCOPE = ("VMS=2", "PENDING_FENCES=(1,1)", "FORCE=(0,1)")


def xe(runs: int) -> list[str]:
    rows = []
    for invalidations in ("((0,32),(0,32))", "((0,32),(0,32),(0,32))"):
        for version in ("two-pass", "deferred-tlb"):
            m = measure("checker", str(REPO / "models" / "xe_userptr.py"), f"VERSION={version}", *XE_SCOPE,
                        f"INVALIDATIONS={invalidations}", runs=runs)
            n_inv = invalidations.count("(0,32)")
            rows.append((f"{version}, {n_inv} invalidations", f"{m['verdict']} ({m['property']})", f"{m['states']:,}",
                         str(m["trace_steps"]), f"{m['seconds']:.2f}", f"{m['cpu']:.2f}", mib(m["peak_kib"])))
            print(f"  xe {version} {n_inv}", file=sys.stderr)
    return ["## 3. xe userptr scopes (default options)", "",
            "`mmnotif-check verify models/xe_userptr.py --set VMS=2 --set 'PENDING_FENCES=(1,1)' --set",
            "'FORCE=(0,1)' --set 'INVALIDATIONS=...' --set VERSION=...`; the time includes finding the",
            "violation and the bounded literal search for a shorter counterexample.", "",
            *table(("scope", "verdict", "states", "trace steps", "wall s", "CPU s", "peak MiB"), rows), ""]


# ------------------------------------------------------------------------ 4. memory


def memory(runs: int) -> list[str]:
    rows = []
    for store in ("fingerprint", "exact"):
        for reduction in ("por", "none"):
            m = measure("checker", str(REPO / "bench" / "seqlock.py"), "NR=2", "NW=3", "--store", store,
                        "--reduction", reduction, runs=max(1, runs - 1))
            rows.append((f"seqlock NR=2 NW=3, {reduction}", store, f"{m['states']:,}", mib(m["own_kib"]),
                         f"{m['own_kib'] * 1024 / m['states']:.0f}"))
            print(f"  memory {store} {reduction}", file=sys.stderr)
    return ["## 4. Bytes per stored state", "",
            "(peak - baseline) resident memory / stored states: the visited store, the trail",
            "(parent id and step code, 12 bytes), the frontier and the interning tables.", "",
            *table(("search", "store", "states", "search MiB", "bytes/state"), rows), ""]


SECTIONS = {"interpreter": interpreter, "seqlock": seqlock, "xe": xe, "memory": memory}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="measurements per row (best kept)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the tables as Markdown")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), help="run only these sections")
    args = parser.parse_args(argv)
    lines = ["# Benchmarks (`make bench`)", "", f"Machine: {machine()}.", f"Best of {args.runs} runs.", ""]
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        lines.extend(section(args.runs))
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        path = Path(args.markdown)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
