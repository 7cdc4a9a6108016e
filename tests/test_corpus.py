"""Every bad input of the corpus (tests/corpus/, tests/corpus_lib.py) gets its one clear answer.

Each case runs through :func:`mmnotif_check.cli.main` in this process: the exit code must be
the expected one, stderr exactly the expected ``file:line:col: error:`` line, and nothing
may escape ``main`` (no traceback, no internal error).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_lib import Case, load_cases, mismatch, run_inprocess

CASES = load_cases()


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 200
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, tmp_path: Path) -> None:
    got = run_inprocess(case, tmp_path)
    assert not got.traceback, got.stderr
    assert got.exit != 70, got.stderr
    why = mismatch(case, got)
    assert why is None, why
