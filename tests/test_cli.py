"""The ``mmnotif-check`` command line: exit codes, text and JSON reports, replay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmnotif_check import CheckOptions, explore, load_model
from mmnotif_check.cli import cli, main

REPO = Path(__file__).resolve().parent.parent
PETERSON = REPO / "tests" / "models" / "peterson.py"
RACY_LOCK = REPO / "tests" / "models" / "racy_lock.py"

RACY_STATEMENTS = ["wait_until(not locked)", "locked = True", "in_cs += 1"]


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def verify_json(*args: str) -> dict:
    result = run("verify", *args, "--json")
    assert result.exit_code in (0, 1, 3), result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------------------ exit codes


def test_exit_0_when_every_property_holds():
    result = run("verify", PETERSON)
    assert result.exit_code == 0, result.output
    assert "HOLDS" in result.output
    api = explore(load_model(str(PETERSON)), CheckOptions())
    assert f"states {api.stats.states:,} " in result.output  # the same number as the API reports
    assert "reduction por, fingerprint store" in result.output
    literal = run("verify", PETERSON, "--reduce", "none", "--store", "exact")
    assert "states 293 " in literal.output and "reduction none, exact store" in literal.output


def test_exit_1_with_a_readable_counterexample():
    result = run("verify", RACY_LOCK)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "VIOLATED" in out
    assert "mutual_exclusion" in out
    assert "two threads are in the critical section" in out
    for statement in RACY_STATEMENTS:
        assert statement in out
    assert "in_cs: 1 -> 2" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("replay token: 0/")
    assert f"mmnotif-check replay {RACY_LOCK} --path " in last


def test_exit_1_with_dfs_too():
    result = run("verify", RACY_LOCK, "--dfs")
    assert result.exit_code == 1
    assert "VIOLATED" in result.output


def test_exit_2_on_bad_input(write_model):
    path = write_model("def w():\n    y = lambda: 1\n")
    result = run("verify", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{path}:2:9: error: 'lambda' is not part of the model language"
    assert "Traceback" not in result.output


def test_exit_3_on_the_state_budget():
    result = run("verify", PETERSON, "--max-states", "10")
    assert result.exit_code == 3, result.output
    assert "INCONCLUSIVE" in result.output
    assert "state budget of 10 states" in result.output


def test_exit_3_on_the_depth_budget():
    result = run("verify", PETERSON, "--max-depth", "3")
    assert result.exit_code == 3, result.output
    assert "INCONCLUSIVE" in result.output
    assert "depth budget of 3 steps" in result.output


def test_budget_large_enough_is_exhaustive():
    assert run("verify", PETERSON, "--max-states", "293", "--reduce", "none").exit_code == 0
    assert run("verify", PETERSON, "--max-depth", "32", "--reduce", "none").exit_code == 0


def test_set_changes_the_model():
    report = verify_json(PETERSON, "--set", "ROUNDS=1")
    assert report["verdict"] == "holds"
    assert report["constants"] == {"ROUNDS": 1}
    assert report["stats"]["states"] < 293


def test_deadlock_text_lists_the_blocked_threads(write_model):
    path = write_model("def w():\n    wait_until(False)\n\ndef init():\n    spawn(w, name='stuck')\n")
    result = run("verify", path)
    assert result.exit_code == 1
    assert "VIOLATED (deadlock)" in result.output
    assert "blocked threads:" in result.output
    assert f"stuck at {path}:2: wait_until(False)" in result.output
    assert "--no-deadlock" not in result.output
    assert run("verify", path, "--no-deadlock").exit_code == 0


def test_failing_init_is_a_violation_not_a_crash(write_model):
    """Regression (fixed): a run-time error in init() crashes ``verify`` with an IndexError
    traceback (trace/build.py ``reproduces`` indexes ``states[-1]`` of an empty list)."""
    path = write_model("x: int = 0\n\ndef init():\n    global x\n    x = 1 // x\n")
    result = run("verify", path)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert "VIOLATED" in result.output
    assert "division by zero" in result.output


def test_usage_errors_through_main_are_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["verify"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("<command line>:1:1: error: ")


# ------------------------------------------------------------------------------------ JSON


def test_json_report_of_a_violation():
    report = verify_json(RACY_LOCK, "--reduce", "none")
    assert report["schema_version"] == 2
    assert report["shortest"] is True and report["stats"]["reduction"] == "none"
    assert report["verdict"] == "violated"
    assert (report["property"], report["kind"]) == ("mutual_exclusion", "invariant")
    stats = report["stats"]
    assert {"states", "transitions", "max_depth", "seconds"} <= set(stats)
    assert (stats["states"], stats["max_depth"]) == (28, 6)  # tests/handwritten.py: explored
    assert isinstance(stats["transitions"], int) and isinstance(stats["seconds"], float)
    assert report["path"] == "0/0/1/0/0/1/1"
    trace = report["trace"]
    assert [s["step"] for s in trace] == list(range(1, len(trace) + 1))
    assert len(trace) == len(report["path"].split("/")) - 1
    for s in trace:
        assert {"step", "thread", "file", "line", "statement", "changes"} <= set(s)
        assert s["thread"] in ("t0", "t1")
        assert s["file"] == str(RACY_LOCK)
        assert s["statement"] in RACY_STATEMENTS
    assert [(s["thread"], s["line"]) for s in trace] == [("t0", 9), ("t1", 9), ("t0", 10), ("t0", 11), ("t1", 10), ("t1", 11)]
    assert trace[-1]["changes"] == [{"name": "in_cs", "old": 1, "new": 2}]


def test_json_report_when_holding():
    report = verify_json(PETERSON, "--reduce", "none")
    assert report["verdict"] == "holds"
    assert report["property"] is None and report["kind"] is None and report["path"] is None
    assert report["trace"] == []
    assert report["stats"]["states"] == 293
    assert report["stats"]["store"] == "fingerprint" and 0 < report["stats"]["omission_probability"] < 1e-12


def test_json_report_when_inconclusive():
    report = verify_json(PETERSON, "--max-states", "10")
    assert report["verdict"] == "inconclusive"
    assert "state budget" in report["reason"]


def test_format_json_is_the_same_as_json():
    a = json.loads(run("verify", RACY_LOCK, "--format", "json").stdout)
    b = verify_json(RACY_LOCK)
    for r in (a, b):
        del r["stats"]
    assert a == b


def test_trace_out_writes_the_same_json_atomically(tmp_path):
    out = tmp_path / "deep" / "dir" / "trace.json"
    result = run("verify", RACY_LOCK, "--json", "--trace-out", out)
    assert result.exit_code == 1
    assert out.read_text() == result.stdout  # the same report, byte for byte
    assert json.loads(out.read_text())["path"] == "0/0/1/0/0/1/1"
    assert sorted(p.name for p in out.parent.iterdir()) == ["trace.json"]  # no temporary left
    # overwriting an existing file replaces it whole
    out.write_text("garbage that is longer than nothing " * 1000)
    assert run("verify", PETERSON, "--trace-out", out).exit_code == 0
    assert json.loads(out.read_text())["verdict"] == "holds"
    assert sorted(p.name for p in out.parent.iterdir()) == ["trace.json"]


def test_trace_out_with_text_output(tmp_path):
    out = tmp_path / "t.json"
    result = run("verify", RACY_LOCK, "--trace-out", out)
    assert result.exit_code == 1
    assert "VIOLATED" in result.stdout
    assert json.loads(out.read_text())["verdict"] == "violated"


# ---------------------------------------------------------------------------------- replay


def _steps(report: dict) -> list[tuple]:
    return [(s["step"], s["thread"], s["file"], s["line"], s["statement"], json.dumps(s["changes"])) for s in report["trace"]]


def test_replay_round_trip():
    report = verify_json(RACY_LOCK)
    token = report["path"]
    result = run("replay", RACY_LOCK, "--path", token)
    assert result.exit_code == 1, result.output
    assert "VIOLATED (invariant mutual_exclusion)" in result.output
    assert "replay confirmed" in result.output
    for statement in RACY_STATEMENTS:
        assert statement in result.output
    replayed = json.loads(run("replay", RACY_LOCK, "--path", token, "--json").stdout)
    assert (replayed["verdict"], replayed["property"], replayed["kind"]) == ("violated", "mutual_exclusion", "invariant")
    assert replayed["path"] == token
    assert _steps(replayed) == _steps(report)


def test_replay_round_trip_with_dfs_and_set(write_model):
    path = write_model(
        "N = 2\nx: int = 0\n\ndef w():\n    global x\n    x = choose(range(N + 1))\n\n"
        "def init():\n    spawn(w)\n\n@invariant\ndef small():\n    return x < N\n"
    )
    report = verify_json(path, "--dfs", "--set", "N=3")
    assert report["verdict"] == "violated"
    replayed = json.loads(run("replay", path, "--path", report["path"], "--set", "N=3", "--json").stdout)
    assert _steps(replayed) == _steps(report)
    assert replayed["trace"][0]["choices"] == [3]


@pytest.mark.parametrize(
    ("token", "phrase"),
    [
        ("0/0/7", "the path takes successor 7 but only"),
        ("5", "path starts at initial state 5"),
    ],
)
def test_replay_of_a_bogus_path(token, phrase):
    result = run("replay", RACY_LOCK, "--path", token)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{RACY_LOCK}:1:1: error: ")
    assert phrase in lines[0]
    assert "Traceback" not in result.output


def test_replay_of_a_path_without_violation():
    result = run("replay", RACY_LOCK, "--path", "0/0")
    assert result.exit_code == 2
    assert "ends in no violation" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------------------ python -m


def test_python_dash_m_help():
    proc = subprocess.run(
        [sys.executable, "-m", "mmnotif_check", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "verify" in proc.stdout and "replay" in proc.stdout


def test_python_dash_m_verify_exit_code():
    proc = subprocess.run(
        [sys.executable, "-m", "mmnotif_check", "verify", str(RACY_LOCK)], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("replay token: ")
