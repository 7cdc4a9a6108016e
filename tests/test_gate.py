"""The CI gate: exit codes, spec validation errors, JUnit/SARIF/Markdown, cache, --changed-since.

Every test builds a small project in ``tmp_path`` (``models/`` and ``specs/``, the layout a
kernel tree or driver repository uses) and runs the gate from there, through the command
line (click's ``CliRunner``) or through :mod:`mmnotif_check.gate` directly.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mmnotif_check import gate as g
from mmnotif_check import runner
from mmnotif_check.cli import cli, main
from mmnotif_check.spec import load_spec

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "tests" / "models"

# A counter with a separate read and write: the named assert ``no_lost_update`` fails; the
# named assert ``never_negative`` never does.  It imports a file next to it.
COMMON = '''\
"""Shared by the counter model."""

LIMIT = 2


def bump(v):
    return v + 1
'''

COUNTER = '''\
"""Two threads increment a counter with a separate read and write."""

from .common import LIMIT, bump

count: int = 0
done: int = 0


def worker():
    global count, done
    t = count
    count = bump(t)
    done += 1
    assert count >= 0, "never_negative: the counter went below zero"
    if done == LIMIT:
        assert count == LIMIT, "no_lost_update: an increment was lost"


def init():
    spawn(worker, name="a")
    spawn(worker, name="b")
'''

PETERSON_SPEC = """\
[spec]
model = "../models/peterson.py"
description = "Peterson, one round each"
[constants]
ROUNDS = 1
[expect]
verdict = "holds"
"""

RACY_SPEC = """\
[spec]
model = "../models/racy_lock.py"
[expect]
verdict = "violated"
property = "mutual_exclusion"
kind = "invariant"
max_trace_steps = 6
"""

COUNTER_SPEC = """\
[spec]
model = "../models/counter.py"
[expect]
verdict = "violated"
property = "no_lost_update"
kind = "assert"
"""

ERROR_LINE = re.compile(r"^(<command line>|\S+):\d+:\d+: error: .+$")


# ------------------------------------------------------------------------------ helpers


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` with ``models/`` (peterson, racy_lock, counter + common) and an empty
    ``specs/``; the working directory for the test."""
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(MODELS / "peterson.py", models / "peterson.py")
    shutil.copy(MODELS / "racy_lock.py", models / "racy_lock.py")
    (models / "common.py").write_text(COMMON, encoding="utf-8")
    (models / "counter.py").write_text(COUNTER, encoding="utf-8")
    (tmp_path / "specs").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def spec(name: str, text: str) -> Path:
    """Write ``specs/<name>.toml`` (relative to the working directory)."""
    path = Path("specs") / f"{name}.toml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def gate(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["gate", *[str(a) for a in args]])


def table_lines(result: Result) -> list[str]:
    """The gate's summary table (the lines printed after the per-spec progress lines)."""
    return [line for line in result.stdout.splitlines() if not line.startswith("[")]


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_error(result: Result, expected: str | None = None) -> str:
    """Exit 2 with exactly one ``file:line:col: error: ...`` line on stderr, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert ERROR_LINE.match(lines[0]), lines[0]
    if expected is not None:
        assert lines[0] == expected
    return lines[0]


def row_of(result: Result, spec_name: str) -> str:
    rows = [line for line in result.stdout.splitlines() if line.startswith(spec_name + " ")]
    assert len(rows) == 1, result.stdout
    return rows[0]


def line_of(path: Path, text: str) -> int:
    """1-based number of the first line of ``path`` containing ``text``."""
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return n
    raise AssertionError(f"{text!r} not in {path}")


# ------------------------------------------------------------------------------ exit codes


def test_exit_0_when_every_spec_is_as_expected(project: Path) -> None:
    spec("peterson", PETERSON_SPEC)
    spec("racy", RACY_SPEC)
    spec("counter", COUNTER_SPEC)
    result = gate("--no-cache")
    assert result.exit_code == 0, result.output
    assert "3 passed, 0 failed" in result.stdout
    assert row_of(result, "specs/racy.toml").split()[-1] == "ok"
    assert "violated (mutual_exclusion)" in row_of(result, "specs/racy.toml")
    assert "violated (no_lost_update)" in row_of(result, "specs/counter.toml")
    assert result.stderr == ""


def test_default_path_is_specs_and_directories_are_searched_recursively(project: Path) -> None:
    (project / "specs" / "sub").mkdir()
    spec("sub/racy", RACY_SPEC.replace("../models", "../../models"))
    spec("peterson", PETERSON_SPEC)
    assert [str(p) for p in g.discover(["specs"])] == ["specs/peterson.toml", "specs/sub/racy.toml"]
    assert [str(p) for p in g.discover(["specs", "specs/peterson.toml"])] == [
        "specs/peterson.toml", "specs/sub/racy.toml"]
    (project / "specs" / "not_a_spec.toml").mkdir()  # a directory is not a spec
    assert len(g.discover(["specs"])) == 2
    result = gate("--no-cache")
    assert result.exit_code == 0, result.output
    assert "2 passed" in result.stdout


@pytest.mark.parametrize(
    ("expect", "detail"),
    [
        ('verdict = "holds"', "expected holds, got violated"),
        ('verdict = "violated"\nproperty = "no_deadlock"',
         "expected property no_deadlock, but invariant mutual_exclusion was violated"),
        ('verdict = "violated"\nkind = "deadlock"', "expected a deadlock violation, got invariant"),
        ('verdict = "violated"\nmax_trace_steps = 5',
         "counterexample has 6 steps, more than max_trace_steps = 5"),
    ],
)
def test_exit_1_when_an_expectation_is_wrong(project: Path, expect: str, detail: str) -> None:
    spec("peterson", PETERSON_SPEC)
    spec("racy", f'[spec]\nmodel = "../models/racy_lock.py"\n[expect]\n{expect}\n')
    result = gate("--no-cache")
    assert result.exit_code == 1, result.output
    assert row_of(result, "specs/racy.toml").split()[-1] == "FAIL"
    assert row_of(result, "specs/peterson.toml").split()[-1] == "ok"
    assert f"specs/racy.toml: fail: {detail}" in result.stdout
    assert "1 passed, 1 failed" in result.stdout


def test_exit_1_when_a_spec_expected_to_be_violated_holds(project: Path) -> None:
    spec("peterson", '[spec]\nmodel = "../models/peterson.py"\n[constants]\nROUNDS = 1\n'
                     '[expect]\nverdict = "violated"\nproperty = "mutual_exclusion"\n')
    result = gate("--no-cache")
    assert result.exit_code == 1, result.output
    assert "specs/peterson.toml: fail: expected violated, got holds" in result.stdout


def test_exit_2_unknown_key_with_a_suggestion(project: Path) -> None:
    path = spec("typo", '[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdic = "holds"\n')
    result = gate("--no-cache")
    assert_one_error(result, f"{path}:4:1: error: unknown key [expect].verdic; did you mean 'verdict'?")
    assert row_of(result, str(path)).split()[-1] == "ERROR"


def test_exit_2_missing_model_file(project: Path) -> None:
    path = spec("nomodel", '[spec]\ndescription = "x"\nmodel = "../models/nope.py"\n[expect]\nverdict = "holds"\n')
    line = assert_one_error(gate("--no-cache"))
    assert line.startswith(f"{path}:3:1: error: [spec].model: model file '../models/nope.py' does not exist")


@pytest.mark.parametrize("table", ["spec", "budget", "budgets"])
def test_exit_2_wrong_type(project: Path, table: str) -> None:
    head = '[spec]\nmodel = "../models/peterson.py"\n'
    body = head + 'max_states = "ten"\n' if table == "spec" else head + f'[{table}]\nmax_states = "ten"\n'
    path = spec("ten", body + '[expect]\nverdict = "holds"\n')
    line = 3 if table == "spec" else 4
    assert_one_error(gate("--no-cache"), f"{path}:{line}:1: error: [{table}].max_states must be an integer, not 'ten'")


def test_exit_2_wins_over_1_and_3(project: Path) -> None:
    spec("a_wrong", '[spec]\nmodel = "../models/racy_lock.py"\n[expect]\nverdict = "holds"\n')
    spec("b_inconclusive", '[spec]\nmodel = "../models/peterson.py"\nmax_states = 5\n[expect]\nverdict = "holds"\n')
    spec("c_bad", '[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "hold"\n')
    result = gate("--no-cache")
    assert result.exit_code == 2
    assert [line.split()[-1] for line in table_lines(result)[2:5]] == ["FAIL", "INCONCLUSIVE", "ERROR"]
    # without the bad spec a wrong expectation (1) wins over an inconclusive run (3)
    assert gate("--no-cache", "specs/a_wrong.toml", "specs/b_inconclusive.toml").exit_code == 1


@pytest.mark.parametrize("where", ["spec", "budget", "budgets"])
def test_exit_3_inconclusive_and_0_when_allowed(project: Path, where: str) -> None:
    budget = "max_states = 10\n" if where == "spec" else f"[{where}]\nmax_states = 10\n"
    spec("incon", f'[spec]\nmodel = "../models/peterson.py"\n{budget}[expect]\nverdict = "holds"\n')
    result = gate("--no-cache")
    assert result.exit_code == 3, result.output
    assert row_of(result, "specs/incon.toml").split()[-1] == "INCONCLUSIVE"
    assert "state budget of 10 states" in result.stdout

    spec("incon", f'[spec]\nmodel = "../models/peterson.py"\n{budget}[expect]\nverdict = "holds"\n'
                  "allow_inconclusive = true\n")
    result = gate("--no-cache")
    assert result.exit_code == 0, result.output
    assert row_of(result, "specs/incon.toml").split()[-1] == "ok"
    assert "inconclusive" in row_of(result, "specs/incon.toml")


def test_expecting_inconclusive(project: Path) -> None:
    spec("incon", '[spec]\nmodel = "../models/peterson.py"\n[budget]\nmax_depth = 3\n'
                  '[expect]\nverdict = "inconclusive"\n')
    assert gate("--no-cache").exit_code == 0


def test_no_specs_is_exit_0(project: Path) -> None:
    result = gate("--no-cache")
    assert result.exit_code == 0
    assert "no specs to run" in result.stdout


# ------------------------------------------------------------------------------ bad input: one line, exit 2


BAD_SPECS: list[tuple[str, str, str]] = [
    # (spec text, expected "line:col: error: " + message prefix)
    ('[spec]\nmodel = "../models/peterson.py"\n[constants]\nROUNDS = 1\nROUNDZ = 2\n[expect]\nverdict = "holds"\n',
     "5:1", "[constants].ROUNDZ: unknown constant 'ROUNDZ'; did you mean 'ROUNDS'?"),
    ('[spec]\nmodel = "../models/peterson.py"\n[constants]\nROUNDS = "three"\n[expect]\nverdict = "holds"\n',
     "4:1", "[constants].ROUNDS: constant 'ROUNDS' has type"),
    ('[spec]\nmodel = "../models/peterson.py"\n[constants]\nROUNDS = 1.5\n[expect]\nverdict = "holds"\n',
     "4:1", "[constants].ROUNDS: 1.5 is not a model value"),
    ('[spec]\nmodel = "../models/peterson.py"\nproperties = ["mutual_exclusion", "no_starvation"]\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].properties: the model has no property 'no_starvation' (known: mutual_exclusion)"),
    ('[spec]\nmodel = "../models/peterson.py\n[expect]\nverdict = "holds"\n',
     "2:31", "bad TOML: "),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\nverdict = "violated"\n',
     "5:", "bad TOML: "),
    ('# a comment\nverdict = "holds"\n[spec]\nmodel = "../models/peterson.py"\n',
     "2:1", "unknown top-level key 'verdict' (keys go in a table); it belongs in [expect]"),
    ('[spec]\nmodel = "../models/peterson.py"\n[expct]\nverdict = "holds"\n',
     "3:1", "unknown table [expct]; did you mean [expect]?"),
    ('# a comment\n[[spec]]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\n',
     "2:1", "'spec' must be a table [spec], not an array of tables [[spec]]"),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\n[expect.extra]\nx = 1\n',
     "5:9", "unknown key [expect].extra"),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\n  extra.x = 1\n',
     "5:3", "unknown key [expect].extra"),
    ('# inline\nspec = { model = "../models/peterson.py", modle = 1 }\n[expect]\nverdict = "holds"\n',
     "2:43", "unknown key [spec].modle; did you mean 'model'?"),
    ('[spec]\n"model" = "../models/peterson.py"\n[expect]\n"verdic" = "holds"\n',
     "4:1", "unknown key [expect].verdic; did you mean 'verdict'?"),
    ('[spec]\nmodel = "../models"\n[expect]\nverdict = "holds"\n',
     "2:1", "[spec].model: model file '../models' is not a file"),
    ('[spec]\nmodel = 3\n[expect]\nverdict = "holds"\n',
     "2:1", "[spec].model must be a string, not 3"),
    ('[spec]\ndescription = "no model"\n[expect]\nverdict = "holds"\n',
     "1:1", "[spec].model is required"),
    ('[spec]\nmodel = "../models/peterson.py"\n',
     "1:1", "missing [expect] table"),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nproperty = "mutual_exclusion"\n',
     "3:1", "[expect].verdict is required"),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "hold"\n',
     "4:1", "[expect].verdict must be one of holds, violated, inconclusive, not 'hold'"),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\nproperty = "mutual_exclusion"\n',
     "5:1", '[expect].property only makes sense with verdict = "violated"'),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "violated"\nkind = "invariants"\n',
     "5:1", "[expect].kind must be one of invariant, final, assert, deadlock, error"),
    ('[spec]\nmodel = "../models/peterson.py"\nstrategy = "ids"\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].strategy must be one of 'bfs', 'dfs', not 'ids'"),
    ('[spec]\nmodel = "../models/peterson.py"\nreduction = "partial"\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].reduction must be one of 'none', 'local', 'por', not 'partial'"),
    ('[spec]\nmodel = "../models/peterson.py"\n[check]\nstore = "bitstate"\n[expect]\nverdict = "holds"\n',
     "4:1", "[check].store must be one of 'exact', 'fingerprint', not 'bitstate'"),
    ('[spec]\nmodel = "../models/peterson.py"\nsymmetry = "yes"\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].symmetry must be a boolean, not 'yes'"),
    ('[spec]\nmodel = "../models/peterson.py"\nproperties = "mutual_exclusion"\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].properties must be an array"),
    ('[spec]\nmodel = "../models/peterson.py"\nproperties = [1]\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].properties must be an array of property names"),
    ('[spec]\nmodel = "../models/peterson.py"\n[budget]\ntimeout = 0\n[expect]\nverdict = "holds"\n',
     "4:1", "[budget].timeout must be a positive number, not 0"),
    ('[spec]\nmodel = "../models/peterson.py"\n[budget]\ntimeout = nan\n[expect]\nverdict = "holds"\n',
     "4:1", "[budget].timeout must be a positive number, not nan"),
    ('[spec]\nmodel = "../models/peterson.py"\nmax_depth = -3\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].max_depth must be a positive integer, not -3"),
    ('[spec]\nmodel = "../models/racy_lock.py"\n[expect]\nverdict = "violated"\nmax_trace_steps = -1\n',
     "5:1", "[expect].max_trace_steps must be 0 or more, not -1"),
    ('[spec]\nmodel = "../models/peterson.py"\nmax_states = 9\n[budgets]\nmax_states = 9\n[expect]\nverdict = "holds"\n',
     "5:1", "budget 'max_states' is given twice"),
    ('[spec]\nmodel = "../models/peterson.py"\n[budget]\nmax_state = 9\n[expect]\nverdict = "holds"\n',
     "4:1", "unknown key [budget].max_state; did you mean 'max_states'?"),
    ('[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\nallow_inconclusive = "yes"\n',
     "5:1", "[expect].allow_inconclusive must be a boolean, not 'yes'"),
    ('[spec]\nmodel = "../models/peterson.py"\ndeadlock = 1\n[expect]\nverdict = "holds"\n',
     "3:1", "[spec].deadlock must be a boolean, not 1"),
]


@pytest.mark.parametrize(("text", "where", "message"), BAD_SPECS)
def test_bad_spec_is_one_located_line(project: Path, text: str, where: str, message: str) -> None:
    path = spec("bad", text)
    line = assert_one_error(gate("--no-cache"))
    assert line.startswith(f"{path}:{where}"), line
    assert message in line, line


def test_a_bad_model_is_reported_at_the_model_line(project: Path) -> None:
    (project / "models" / "bad.py").write_text("def w():\n    y = lambda: 1\n", encoding="utf-8")
    spec("bad", '[spec]\nmodel = "../models/bad.py"\n[expect]\nverdict = "holds"\n')
    assert_one_error(gate("--no-cache"), "models/bad.py:2:9: error: 'lambda' is not part of the model language")


def test_a_missing_imported_model_file_is_reported_at_the_import(project: Path) -> None:
    (project / "models" / "common.py").unlink()
    spec("counter", COUNTER_SPEC)
    assert_one_error(gate("--no-cache"), "models/counter.py:3:1: error: imported model file 'models/common.py' does not exist")


def test_command_line_errors_are_one_line(project: Path) -> None:
    assert_one_error(gate("specs/missing.toml"), "specs/missing.toml:1:1: error: no such spec file or directory")
    assert_one_error(gate("--jobs", "0"), "<command line>:1:1: error: --jobs must be at least 1")
    spec("peterson", PETERSON_SPEC)
    (project / "build").write_text("a file, not a directory")
    line = assert_one_error(gate("--no-cache", "--junit", "build/gate-junit.xml"))
    assert line.startswith("<command line>:1:1: error: --junit build/gate-junit.xml: cannot write it")


def test_bad_input_end_to_end_through_the_installed_command(project: Path) -> None:
    """The real entry point: several bad specs, one line each on stderr, exit 2."""
    for k, (text, _, _) in enumerate(BAD_SPECS[:6]):
        spec(f"bad{k}", text)
    exe = Path(sys.executable).with_name("mmnotif-check")
    proc = subprocess.run([str(exe), "gate", "--no-cache"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    assert len(lines) == 6
    assert all(ERROR_LINE.match(line) for line in lines), lines


# ------------------------------------------------------------------------------ named asserts


def test_named_assert_matches_property(project: Path) -> None:
    spec("counter", COUNTER_SPEC)
    rows = g.run_gate(g.discover(["specs"]))
    assert rows[0].status == "pass", rows[0]
    assert rows[0].property == "no_lost_update"
    assert rows[0].got == "violated (no_lost_update)"


def test_named_assert_other_tag_is_a_mismatch(project: Path) -> None:
    spec("counter", COUNTER_SPEC.replace('"no_lost_update"', '"never_negative"'))
    result = gate("--no-cache")
    assert result.exit_code == 1
    assert "expected property never_negative, but assert no_lost_update was violated" in result.stdout


def test_properties_select_named_asserts(project: Path) -> None:
    # with a selection, named asserts not selected are off
    spec("only_never_negative", '[spec]\nmodel = "../models/counter.py"\nproperties = ["never_negative"]\n'
                                '[expect]\nverdict = "holds"\n')
    spec("only_lost_update", '[spec]\nmodel = "../models/counter.py"\nproperties = ["no_lost_update"]\n'
                             '[expect]\nverdict = "violated"\nproperty = "no_lost_update"\n')
    result = gate("--no-cache")
    assert result.exit_code == 0, result.output


def test_expect_property_may_be_a_kind(project: Path) -> None:
    spec("counter", COUNTER_SPEC.replace('property = "no_lost_update"', 'property = "assert"'))
    spec("racy", RACY_SPEC.replace('property = "mutual_exclusion"', 'property = "invariant"'))
    assert gate("--no-cache").exit_code == 0


# ------------------------------------------------------------------------------ JUnit, SARIF, Markdown


def _mixed_project() -> None:
    spec("a_ok", PETERSON_SPEC)
    spec("b_wrong", '[spec]\nmodel = "../models/racy_lock.py"\n[expect]\nverdict = "holds"\n')
    spec("c_counter_wrong", COUNTER_SPEC.replace('"no_lost_update"', '"never_negative"'))
    spec("d_bad", '[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\nverdic = "holds"\n')


def test_junit_xml(project: Path) -> None:
    _mixed_project()
    result = gate("--no-cache", "--junit", "build/gate-junit.xml")
    assert result.exit_code == 2
    root = ET.parse(project / "build" / "gate-junit.xml").getroot()
    assert root.tag == "testsuite"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    cases = root.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "specs/a_ok.toml", "specs/b_wrong.toml", "specs/c_counter_wrong.toml", "specs/d_bad.toml"]
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "expected holds, got violated (mutual_exclusion)"
    text = failure.text or ""
    assert text.startswith("specs/b_wrong.toml: expected holds, got violated (mutual_exclusion)\n")
    # the property and its text, the counterexample and the command that replays it
    assert "violated: invariant mutual_exclusion (models/racy_lock.py:22): two threads are in the critical section" in text
    assert "counterexample, 6 steps" in text and "* in_cs: 1 -> 2" in text
    assert "replay: mmnotif-check replay models/racy_lock.py --path 0/" in text
    assert cases[2].find("failure") is not None
    error = cases[3].find("error")
    assert error is not None
    assert error.get("message") == "specs/d_bad.toml:5:1: error: unknown key [expect].verdic; did you mean 'verdict'?"
    for case in cases:
        assert case.find("system-out") is not None


def test_junit_marks_inconclusive_as_failure(project: Path) -> None:
    spec("incon", '[spec]\nmodel = "../models/peterson.py"\nmax_states = 5\n[expect]\nverdict = "holds"\n')
    gate("--no-cache", "--junit", "j.xml")
    failure = ET.parse("j.xml").getroot().find("testcase/failure")
    assert failure is not None
    assert failure.get("type") == "inconclusive"


def test_sarif(project: Path) -> None:
    _mixed_project()
    result = gate("--no-cache", "--sarif", "build/gate.sarif")
    assert result.exit_code == 2
    doc = json.loads((project / "build" / "gate.sarif").read_text())
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "mmnotif-check"
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    results = run["results"]
    assert len(results) == 3  # one per spec that is not as expected
    assert all(r["ruleId"] in rule_ids for r in results)

    def where(r: dict[str, Any]) -> tuple[str, int]:
        loc = r["locations"][0]["physicalLocation"]
        return loc["artifactLocation"]["uri"], loc["region"]["startLine"]

    # the failing step of the counterexample: the second thread's ``in_cs += 1``
    racy = project / "models" / "racy_lock.py"
    assert where(results[0]) == ("models/racy_lock.py", line_of(racy, "in_cs += 1"))
    assert results[0]["ruleId"] == "mmnotif-check/fail"
    assert "specs/b_wrong.toml" in results[0]["message"]["text"]
    counter = project / "models" / "counter.py"
    assert where(results[1]) == ("models/counter.py", line_of(counter, "no_lost_update:"))
    # a bad spec points at the offending key of the spec file
    assert where(results[2]) == ("specs/d_bad.toml", 5)
    assert results[2]["ruleId"] == "mmnotif-check/error"


def test_sarif_for_a_model_error_points_at_the_model(project: Path) -> None:
    (project / "models" / "bad.py").write_text("def w():\n    y = lambda: 1\n", encoding="utf-8")
    spec("bad", '[spec]\nmodel = "../models/bad.py"\n[expect]\nverdict = "holds"\n')
    gate("--no-cache", "--sarif", "out.sarif")
    loc = json.loads(Path("out.sarif").read_text())["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert (loc["artifactLocation"]["uri"], loc["region"]["startLine"]) == ("models/bad.py", 2)


def test_sarif_for_a_failure_inside_the_kernel_library_points_at_the_model(project: Path) -> None:
    """The library is shown as ``<mmnotif_check.kernel>/x.py`` (not a repository file, not a
    valid URI); SARIF points at the model's own step that called into it."""
    (project / "models" / "unlock.py").write_text(textwrap.dedent("""\
        from mmnotif_check.kernel.locks import Mutex, mutex_unlock

        lock: Mutex = None


        def worker():
            mutex_unlock(lock)


        def init():
            global lock
            lock = new(Mutex)
            spawn(worker, name="w")
        """), encoding="utf-8")
    spec("unlock", '[spec]\nmodel = "../models/unlock.py"\n[expect]\nverdict = "holds"\n')
    assert gate("--no-cache", "--sarif", "out.sarif").exit_code == 1
    loc = json.loads(Path("out.sarif").read_text())["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert (loc["artifactLocation"]["uri"], loc["region"]["startLine"]) == ("models/unlock.py", 7)
    # a location only in the library (not a file of this repository) marks the spec instead
    for where in ("<mmnotif_check.kernel>/locks.py", "mmnotif_check/kernel/locks.py"):
        row = g.GateRow("specs/x.toml", "", "holds", "violated", None, 1, 1, 0.0, "fail", "",
                        failing_location=(where, 110))
        loc = json.loads(g.sarif([row]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert (loc["artifactLocation"]["uri"], loc["region"]["startLine"]) == ("specs/x.toml", 1)


def test_sarif_is_empty_when_all_pass(project: Path) -> None:
    spec("a_ok", PETERSON_SPEC)
    assert gate("--no-cache", "--sarif", "out.sarif").exit_code == 0
    assert json.loads(Path("out.sarif").read_text())["runs"][0]["results"] == []


def test_markdown_summary(project: Path) -> None:
    _mixed_project()
    gate("--no-cache", "--markdown", "build/gate-summary.md")
    md = (project / "build" / "gate-summary.md").read_text()
    lines = md.splitlines()
    assert lines[0] == "### mmnotif-check gate: 1/4 specs as expected"
    assert "| spec | expected | got | states | seconds | result |" in lines
    assert any(line.startswith("| `specs/a_ok.toml` | holds | holds |") and line.endswith("| ok |") for line in lines)
    assert any(line.startswith("| `specs/b_wrong.toml` | holds | violated (mutual_exclusion) |")
               and line.endswith("| **fail** |") for line in lines)
    assert any(line.startswith("| `specs/d_bad.toml` |") and line.endswith("| **error** |") for line in lines)
    assert "- `specs/b_wrong.toml`: expected holds, got violated" in lines
    assert any(line.startswith("- `specs/d_bad.toml`: specs/d_bad.toml:5:1: error: unknown key") for line in lines)


def test_markdown_all_passing(project: Path) -> None:
    spec("a_ok", PETERSON_SPEC)
    spec("racy", RACY_SPEC)
    gate("--no-cache", "--markdown", "s.md")
    md = Path("s.md").read_text()
    assert md.startswith("### mmnotif-check gate: 2/2 specs as expected\n")
    assert "\n- " not in md


# ------------------------------------------------------------------------------ cache


def test_cache_second_run_is_cached_with_the_same_outcome(project: Path) -> None:
    spec("peterson", PETERSON_SPEC)
    spec("wrong", '[spec]\nmodel = "../models/racy_lock.py"\n[expect]\nverdict = "holds"\n')
    first = gate()
    assert first.exit_code == 1
    assert "(cached)" not in first.stdout
    assert list((project / ".mmnotif-cache").glob("*.json"))
    second = gate()
    assert second.exit_code == 1  # a cached failure is still a failure
    assert "(cached)" in row_of(second, "specs/peterson.toml")
    assert "(cached)" in row_of(second, "specs/wrong.toml")
    assert row_of(second, "specs/wrong.toml").split()[-1] == "FAIL"


def test_cache_is_not_used_after_an_imported_model_file_changes(project: Path) -> None:
    spec("counter", COUNTER_SPEC)
    spec("peterson", PETERSON_SPEC)
    assert gate().exit_code == 0
    common = project / "models" / "common.py"
    common.write_text(common.read_text().replace("return v + 1", "return 1 + v"))
    result = gate()
    assert result.exit_code == 0
    assert "(cached)" not in row_of(result, "specs/counter.toml")
    assert "(cached)" in row_of(result, "specs/peterson.toml")
    # and a change that breaks the verdict is seen, never a stale pass
    common.write_text(common.read_text().replace("LIMIT = 2", "LIMIT = 3"))
    result = gate()
    assert result.exit_code == 1, result.output
    assert "(cached)" not in row_of(result, "specs/counter.toml")


def test_cache_key_covers_spec_constants_and_imports(project: Path) -> None:
    path = spec("counter", COUNTER_SPEC)
    checker = g.checker_digest()
    key = g.cache_key(load_spec(path), checker)
    assert g.cache_key(load_spec(path), checker) == key
    assert {p.name for p in g.model_files(load_spec(path))} == {"counter.py", "common.py"}
    assert g.cache_key(load_spec(path), "another checker") != key
    path.write_text(path.read_text() + "# a comment\n")
    key2 = g.cache_key(load_spec(path), checker)
    assert key2 != key
    (project / "models" / "common.py").write_text(COMMON + "# a comment\n")
    assert g.cache_key(load_spec(path), checker) != key2


def test_no_cache_neither_reads_nor_writes(project: Path) -> None:
    spec("peterson", PETERSON_SPEC)
    assert gate("--no-cache").exit_code == 0
    assert not (project / ".mmnotif-cache").exists()
    gate()
    result = gate("--no-cache")
    assert "(cached)" not in result.stdout


def test_cache_dir_option(project: Path) -> None:
    spec("peterson", PETERSON_SPEC)
    gate("--cache-dir", "elsewhere")
    assert list((project / "elsewhere").glob("*.json"))
    assert "(cached)" in gate("--cache-dir", "elsewhere").stdout


def test_bad_specs_are_never_cached(project: Path) -> None:
    spec("bad", '[spec]\nmodel = "../models/peterson.py"\n[constants]\nNOPE = 1\n[expect]\nverdict = "holds"\n')
    assert gate().exit_code == 2
    assert not list((project / ".mmnotif-cache").glob("*.json"))
    assert gate().exit_code == 2


def test_identical_specs_sharing_a_cache_entry_keep_their_own_names(project: Path) -> None:
    spec("a", PETERSON_SPEC)
    spec("b", PETERSON_SPEC)
    gate()
    result = gate()
    assert "(cached)" in row_of(result, "specs/a.toml")
    assert "(cached)" in row_of(result, "specs/b.toml")


def test_an_unwritable_cache_does_not_fail_the_gate(project: Path) -> None:
    spec("peterson", PETERSON_SPEC)
    (project / "file").write_text("not a directory")
    rows = g.run_gate(g.discover(["specs"]), cache_dir=project / "file" / "cache")
    assert [r.status for r in rows] == ["pass"]


def test_a_corrupt_cache_entry_is_ignored(project: Path) -> None:
    spec("peterson", PETERSON_SPEC)
    gate()
    for f in (project / ".mmnotif-cache").glob("*.json"):
        f.write_text("{not json")
    result = gate()
    assert result.exit_code == 0
    assert "(cached)" not in result.stdout


def _with_reason(monkeypatch: pytest.MonkeyPatch, reason: str) -> None:
    """Make every run inconclusive for ``reason`` (as a time budget or Ctrl-C would)."""
    real = runner.check_model

    def fake(model: Any, options: Any, **kwargs: Any) -> Any:
        out = real(model, options.with_(max_states=5), **kwargs)
        return dataclasses.replace(out, result=dataclasses.replace(out.result, verdict="inconclusive", reason=reason))

    monkeypatch.setattr(g, "check_model", fake)


@pytest.mark.parametrize("reason", ["timeout of 1 s", "memory budget of 10 MiB", "solver returned unknown"])
def test_machine_dependent_inconclusive_outcomes_are_not_cached(
        project: Path, monkeypatch: pytest.MonkeyPatch, reason: str) -> None:
    spec("incon", '[spec]\nmodel = "../models/peterson.py"\n[expect]\nverdict = "holds"\nallow_inconclusive = true\n')
    _with_reason(monkeypatch, reason)
    rows = g.run_gate(g.discover(["specs"]), cache_dir=project / "cache")
    assert [(r.status, r.got) for r in rows] == [("pass", "inconclusive")]
    assert not (project / "cache").exists()


def test_a_state_budget_inconclusive_outcome_is_cached(project: Path) -> None:
    spec("incon", '[spec]\nmodel = "../models/peterson.py"\nmax_states = 5\n[expect]\nverdict = "holds"\n')
    assert gate().exit_code == 3
    result = gate()
    assert result.exit_code == 3
    assert "(cached)" in row_of(result, "specs/incon.toml")


def test_ctrl_c_stops_the_gate_and_caches_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec("a", PETERSON_SPEC)
    spec("b", RACY_SPEC)
    _with_reason(monkeypatch, "interrupted (Ctrl-C)")
    with pytest.raises(KeyboardInterrupt):
        g.run_gate(g.discover(["specs"]), cache_dir=project / "cache")
    assert not (project / "cache").exists()
    with pytest.raises(SystemExit) as exc:
        main(["gate", "--cache-dir", "cache"])
    assert exc.value.code == 3


# ------------------------------------------------------------------------------ --jobs


def test_jobs_2_gives_the_same_rows_as_jobs_1(project: Path) -> None:
    _mixed_project()
    spec("e_racy", RACY_SPEC)
    spec("f_counter", COUNTER_SPEC)
    specs = g.discover(["specs"])

    def rows(jobs: int) -> list[dict[str, Any]]:
        return [{**asdict(r), "seconds": 0.0, "search_seconds": 0.0} for r in g.run_gate(specs, jobs=jobs)]

    one, two = rows(1), rows(2)
    assert one == two
    assert [r["status"] for r in one] == ["pass", "fail", "fail", "error", "pass", "pass"]

    def table(result: Result) -> list[list[str]]:
        # every column but seconds
        return [line.split()[:4] + line.split()[-1:] for line in table_lines(result)]

    assert table(gate("--no-cache", "--jobs", "1")) == table(gate("--no-cache", "-j", "2"))


# ------------------------------------------------------------------------------ --changed-since


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                          "-c", "commit.gpgsign=false", *args],
                         cwd=cwd, capture_output=True, text=True, check=True)
    return out.stdout


@pytest.fixture
def repo(project: Path) -> Path:
    """The project as a git repository with one commit: specs counter (imports common.py)
    and peterson."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    spec("counter", COUNTER_SPEC)
    spec("peterson", PETERSON_SPEC)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "specs and models")
    return project


def ran(result: Result) -> list[str]:
    return [line.split()[0] for line in result.stdout.splitlines()
            if line.startswith("specs/") and not line.split()[0].endswith(":")]


def test_changed_since_nothing_changed(repo: Path) -> None:
    result = gate("--no-cache", "--changed-since", "HEAD")
    assert result.exit_code == 0
    assert "no specs to run (nothing changed since HEAD)" in result.stdout


def test_changed_since_an_imported_model_file_selects_exactly_the_dependent_spec(repo: Path) -> None:
    common = repo / "models" / "common.py"
    common.write_text(common.read_text() + "# changed\n")
    result = gate("--no-cache", "--changed-since", "HEAD")
    assert result.exit_code == 0, result.output
    assert ran(result) == ["specs/counter.toml"]
    assert g.select_changed(g.discover(["specs"]), "HEAD", repo) == [Path("specs/counter.toml")]
    # committed changes count too
    git(repo, "commit", "-q", "-am", "change common")
    assert ran(gate("--no-cache", "--changed-since", "HEAD~1")) == ["specs/counter.toml"]
    assert ran(gate("--no-cache", "--changed-since", "HEAD")) == []


def test_changed_since_a_changed_spec_file_selects_it(repo: Path) -> None:
    path = repo / "specs" / "peterson.toml"
    path.write_text(path.read_text().replace("one round each", "one round"))
    assert ran(gate("--no-cache", "--changed-since", "HEAD")) == ["specs/peterson.toml"]


def test_changed_since_the_root_model_and_staged_and_new_files(repo: Path) -> None:
    peterson = repo / "models" / "peterson.py"
    peterson.write_text(peterson.read_text() + "# changed\n")
    git(repo, "add", "models/peterson.py")  # staged
    spec("new", RACY_SPEC)  # untracked
    assert ran(gate("--no-cache", "--changed-since", "HEAD")) == ["specs/new.toml", "specs/peterson.toml"]


def test_changed_since_from_a_subdirectory_sees_untracked_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "specs")
    (repo / "specs" / "new.toml").write_text(RACY_SPEC)
    result = gate("--no-cache", "--changed-since", "HEAD", ".")
    assert row_of(result, "new.toml").split()[-1] == "ok"
    assert "peterson" not in result.stdout
    assert g.select_changed(g.discover(["."]), "HEAD", Path.cwd()) == [Path("new.toml")]


def test_changed_since_a_broken_spec_is_selected_and_reported(repo: Path) -> None:
    (repo / "models" / "common.py").unlink()
    result = gate("--no-cache", "--changed-since", "HEAD")
    assert ran(result) == ["specs/counter.toml"]
    assert_one_error(result)


def test_changed_since_checker_source_selects_everything(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(g, "changed_files", lambda rev, cwd: (repo, {g.PACKAGE_DIR / "gate.py"}))
    assert len(g.select_changed(g.discover(["specs"]), "HEAD", repo)) == 2


def test_changed_since_a_bad_revision_is_one_line(repo: Path) -> None:
    line = assert_one_error(gate("--no-cache", "--changed-since", "no-such-rev"))
    assert line.startswith("<command line>:1:1: error: --changed-since no-such-rev: unknown revision")


def test_changed_since_outside_a_git_repository_is_one_line(project: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    spec("peterson", PETERSON_SPEC)
    line = assert_one_error(gate("--no-cache", "--changed-since", "HEAD"))
    assert line.startswith("<command line>:1:1: error: --changed-since HEAD: git rev-parse")


# ------------------------------------------------------------------------------ the shipped specs


@pytest.mark.slow  # 80 specs: over a minute with two processes
def test_every_shipped_spec_is_as_expected() -> None:
    specs = g.discover([str(REPO / "specs")])
    assert len(specs) >= 40  # the shipped specs, not an empty directory
    rows = g.run_gate(specs, jobs=g.default_jobs())
    bad = [f"{r.spec}: {r.status}: {r.detail}" for r in rows if not r.passed()]
    assert not bad, "\n".join(bad)
    assert g.exit_code(rows) == 0


def test_one_line_per_spec_as_it_finishes(project: Path) -> None:
    spec("peterson", PETERSON_SPEC)
    spec("racy", '[spec]\nmodel = "../models/racy_lock.py"\n[expect]\nverdict = "violated"\nproperty = "mutual_exclusion"\n')
    result = gate("--no-cache", "--jobs", "2")
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert sorted(line.split()[2] for line in progress) == ["specs/peterson.toml", "specs/racy.toml"]
    assert sorted(line.split()[0] + " " + line.split()[1] for line in progress) == ["[1/2] ok", "[2/2] ok"]
    assert any("violated (mutual_exclusion)" in line for line in progress)
    gate()  # fills the cache
    again = [line.split() for line in gate().stdout.splitlines() if line.startswith("[")]
    assert [(words[2], words[3]) for words in again] == [("specs/peterson.toml", "cached"), ("specs/racy.toml", "cached")]
