"""Every spec under every reduction: the same verdict and the same violated property.

For each spec of ``specs/`` (or the paths given), the spec is checked with ``--reduce
none`` (the literal semantics), ``local`` and ``por``, and with ``por --symmetry``, each
with the spec's expectation as the gate has it (so a reduced search goes on to the
property the spec expects).  The table lists verdict, property, states and seconds per
run; the script exits 1 if any verdict or violated property differs from the literal one.
A literal run that hits ``--timeout`` is marked inconclusive and compared with nothing.

Usage::

    .venv/bin/python bench/reductions.py [--timeout 600] [--markdown FILE] [SPEC ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mmnotif_check.gate import discover, expected_violation  # noqa: E402
from mmnotif_check.lang.system import load_model  # noqa: E402
from mmnotif_check.runner import check_model  # noqa: E402
from mmnotif_check.spec import load_spec  # noqa: E402

RUNS = (("none", False), ("local", False), ("por", False), ("por", True))


def check(path: Path, reduction: str, symmetry: bool, timeout: float | None) -> tuple[str, str, int, float]:
    spec = load_spec(path)
    options = spec.options.with_(reduction=reduction, symmetry=symmetry, timeout=timeout)
    model = load_model(str(spec.model), spec.constants, reduction, options.properties, options.solver_timeout_ms)
    start = time.perf_counter()
    out = check_model(model, options, accept=expected_violation(spec))
    r = out.result
    prop = (r.violation.property or r.violation.kind) if r.violation else "-"
    return r.verdict, prop, r.stats.states, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", default=["specs"])
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per literal run (default 600)")
    parser.add_argument("--markdown", metavar="FILE")
    args = parser.parse_args(argv)
    header = "| spec | " + " | ".join(f"{r}{' +sym' if s else ''}" for r, s in RUNS) + " | same |"
    lines = [header, "|---|" + "---|" * len(RUNS) + "---|"]
    bad = 0
    for path in discover(args.specs):
        cells = []
        results = []
        for reduction, symmetry in RUNS:
            verdict, prop, states, secs = check(path, reduction, symmetry, args.timeout if reduction == "none" else None)
            results.append((verdict, prop))
            cells.append(f"{verdict} {prop if prop != '-' else ''} ({states:,} states, {secs:.1f} s)".replace("  ", " "))
        literal = results[0]
        compared = [r for r in results[1:]] if literal[0] != "inconclusive" else []
        same = all(r == literal for r in compared)
        if not same:
            bad += 1
        mark = "yes" if same and compared else ("NO" if not same else "literal timed out")
        line = f"| `{path}` | " + " | ".join(cells) + f" | {mark} |"
        lines.append(line)
        print(line, flush=True)
    text = "\n".join(lines)
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    print(f"{bad} spec(s) differ", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
