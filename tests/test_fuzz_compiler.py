"""Fuzzing the compiler: random programs and AST mutations of the shipped models.

Whatever the program (inside the model language or not, tiny or hostile), the checker must
answer with exit 0, 1, 2 or 3: never an internal error (exit 70) or an exception escaping
``main``.  Programs come from ``tests/fuzz_programs.py`` (a seed makes one); Hypothesis
picks the seeds and shrinks a failure to the smallest seed, which the assertion message
shows with the program, so a failure is reproduced with ``fuzz_programs.program(seed)``.
"""

from __future__ import annotations

import os
from pathlib import Path

import fuzz_programs
import pytest
from corpus_lib import Case, run_inprocess
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("MMNOTIF_FUZZ_EXAMPLES", "30"))


def _check(seed: int, tmp: Path) -> None:
    name, text = fuzz_programs.program(seed)
    d = tmp / f"s{seed}"
    d.mkdir(parents=True, exist_ok=True)
    (d / "m.py").write_text(text, encoding="utf-8")
    args = fuzz_programs.ARGS.replace("{}", "m.py").split()
    case = Case(f"fuzz-{seed}", "m.py", args, -1, make=lambda w: None)
    got = run_inprocess(case, d)
    detail = f"seed {seed} ({name}):\n{text}\n--- stderr:\n{got.stderr[-2000:]}"
    assert not got.traceback, detail
    assert got.exit in (0, 1, 2, 3), detail
    if got.exit == 2:  # bad input: one located line
        line = got.stderr.strip()
        assert len(line.splitlines()) == 1 and ": error: " in line, detail


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_fuzzed_programs_get_a_clear_answer(seed: int, tmp_path: Path) -> None:
    _check(seed, tmp_path)


@pytest.mark.parametrize("seed", range(20))
def test_fixed_fuzz_seeds(seed: int, tmp_path: Path) -> None:
    """The first seeds, always the same: a regression net that does not depend on Hypothesis."""
    _check(seed, tmp_path)
