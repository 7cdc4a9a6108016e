"""The Python API (mmnotif_check.api, the package root) and the pytest plugin.

The plugin's tests run pytest on tiny specs in a temporary directory (pytester), so they
stay fast; they also check that a test suite's own ``testpaths`` never collects specs.
"""

from __future__ import annotations

import doctest
import json
import textwrap
from pathlib import Path

import pytest

import mmnotif_check
from mmnotif_check import CheckResult, InputError, UnexpectedVerdict, check
from mmnotif_check.api import load

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parent.parent

RACY = """
locked: bool = False
in_cs: int = 0


def worker():
    global locked, in_cs
    wait_until(not locked)
    locked = True
    in_cs += 1
    in_cs -= 1
    locked = False


def init():
    spawn(worker, name="t0")
    spawn(worker, name="t1")


@invariant
def mutual_exclusion():
    \"\"\"two threads are in the critical section\"\"\"
    return in_cs <= 1
"""

LOCKED = RACY.replace("    wait_until(not locked)\n    locked = True\n",
                      "    with atomic():\n        wait_until(not locked)\n        locked = True\n")


def test_the_package_docstring_example_runs() -> None:
    failed, attempted = doctest.testmod(mmnotif_check, optionflags=doctest.ELLIPSIS)
    assert attempted >= 8 and failed == 0


def test_check_a_model_with_options(tmp_path: Path) -> None:
    model = tmp_path / "racy.py"
    model.write_text(RACY, encoding="utf-8")
    result = check(model)
    assert isinstance(result, CheckResult)
    assert result.violated and not result.holds and result.verdict == "violated"
    assert (result.kind, result.property, result.message) == ("invariant", "mutual_exclusion",
                                                              "two threads are in the critical section")
    assert result.stats.states > 0 and result.stats.reduction == "por"
    lines = result.steps()
    assert lines[-1].statement == "in_cs += 1" and lines[-1].marked == ("in_cs",)
    assert lines[-1].changes == (("in_cs", 1, 2),)
    assert len(result.steps("full")) == len(result.report["trace"]) == 6
    assert result.replay_command is not None and result.replay_command.startswith("mmnotif-check replay ")
    for fmt in ("text", "json", "itf", "mermaid", "dot", "html"):
        assert result.render(fmt)
    assert json.loads(result.render("json"))["verdict"] == "violated"
    exact = check(model, reduction="none", store="exact", max_states=10_000)
    assert exact.report["options"]["reduction"] == "none" and exact.stats.store == "exact"
    with pytest.raises(UnexpectedVerdict, match="two threads are in the critical section") as info:
        result.assert_holds()
    assert "in_cs += 1" in str(info.value) and info.value.result is result
    result.assert_violated("mutual_exclusion")
    budget = check(model, max_states=3)
    assert budget.inconclusive and budget.reason is not None and budget.steps() == []
    with pytest.raises(ValueError, match="no counterexample"):
        budget.render("html")


def test_check_a_spec_and_its_expectation(tmp_path: Path) -> None:
    (tmp_path / "racy.py").write_text(RACY, encoding="utf-8")
    spec = tmp_path / "racy.toml"
    spec.write_text('[spec]\nmodel = "racy.py"\n[expect]\nverdict = "violated"\nproperty = "mutual_exclusion"\n',
                    encoding="utf-8")
    result = check(spec)
    assert result.violated and result.as_expected()
    result.assert_expected()
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[spec]\nmodel = "racy.py"\n[expect]\nverdict = "holds"\n', encoding="utf-8")
    with pytest.raises(UnexpectedVerdict, match="expected holds, got violated"):
        check(wrong).assert_expected()


def test_bad_input_and_bad_options_raise(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def w():\n    y = lambda: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        check(bad)
    assert (info.value.line, str(info.value).split(":")[0]) == (2, str(bad))
    with pytest.raises(TypeError, match="unknown option 'max_state'"):
        load(bad, max_state=3)
    ok = tmp_path / "ok.py"
    ok.write_text(RACY, encoding="utf-8")
    with pytest.raises(InputError, match="no property 'nope'"):
        check(ok, properties=["nope"])


# --------------------------------------------------------------------------- the plugin


def _project(pytester: pytest.Pytester) -> None:
    pytester.makefile(".py", **{"models/racy": RACY, "models/locked": LOCKED})
    pytester.makefile(".toml", **{
        "specs/racy_found": '[spec]\nmodel = "../models/racy.py"\n[expect]\nverdict = "violated"\n'
                            'property = "mutual_exclusion"\n',
        "specs/locked_holds": '[spec]\nmodel = "../models/locked.py"\n[expect]\nverdict = "holds"\n',
        "specs/racy_wrongly_holds": '[spec]\nmodel = "../models/racy.py"\n[expect]\nverdict = "holds"\n',
        "config/not_a_spec": '[tool]\nx = 1\n',
    })


def test_pytest_specs_collects_every_spec_and_shows_the_counterexample(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest("specs", "-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "racy_wrongly_holds" in out
    assert "expected holds, got violated (mutual_exclusion)" in out
    assert "violated: invariant mutual_exclusion" in out and "two threads are in the critical section" in out
    assert "in_cs += 1" in out and "replay: mmnotif-check replay" in out
    collected = pytester.runpytest("specs", "--collect-only", "-q", "-p", "no:cacheprovider")
    names = collected.stdout.str()
    assert "racy_found" in names and "locked_holds" in names and "not_a_spec" not in names


def test_testpaths_never_collect_specs(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makepyfile(test_plain="def test_one():\n    assert True\n")
    pytester.makeini("[pytest]\ntestpaths = specs test_plain.py\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)  # the plain test only: no spec by accident
    pytester.makeini("[pytest]\ntestpaths = specs\nmmnotif_specs = specs\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)  # asked for with the ini option


def test_the_model_checker_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_models=textwrap.dedent(f'''
        RACY = {RACY!r}
        LOCKED = {LOCKED!r}


        def test_racy(model_checker):
            result = model_checker.assert_violated(RACY, "mutual_exclusion")
            assert result.steps()[-1].statement == "in_cs += 1"


        def test_locked(model_checker):
            model_checker.assert_holds(LOCKED, reduction="none")


        def test_fails_with_the_counterexample(model_checker):
            model_checker.assert_holds(RACY)
        '''))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "UnexpectedVerdict" in out and "expected every property to hold, got violated" in out
    assert "in_cs += 1" in out


def test_this_repositorys_suite_does_not_collect_specs() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'testpaths = ["tests"]' in text and "mmnotif_specs" not in text
    assert '[project.entry-points.pytest11]' in text and 'mmnotif_check = "mmnotif_check.pytest_plugin"' in text
