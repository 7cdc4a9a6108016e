"""The report and exploration commands: replay TRACE.json, trace convert, explore, list, graph."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mmnotif_check.cli import cli

REPO = Path(__file__).resolve().parent.parent
RACY = REPO / "tests" / "models" / "racy_lock.py"
PETERSON = REPO / "tests" / "models" / "peterson.py"
ERROR_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")


def run(*args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_error(result: Any) -> tuple[str, int, int, str]:
    """The single ``file:line:col: error: ...`` line of a failed command."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    m = ERROR_LINE.match(lines[0])
    assert m is not None, lines[0]
    assert "Traceback" not in result.output
    return m["file"], int(m["line"]), int(m["col"]), m["msg"]


def line_of(path: Path, n: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[n - 1]


@pytest.fixture
def racy_trace(tmp_path: Path) -> Path:
    out = tmp_path / "trace.json"
    result = run("verify", RACY, "--trace-out", out)
    assert result.exit_code == 1, result.output
    return out


def edited(src: Path, dest: Path, old: str, new: str) -> Path:
    text = src.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    dest.write_text(text.replace(old, new), encoding="utf-8")
    return dest


# ---------------------------------------------------------------------- replay TRACE.json


def test_replay_of_a_trace_file_reproduces_the_same_violation_and_steps(racy_trace):
    original = json.loads(racy_trace.read_text(encoding="utf-8"))
    result = run("replay", racy_trace, "--json")
    assert result.exit_code == 1, result.output
    replayed = json.loads(result.stdout)
    for key in ("verdict", "kind", "property", "message", "location", "path", "trace", "states",
                "initial_state", "final_state", "constants", "model"):
        assert replayed[key] == original[key], key
    text = run("replay", racy_trace)
    assert text.exit_code == 1
    assert "replay confirmed" in text.stdout
    assert f"(mmnotif-check replay {racy_trace})" in text.stdout
    assert "in_cs: 1 -> 2" in text.stdout


@pytest.mark.parametrize("model", [
    "x: int = 0\n\n\ndef init():\n    global x\n    x = 1 // x\n",
    "def w():\n    assert False, 'boom'\n\n\ndef init():\n    spawn(w)\n",
    "def w():\n    wait_until(False)\n\n\ndef init():\n    spawn(w, name='stuck')\n",
], ids=["init-fails", "assert", "deadlock"])
def test_replay_of_every_kind_of_counterexample(write_model, tmp_path, model):
    path = write_model(model)
    out = tmp_path / "t.json"
    assert run("verify", path, "--trace-out", out).exit_code == 1
    result = run("replay", out, "--json")
    assert result.exit_code == 1, result.output
    again, before = json.loads(result.stdout), json.loads(out.read_text(encoding="utf-8"))
    assert (again["kind"], again["message"], again["trace"]) == (before["kind"], before["message"], before["trace"])


def test_replay_keeps_constants_reduction_and_properties(tmp_path):
    model = REPO / "models" / "xe_userptr.py"
    out = tmp_path / "xe.json"
    args = ["--set", "VERSION=deferred-tlb", "--set", "STATIC_FINISH=False", "--set", "PENDING_FENCES=(0,)",
            "--set", "INVALIDATIONS=()", "--set", "FORCE=(0,)", "--reduce", "local",
            "--property", "tlb_submitted_implies_inuse"]
    result = run("verify", model, *args, "--trace-out", out)
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["options"]["reduction"] == "local"
    assert report["options"]["properties"] == ["tlb_submitted_implies_inuse"]
    replayed = run("replay", out, "--json")
    assert replayed.exit_code == 1, replayed.output
    again = json.loads(replayed.stdout)
    assert again["trace"] == report["trace"] and again["options"]["reduction"] == "local"


def test_replay_finds_the_model_from_another_directory(racy_trace, monkeypatch, tmp_path):
    """The report names the model relative to where verify ran; a report kept inside the
    repository still replays from elsewhere (the model is looked up beside it and above)."""
    report = json.loads(racy_trace.read_text(encoding="utf-8"))
    report["model"] = report["target"] = "tests/models/racy_lock.py"
    inside = REPO / "tests" / "golden" / "replay-me.json"
    try:
        inside.write_text(json.dumps(report, indent=2), encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        result = run("replay", inside)
        assert result.exit_code == 1, result.output
    finally:
        inside.unlink()


def test_edited_path_is_rejected_naming_the_step(racy_trace, tmp_path):
    bad = edited(racy_trace, tmp_path / "bad.json", '"path": "0/0/1/0/0/1/1"', '"path": "0/0/1/0/0/1/0"')
    file, line, _, msg = one_error(run("replay", bad))
    assert file == str(bad)
    assert msg.startswith("step 6: the trace has t1 at racy_lock.py:11 `in_cs += 1` but the model takes t0")
    assert '"step": 6' in line_of(bad, line - 1) or "{" in line_of(bad, line)


def test_path_index_out_of_range_is_rejected_naming_the_step(racy_trace, tmp_path):
    bad = edited(racy_trace, tmp_path / "bad.json", '"path": "0/0/1/0/0/1/1"', '"path": "0/0/1/0/0/1/7"')
    _, line, _, msg = one_error(run("replay", bad))
    assert "step 6: the path takes successor 7 but only 2 step(s) are enabled" in msg
    assert '"path"' in line_of(bad, line)


def test_edited_changes_are_rejected(racy_trace, tmp_path):
    bad = edited(racy_trace, tmp_path / "bad.json", '"new": 2', '"new": 3')
    _, line, _, msg = one_error(run("replay", bad))
    assert msg.startswith("step 6 (t1 at racy_lock.py:11 `in_cs += 1`) now changes in_cs: 1 -> 2, the trace says in_cs: 1 -> 3")
    assert '"changes"' in line_of(bad, line - 1) or '"changes"' in line_of(bad, line)


def test_edited_violation_is_rejected(racy_trace, tmp_path):
    bad = edited(racy_trace, tmp_path / "bad.json", '"message": "two threads', '"message": "2 threads')
    _, line, _, msg = one_error(run("replay", bad))
    assert "not the reported invariant mutual_exclusion '2 threads are in the critical section'" in msg
    assert '"kind"' in line_of(bad, line)


def test_changed_model_is_rejected_naming_the_step(tmp_path):
    model = tmp_path / "racy.py"
    model.write_text(RACY.read_text(encoding="utf-8"), encoding="utf-8")
    trace = tmp_path / "trace.json"
    assert run("verify", model, "--trace-out", trace).exit_code == 1
    text = model.read_text(encoding="utf-8").replace("wait_until(not locked)", "wait_until(not locked and in_cs < 9)")
    model.write_text(text, encoding="utf-8")
    _, _, _, msg = one_error(run("replay", trace))
    assert msg.startswith("step 1: the trace has t0 at racy.py:9 `wait_until(not locked)` but the model takes "
                          "t0 at racy.py:9 `wait_until(not locked and in_cs < 9)`")
    assert "the model changed or the trace was edited" in msg



def test_statements_that_only_moved_still_replay(tmp_path):
    model = tmp_path / "racy.py"
    model.write_text(RACY.read_text(encoding="utf-8"), encoding="utf-8")
    trace = tmp_path / "trace.json"
    assert run("verify", model, "--trace-out", trace).exit_code == 1
    moved = model.read_text(encoding="utf-8").replace("in_cs: int = 0\n", "in_cs: int = 0\nother: int = 0\n")
    model.write_text(moved, encoding="utf-8")  # every statement one line further down
    result = run("replay", trace)
    assert result.exit_code == 1, result.output
    assert re.search(r"racy.py:10 +wait_until\(not locked\)", result.stdout)  # the current lines
    assert "note: the statements of step(s) 1, 2, 3, 4, 5, 6 are on other lines" in result.stderr


def test_malformed_json_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "schema_version": 2,\n  "path": oops\n}\n', encoding="utf-8")
    assert one_error(run("replay", bad))[:3] == (str(bad), 3, 11)


def test_wrong_schema_version_and_missing_keys(racy_trace, tmp_path):
    bad = edited(racy_trace, tmp_path / "v.json", '"schema_version": 2', '"schema_version": 99')
    _, line, col, msg = one_error(run("replay", bad))
    assert (line, col) == (2, 21) and "schema_version 99 is not supported" in msg
    report = json.loads(racy_trace.read_text(encoding="utf-8"))
    del report["path"]
    missing = tmp_path / "m.json"
    missing.write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert one_error(run("replay", missing))[3] == "the report has no 'path' key"
    nothing = tmp_path / "absent.json"
    assert one_error(run("replay", nothing))[3] == "trace file does not exist"


def test_replay_of_a_report_without_a_counterexample(tmp_path):
    report = tmp_path / "holds.json"
    assert run("verify", PETERSON, "--trace-out", report).exit_code == 0
    assert one_error(run("replay", report))[3] == "the report has no counterexample (verdict 'holds')"
    assert one_error(run("trace", "convert", report, "--to", "itf"))[3] == "the report has no counterexample (verdict 'holds')"


def test_replay_option_mistakes(racy_trace):
    assert "come from the trace file" in one_error(run("replay", racy_trace, "--path", "0/1"))[3]
    assert "needs --path" in one_error(run("replay", RACY))[3]


# -------------------------------------------------------------------------- trace convert


def test_convert_writes_every_format_atomically(racy_trace, tmp_path):
    for fmt, suffix in (("text", "txt"), ("json", "json"), ("itf", "itf.json"), ("mermaid", "mmd"),
                        ("dot", "dot"), ("html", "html")):
        out = tmp_path / "out" / f"trace.{suffix}"
        result = run("trace", "convert", racy_trace, "--to", fmt, "-o", out)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["trace.txt", "trace.json", "trace.itf.json", "trace.mmd", "trace.dot", "trace.html"]
    )  # no temporary files left behind
    assert json.loads((tmp_path / "out" / "trace.json").read_text()) == json.loads(racy_trace.read_text())


def test_convert_rejects_an_unknown_format(racy_trace):
    result = run("trace", "convert", racy_trace, "--to", "pdf")
    assert result.exit_code == 2


def test_verify_trace_format_without_counterexample_writes_nothing_to_stdout():
    result = run("verify", PETERSON, "--format", "mermaid")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "HOLDS" in result.stderr and "nothing to write as mermaid" in result.stderr


# -------------------------------------------------------------------------------- explore


def test_explore_shows_the_initial_state_by_default():
    result = run("explore", RACY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == f"{RACY} at 0 (depth 0)"
    assert "  locked = False" in out and "  in_cs = 0" in out
    assert "threads:\n  t0\n" in out
    assert f"    {RACY}:9  in worker()" in out
    assert "enabled steps (2):" in out
    assert re.search(r"^\s+0  t0  .*racy_lock.py:9\s+wait_until\(not locked\)\s+-> --at 0/0$", out, re.M)
    assert re.search(r"^\s+1  t1  .*racy_lock.py:9\s+wait_until\(not locked\)\s+-> --at 0/1$", out, re.M)


def test_explore_at_a_path_and_the_violation_there():
    out = run("explore", RACY, "--at", "0/0/1/0/0/1/1").stdout
    assert "  in_cs = 2" in out
    assert "note: invariant mutual_exclusion is violated here: two threads are in the critical section" in out
    data = json.loads(run("explore", RACY, "--at", "0/0/1", "--json").stdout)
    assert data["at"] == "0/0/1" and data["depth"] == 2
    assert [(s["thread"], s["line"], s["next"]) for s in data["enabled"]] == [("t0", 10, "0/0/1/0"), ("t1", 10, "0/0/1/1")]
    assert data["state"]["globals"] == {"locked": False, "in_cs": 0}


def test_explore_marks_blocked_threads_and_failing_steps(write_model):
    path = write_model(
        """
        go: bool = False

        def waiter():
            wait_until(go)

        def failer():
            assert False, "boom"

        def init():
            spawn(waiter, name="w")
            spawn(failer, name="f")
        """
    )
    out = run("explore", path).stdout
    assert "  w (blocked)" in out
    assert "FAILS (assert: boom)" in out
    file, _, _, msg = one_error(run("explore", path, "--at", "0/0"))
    assert file == "<command line>" and "step 1 fails (assert: boom); there is no state after it" in msg


@pytest.mark.parametrize(("token", "message"), [
    ("x/1", "--at: bad path 'x/1'"),
    ("0/5", "--at 0/5: step 1: the path takes successor 5 but only 2 step(s) are enabled"),
    ("3", "--at 3: path starts at initial state 3 but the model has 1 initial state(s)"),
])
def test_explore_bad_tokens(token, message):
    assert one_error(run("explore", RACY, "--at", token))[3].startswith(message)


# ----------------------------------------------------------------------------------- list


def test_list_shows_constants_properties_procedures_and_threads():
    result = run("list", PETERSON)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "  ROUNDS = 2" in out
    assert re.search(r"^  invariant mutual_exclusion  .*peterson.py:27  at most one thread", out, re.M)
    assert re.search(r"^  worker\(i\)\s+.*peterson.py:10$", out, re.M)
    assert "threads spawned by init():\n  p0  worker(0)\n  p1  worker(1)" in out
    assert "  ROUNDS = 5" in run("list", PETERSON, "--set", "ROUNDS=5").stdout


def test_list_json_and_daemons_and_choices(write_model):
    path = write_model(
        """
        K = 1

        def w(i):
            pass

        def init():
            spawn(w, choose(1, 2), name="a")
            spawn(w, 0, name="d", daemon=True)

        @final
        def done():
            \"\"\"never\"\"\"
            return True
        """
    )
    data = json.loads(run("list", path, "--json").stdout)
    assert data["constants"][0]["name"] == "K"
    assert [(p["kind"], p["name"]) for p in data["properties"]] == [("final", "done")]
    assert [p["name"] for p in data["procedures"]] == ["w", "init"]
    assert len(data["initial_states"]) == 2
    assert data["initial_states"][1]["threads"] == [
        {"name": "a", "daemon": False, "procedure": "w", "args": [2]},
        {"name": "d", "daemon": True, "procedure": "w", "args": [0]},
    ]
    text = run("list", path).stdout
    assert "initial states: 2 (init() chooses)" in text and "  d  w(0)  (daemon)" in text


def test_list_bad_model_is_exit_2(write_model):
    path = write_model("def w():\n    y = lambda: 1\n")
    assert one_error(run("list", path))[0] == str(path)


# ---------------------------------------------------------------------------------- graph


def test_graph_of_peterson(tmp_path):
    out = tmp_path / "peterson.dot"
    result = run("graph", PETERSON, "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    nodes = re.findall(r'^  "(s\d+)" \[', text, re.M)
    edges = re.findall(r'^  "s\d+" -> "s\d+"', text, re.M)
    assert len(nodes) == 293  # the same numbers verify reports
    assert len(edges) <= 500 and len(edges) > 290
    assert "p0 peterson.py:13\\lflag[i] = True" in text
    assert 'fillcolor="#dcedc8"' in text  # the terminal state
    assert f"{out}: 293 states" in result.stderr


def test_graph_marks_violations_and_refuses_big_models():
    text = run("graph", RACY).stdout
    assert "invariant mutual_exclusion violated" in text
    _, _, _, msg = one_error(run("graph", PETERSON, "--max-states", "100"))
    assert msg.startswith(f"{PETERSON} has more than 100 reachable states")
    assert "--max-states" in msg
