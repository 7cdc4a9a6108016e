"""States per second: the checker against hand-written successor functions.

For each model and size, the same reachable state space is explored twice:

* by the checker: ``explore(load_model(...), CheckOptions(...))`` (the model is compiled
  once, outside the timing);
* by the plain-Python successor function of the same model in ``tests/handwritten.py``,
  with its own breadth-first search (``handwritten.bfs``), which checks the same
  invariants and finals.

Both must report the same number of states and transitions, or the script fails.  Each
side is timed ``--runs`` times (default 3) and the best run is kept; a run repeats the
exploration until it has lasted at least ``MIN_RUN_SECONDS`` and reports the time of one
exploration, so that tiny state spaces are not measured at timer resolution.  ``ratio``
is checker time / hand-written time for the same state space (lower is better; 1.0 would
mean the checker costs nothing over hand-written code).

Usage::

    .venv/bin/python bench/bench.py [--runs 3] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
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
TARGET_STATES_PER_SECOND = 30_000  # on Peterson ROUNDS=3
TARGET_RATIO = 5.0


@dataclass(frozen=True)
class Case:
    model: str  # file name under tests/models/, without .py
    constants: dict[str, Any]
    hand: Callable[[], hw.HandModel]
    options: CheckOptions = field(default_factory=CheckOptions)

    @property
    def label(self) -> str:
        sizes = " ".join(f"{k}={v}" for k, v in self.constants.items())
        return f"{self.model} {sizes}".strip()


CASES = [
    Case("peterson", {"ROUNDS": 3}, lambda: hw.peterson(3)),
    Case("peterson", {"ROUNDS": 30}, lambda: hw.peterson(30)),
    Case("peterson", {"ROUNDS": 100}, lambda: hw.peterson(100)),
    Case("philosophers_ordered", {"N": 4, "MEALS": 2}, lambda: hw.philosophers(4, 2, ordered=True)),
    Case("philosophers_ordered", {"N": 5, "MEALS": 1}, lambda: hw.philosophers(5, 1, ordered=True)),
    Case(
        "philosophers_left_first",
        {"N": 4, "MEALS": 2},
        lambda: hw.philosophers(4, 2, ordered=False),
        CheckOptions(check_deadlock=False),
    ),
    Case("producer_consumer", {"CAP": 10, "ITEMS": 200}, lambda: hw.producer_consumer(10, 200)),
    Case("producer_consumer", {"CAP": 20, "ITEMS": 500}, lambda: hw.producer_consumer(20, 500)),
]


@dataclass(frozen=True)
class Row:
    label: str
    states: int
    transitions: int
    checker_seconds: float
    hand_seconds: float

    @property
    def checker_rate(self) -> float:
        return self.states / self.checker_seconds

    @property
    def hand_rate(self) -> float:
        return self.states / self.hand_seconds

    @property
    def ratio(self) -> float:
        return self.checker_seconds / self.hand_seconds


def best_time(fn: Callable[[], object], runs: int) -> float:
    """Best of ``runs`` runs; a run repeats ``fn`` for at least MIN_RUN_SECONDS."""
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


def measure(case: Case, runs: int) -> Row:
    model = load_model(str(REPO / "tests" / "models" / f"{case.model}.py"), case.constants)
    hand = case.hand()
    result = explore(model, case.options)
    reference = hw.bfs(hand, check_deadlock=case.options.check_deadlock)
    if result.verdict != "holds" or reference.shortest is not None:
        raise SystemExit(
            f"{case.label}: expected 'holds', got {result.verdict} / {reference.shortest}"
        )
    got = (result.stats.states, result.stats.transitions)
    want = (reference.states, reference.transitions)
    if got != want:
        raise SystemExit(
            f"{case.label}: checker (states, transitions) {got} != hand-written {want}"
        )
    checker = best_time(lambda: explore(model, case.options), runs)
    handwritten = best_time(lambda: hw.bfs(hand, check_deadlock=case.options.check_deadlock), runs)
    return Row(case.label, got[0], got[1], checker, handwritten)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
    }


HEADER = (
    "model",
    "states",
    "transitions",
    "checker s",
    "checker states/s",
    "hand s",
    "hand states/s",
    "ratio",
)


def cells(row: Row) -> tuple[str, ...]:
    return (
        row.label,
        f"{row.states:,}",
        f"{row.transitions:,}",
        f"{row.checker_seconds:.4f}",
        f"{row.checker_rate:,.0f}",
        f"{row.hand_seconds:.4f}",
        f"{row.hand_rate:,.0f}",
        f"{row.ratio:.2f}",
    )


def text_table(rows: list[Row]) -> str:
    table = [HEADER, *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    out = []
    for line in table:
        first = line[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True))
        out.append("  ".join((first, *rest)))
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(rows: list[Row], info: dict[str, str], runs: int, verdict: str) -> str:
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "|---|" + "---:|" * (len(HEADER) - 1),
        *("| " + " | ".join(cells(r)) + " |" for r in rows),
    ]
    return "\n".join(
        [
            "# Benchmark: checker vs hand-written successor functions",
            "",
            f"Command: `.venv/bin/python bench/bench.py --runs {runs}`; best of {runs} runs.",
            f"Machine: {info['cpu']}, nproc {info['nproc']}, {info['python']}, {info['os']}.",
            "",
            *lines,
            "",
            verdict,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per side (best kept)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    args = parser.parse_args(argv)

    info = machine()
    print(f"machine: {info['cpu']}, nproc {info['nproc']}, {info['python']}, {info['os']}")
    print(f"best of {args.runs} runs\n")
    rows = []
    for case in CASES:
        rows.append(measure(case, args.runs))
        print(f"  {case.label}: done", file=sys.stderr)
    print(text_table(rows))

    peterson3 = rows[0]
    worst = max(r.ratio for r in rows)
    verdict = (
        f"Targets: >= {TARGET_STATES_PER_SECOND:,} new states/s on Peterson ROUNDS=3: "
        f"{peterson3.checker_rate:,.0f} "
        f"({'met' if peterson3.checker_rate >= TARGET_STATES_PER_SECOND else 'NOT met'}); "
        f"ratio <= {TARGET_RATIO:g}: worst {worst:.2f} "
        f"({'met' if worst <= TARGET_RATIO else 'NOT met'})."
    )
    print("\n" + verdict)
    if args.markdown:
        path = Path(args.markdown)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown(rows, info, args.runs, verdict), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
