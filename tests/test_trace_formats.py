"""Counterexample formats: golden output for racy_lock, ITF rules, Mermaid/DOT/HTML structure.

The golden files under ``tests/golden/`` were written by the implementation and checked by
eye. After an intended change of a format, rewrite them with
``MMNOTIF_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_trace_formats.py`` and
review the diff.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mmnotif_check.cli import cli
from mmnotif_check.engine.result import Stats
from mmnotif_check.errors import InputError
from mmnotif_check.trace.dot import quote, render_dot, to_dot
from mmnotif_check.trace.formats import FORMATS, render_report
from mmnotif_check.trace.html import render_html
from mmnotif_check.trace.itf import itf_trace, itf_value
from mmnotif_check.trace.jsonpos import locate
from mmnotif_check.trace.load import parse_report
from mmnotif_check.trace.mermaid import escape, render_mermaid
from mmnotif_check.trace.progress import ProgressLine, format_progress

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
RACY = "tests/models/racy_lock.py"  # relative: the reports name it as given
UPDATE = bool(os.environ.get("MMNOTIF_UPDATE_GOLDEN"))

GOLDEN_FILES = {
    "text": "racy_lock.txt",
    "json": "racy_lock.json",
    "itf": "racy_lock.itf.json",
    "mermaid": "racy_lock.mmd",
    "dot": "racy_lock.dot",
    "html": "racy_lock.html",
}

LOCKS_MODEL = '''
from mmnotif_check.kernel.locks import Mutex, mutex_lock, mutex_unlock

m: Mutex = None
n: int = 0


def w(k):
    global n
    mutex_lock(m)
    n += k
    assert n < 3, "small: n stays small"
    mutex_unlock(m)


def init():
    global m
    m = new(Mutex)
    spawn(w, 1, name="a")
    spawn(w, 2, name="b")
'''

DEADLOCK_MODEL = '''
from mmnotif_check.kernel.locks import Mutex, mutex_lock, mutex_unlock


class P:
    a: Mutex = None
    b: Mutex = None


p: P = None


def one():
    mutex_lock(p.a)
    mutex_lock(p.b)
    mutex_unlock(p.b)
    mutex_unlock(p.a)


def two():
    mutex_lock(p.b)
    mutex_lock(p.a)
    mutex_unlock(p.a)
    mutex_unlock(p.b)


def starter():
    spawn(two, name="two")


def init():
    global p
    p = new(P, a=new(Mutex), b=new(Mutex))
    spawn(one, name="one")
    spawn(starter, name="starter")
'''

INIT_FAILS_MODEL = "x: int = 0\n\n\ndef init():\n    global x\n    x = 1 // x\n"


def run(*args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def racy() -> dict[str, Any]:
    """The JSON report of racy_lock, verified from the repository root."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        result = run("verify", RACY, "--json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def verify_output(fmt: str, target: str = RACY, cwd: Path = REPO, *extra: str) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        result = run("verify", target, "--format", fmt, *extra)
    assert result.exit_code == 1, result.output
    return result.stdout  # type: ignore[no-any-return]


def report_of(path: Path, *extra: str) -> dict[str, Any]:
    result = run("verify", path, "--json", *extra)
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def normalized(fmt: str, text: str) -> str:
    """Drop what may differ between runs: timings and memory (text), stats and version (json)."""
    if fmt == "text":
        lines = text.splitlines()
        assert lines[1].startswith("states 28  transitions 34  max depth 13  time ")
        return "\n".join([lines[0], "<stats>", *lines[2:]]) + "\n"
    if fmt == "json":
        data = json.loads(text)
        data["stats"] = "<stats>"
        data["checker_version"] = "<version>"
        return json.dumps(data, indent=2) + "\n"
    return text


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with MMNOTIF_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


# ------------------------------------------------------------------------------- golden


@pytest.mark.parametrize("fmt", FORMATS)
def test_verify_format_matches_golden(fmt):
    check_golden(GOLDEN_FILES[fmt], normalized(fmt, verify_output(fmt)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_convert_gives_what_verify_printed(fmt, racy, tmp_path):
    report = tmp_path / "trace.json"
    report.write_text(json.dumps(racy, indent=2), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        converted = run("trace", "convert", report, "--to", fmt)
    assert converted.exit_code == 0, converted.output
    out = converted.stdout
    if fmt == "text":  # the replay hint names the trace file instead of the model and path
        out = out.replace(f"mmnotif-check replay {report}", f"mmnotif-check replay {RACY} --path {racy['path']}")
    assert normalized(fmt, out) == normalized(fmt, verify_output(fmt))


def test_formats_are_deterministic():
    for fmt in ("itf", "mermaid", "dot", "html"):
        assert verify_output(fmt) == verify_output(fmt)


def test_json_alias_and_format_json_agree():
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        a = json.loads(run("verify", RACY, "--json").stdout)
        b = json.loads(run("verify", RACY, "--format", "json").stdout)
    for d in (a, b):
        d["stats"] = None
    assert a == b


# ------------------------------------------------------------------------------- JSON


def test_json_report_has_every_state_and_the_reduction(racy):
    assert racy["options"]["reduction"] == "por" and racy["stats"]["reduction"] == "por"
    states = racy["states"]
    assert len(states) == len(racy["trace"]) + 1
    assert states[0] == racy["initial_state"] and states[-1] == racy["final_state"]
    assert [s["globals"]["in_cs"] for s in states] == [0, 0, 0, 0, 1, 1, 2]
    assert states[3]["threads"][0]["stack"][0]["at"] == f"{RACY}:11"


def test_trace_format_doc_names_every_report_field(racy):
    doc = (REPO / "docs" / "trace-format.md").read_text(encoding="utf-8")
    for key in racy:
        assert f"`{key}`" in doc, f"docs/trace-format.md does not describe '{key}'"
    for key in racy["trace"][0]:
        assert f"`{key}`" in doc
    for key in racy["stats"]:
        assert f"`{key}`" in doc


# -------------------------------------------------------------------------------- ITF

JS_SAFE = 2**53 - 1


def check_itf_value(v: Any, where: str) -> None:
    """One value by the ITF rules (ADR-015)."""
    assert v is not None, f"{where}: ITF has no null"
    assert not isinstance(v, float), f"{where}: no floats in ITF"
    if isinstance(v, bool | str):
        return
    assert not isinstance(v, int), f"{where}: integers must be {{'#bigint': ...}}"
    if isinstance(v, list):
        for i, x in enumerate(v):
            check_itf_value(x, f"{where}[{i}]")
        return
    assert isinstance(v, dict), f"{where}: unexpected {v!r}"
    if "#bigint" in v:
        assert set(v) == {"#bigint"} and re.fullmatch(r"-?[0-9]+", v["#bigint"]), f"{where}: bad #bigint {v!r}"
    elif "#tup" in v or "#set" in v:
        (key,) = v
        assert isinstance(v[key], list)
        for x in v[key]:
            check_itf_value(x, where)
    elif "#map" in v:
        assert set(v) == {"#map"}
        for pair in v["#map"]:
            assert isinstance(pair, list) and len(pair) == 2
            check_itf_value(pair[0], where)
            check_itf_value(pair[1], where)
    elif "tag" in v:
        assert set(v) == {"tag", "value"} and isinstance(v["tag"], str)
        check_itf_value(v["value"], where)
    else:
        for k, x in v.items():
            assert not k.startswith("#"), f"{where}: unknown ITF key {k}"
            check_itf_value(x, f"{where}.{k}")


def check_itf(trace: dict[str, Any]) -> None:
    meta = trace["#meta"]
    assert meta["format"] == "ITF"
    assert meta["format-description"].startswith("https://apalache")
    assert isinstance(meta["source"], str) and isinstance(meta["description"], str)
    names = trace["vars"]
    assert isinstance(names, list) and all(isinstance(n, str) for n in names)
    assert len(set(names)) == len(names)
    assert set(trace) <= {"#meta", "vars", "states", "params", "loop"}
    for i, state in enumerate(trace["states"]):
        assert state["#meta"]["index"] == i
        assert set(state) - {"#meta"} == set(names), f"state {i} does not have exactly the vars"
        for n in names:
            check_itf_value(state[n], f"state {i} {n}")


def test_itf_follows_the_rules(racy):
    trace = json.loads(verify_output("itf"))
    check_itf(trace)
    assert trace == itf_trace(racy)
    assert trace["vars"] == ["locked", "in_cs", "pc.t0", "pc.t1", "mbt::actionTaken"]
    assert len(trace["states"]) == 7
    assert [s["in_cs"] for s in trace["states"]][-1] == {"#bigint": "2"}
    assert trace["states"][0]["mbt::actionTaken"] == "init"
    assert trace["states"][6]["mbt::actionTaken"] == f"t1 {RACY}:11: in_cs += 1"
    assert trace["states"][3]["pc.t0"] == f"{RACY}:11"


def test_itf_values():
    assert itf_value(3) == {"#bigint": "3"}
    assert itf_value(2**64 - 1) == {"#bigint": "18446744073709551615"}
    assert itf_value(-7) == {"#bigint": "-7"}
    assert itf_value(True) is True
    assert itf_value("Mutex#0") == "Mutex#0"
    assert itf_value([1, 2]) == [{"#bigint": "1"}, {"#bigint": "2"}]  # one item type: a sequence
    assert itf_value([1, [False]]) == {"#tup": [{"#bigint": "1"}, [False]]}  # mixed: a tuple
    assert itf_value(None) == {"tag": "Null", "value": "U_OF_UNIT"}
    assert itf_value([None, 3]) == [{"tag": "Null", "value": "U_OF_UNIT"},
                                    {"tag": "Some", "value": {"value": {"#bigint": "3"}}}]
    assert itf_value({"a": 1}) == {"a": {"#bigint": "1"}}


def test_itf_objects_created_later_and_big_ints(write_model):
    path = write_model(
        """
        class C:
            v: u64 = 0

        c: C = None
        done: bool = False

        def w():
            global c, done
            c = new(C)
            c.v = 0 - 1
            done = True

        def init():
            spawn(w, name="w")

        @invariant
        def never_done():
            return not done
        """
    )
    trace = itf_trace(report_of(path))
    check_itf(trace)
    states = trace["states"]
    assert states[0]["C#0.v"] == {"tag": "Absent", "value": "U_OF_UNIT"}  # not created yet
    assert states[0]["c"] == {"tag": "Null", "value": "U_OF_UNIT"}  # None
    assert states[-1]["c"] == {"tag": "Some", "value": {"value": "C#0"}}  # the same type: wrapped
    values = [s["C#0.v"] for s in states]
    assert {"tag": "Some", "value": {"value": {"#bigint": str(2**64 - 1)}}} in values
    assert JS_SAFE < 2**64 - 1
    assert all(isinstance(s["pc.w"], str) for s in states)


# ---------------------------------------------------------------------------- Mermaid


def check_activations(text: str) -> None:
    depth: dict[str, int] = {}
    for line in text.splitlines():
        m = re.fullmatch(r"\s*(activate|deactivate) (\w+)", line)
        if m:
            depth[m.group(2)] = depth.get(m.group(2), 0) + (1 if m.group(1) == "activate" else -1)
            assert depth[m.group(2)] >= 0, "deactivate of an inactive participant"


def test_mermaid_structure(racy):
    text = render_mermaid(racy)
    lines = text.splitlines()
    assert "sequenceDiagram" in lines
    assert "    participant T0 as t0" in lines and "    participant T1 as t1" in lines
    notes = [line for line in lines if line.strip().startswith("Note over ")]
    assert len(notes) == 7
    assert notes[-1].startswith("    Note over T0,T1: VIOLATED: invariant mutual_exclusion")
    assert "in_cs: 1 → 2" in notes[5]
    for line in lines:
        if not line.startswith("%%"):
            assert ";" not in line.replace("#35;", "").replace("#59;", "").replace("#lt;", "").replace("#gt;", "")


def test_mermaid_draws_locks_and_spawns(tmp_path):
    model = tmp_path / "locks.py"
    model.write_text(LOCKS_MODEL, encoding="utf-8")
    text = render_mermaid(report_of(model))
    check_activations(text)
    assert "activate T0" in text and "deactivate T0" in text and "activate T1" in text
    assert "acquire: mutex_lock m (Mutex#35;0)" in text
    assert "release: mutex_unlock m (Mutex#35;0)" in text
    assert text.count("rect rgb(255, 236, 179)") == 3  # each lock call is one boxed note
    assert "Mutex#35;0.owner: -1 → 0 (a)" in text  # owners named
    assert "★ n: 0 → 1" in text  # a change the violated assert reads
    assert "fails: small: n stays small" in text
    model = tmp_path / "deadlock.py"
    model.write_text(DEADLOCK_MODEL, encoding="utf-8")
    text = render_mermaid(report_of(model))
    check_activations(text)
    assert "T1->>T2: spawn" in text
    assert "VIOLATED: deadlock" in text and "one blocked at locks.py:96" in text


def test_mermaid_escapes():
    assert escape("a#0; b<c>") == "a#35;0#59; b#lt;c#gt;"


# -------------------------------------------------------------------------------- DOT


def test_dot_is_a_chain_of_states(racy):
    text = render_dot(racy)
    assert text.startswith('digraph "counterexample" {')
    nodes = re.findall(r'^  "(s\d+)" \[', text, re.M)
    edges = re.findall(r'^  "(s\d+)" -> "(s\d+)"', text, re.M)
    assert nodes == [f"s{i}" for i in range(7)]
    assert edges == [(f"s{i}", f"s{i + 1}") for i in range(6)]
    assert 'label="t1  racy_lock.py:11\\lin_cs += 1\\l"' in text
    assert "in_cs: 1 -> 2" in text and "VIOLATED: invariant mutual_exclusion" in text


def test_dot_quoting():
    assert quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert quote("x\ny") == '"x\\ly\\l"'
    import networkx as nx

    g = nx.Graph()
    g.add_edge("a", "b", label="e")
    assert to_dot(g, "u") == 'graph "u" {\n  "a";\n  "b";\n  "a" -- "b" [label="e"];\n}\n'


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_accepts_the_dot(racy, tmp_path):
    for text in (render_dot(racy),):
        out = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, check=False)
        assert out.returncode == 0, out.stderr


# ------------------------------------------------------------------------------- HTML


def page_data(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="trace-data">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def test_html_is_self_contained_with_sources_and_navigation():
    page = verify_output("html")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', page), "the page must not load anything"
    assert "<style>" in page and "ArrowRight" in page and "ArrowLeft" in page
    assert 'id="prev"' in page and 'id="next"' in page
    data = page_data(page)
    assert len(data["views"]["full"]) == 6 and len(data["states"]) == 7
    assert data["sources"][RACY]["10"] == "    locked = True"
    assert data["sources"][RACY]["22"].startswith("def mutual_exclusion")  # the violated property
    assert data["views"]["full"][5]["changes"] == [{"name": "in_cs", "old": "1", "new": "2", "marked": True}]
    assert "seconds" not in json.dumps(data) and "memory" not in page.lower().replace("peak_memory", "")


def test_html_escapes_model_text():
    report = {
        "target": "<t>", "kind": "assert", "property": "p", "message": "</script><b>x", "path": "0/0",
        "trace": [{"step": 1, "thread": "<th>", "file": "m.py", "line": 1, "statement": "a < b", "changes": []}],
        "states": [],
    }
    page = render_html(report, {"m.py": {1: "</script>"}})
    assert "</script><b>" not in page
    assert "&lt;th&gt;" in page
    assert page_data(page)["message"] == "</script><b>x"


def test_html_finds_kernel_sources_from_elsewhere(tmp_path):
    model = tmp_path / "locks.py"
    model.write_text(LOCKS_MODEL, encoding="utf-8")
    report = report_of(model)
    kernel_files = {s["file"] for s in report["trace"] if "mmnotif_check" in s["file"]}
    assert kernel_files
    page = render_report(report, "html", [tmp_path])
    sources = page_data(page)["sources"]
    for f in kernel_files:
        assert any("with atomic():" in line for line in sources[f].values())


# ---------------------------------------------------------------- unusual counterexamples


@pytest.mark.parametrize("text", [LOCKS_MODEL, DEADLOCK_MODEL, INIT_FAILS_MODEL], ids=["assert", "deadlock", "init"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_every_kind_of_counterexample(tmp_path, text, fmt):
    model = tmp_path / "m.py"
    model.write_text(text, encoding="utf-8")
    report = report_of(model)
    out = render_report(report, fmt, [tmp_path])
    assert out.endswith("\n")
    if fmt == "itf":
        check_itf(json.loads(out))
    if fmt == "mermaid":
        check_activations(out)


# ------------------------------------------------------------------ reading JSON reports


def test_locate_values_in_json():
    text = '{\n  "a": [1, {"b": "x\\"y"}],\n  "c": {}\n}'
    assert locate(text, ("a",)) == (2, 8)
    assert locate(text, ("a", 1, "b")) == (2, 18)
    assert locate(text, ("c",)) == (3, 8)
    assert locate(text, ("missing",)) == (1, 1)
    assert locate(text, ("a", 7)) == (2, 8)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('{"a": 1,\n  oops}', (2, 3), "not valid JSON"),
        ("[1, 2]", (1, 1), "must be a JSON object"),
        ('{"verdict": "violated"}', (1, 1), "no 'schema_version'"),
        ('{\n"schema_version": 7}', (2, 19), "schema_version 7 is not supported"),
    ],
)
def test_report_errors_name_line_and_column(text, where, message):
    with pytest.raises(InputError) as info:
        parse_report("t.json", text)
    assert (info.value.line, info.value.col) == where
    assert message in info.value.message


def test_report_errors_for_missing_and_mistyped_keys(racy):
    good = json.dumps(racy, indent=2)
    parse_report("t.json", good)
    broken = dict(racy)
    del broken["trace"]
    with pytest.raises(InputError, match="no 'trace' key"):
        parse_report("t.json", json.dumps(broken, indent=2))
    bad = json.loads(good)
    bad["trace"][2]["line"] = "ten"
    text = json.dumps(bad, indent=2)
    with pytest.raises(InputError) as info:
        parse_report("t.json", text)
    assert "'line' must be an integer" in info.value.message
    assert text.splitlines()[info.value.line - 1].strip() == '"line": "ten",'


# ---------------------------------------------------------------------------- progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def frames(text: str) -> list[str]:
    """The lines a terminal showed: control sequences removed, split at line moves."""
    return [f for f in re.split(r"[\r\n]|\x1b\[[0-9]*[AK]", text) if ANSI.sub("", f).strip()]


def stats(seconds: float) -> Stats:
    return Stats(states=123_456, transitions=400_000, max_depth=17, seconds=seconds, peak_memory_kib=1, frontier=999)


def test_progress_line_fits_the_terminal_and_clears():
    out = FakeTTY()
    line = ProgressLine(out, show_after=0.0, width=40)
    line(stats(3.0))
    line(stats(4.0))
    line.clear()
    shown = [ANSI.sub("", f) for f in frames(out.getvalue())]
    assert shown, out.getvalue()
    assert all(len(f) <= 40 for f in shown)  # cut to the width, never wrapped onto more lines
    assert any(f.startswith("searching  states 123,456") for f in shown)
    assert any(f.endswith("…") for f in shown)
    wide = FakeTTY()
    line = ProgressLine(wide, show_after=0.0, width=200)
    line(stats(4.0))
    line.clear()
    text = ANSI.sub("", wide.getvalue())
    assert "states 123,456" in text and "depth 17" in text and "frontier 999" in text and "elapsed 0:0" in text


def test_progress_keeps_moving_while_the_caller_is_busy_and_names_the_phase():
    import time

    class Solver:
        calls = 41

    out = FakeTTY()
    line = ProgressLine(out, show_after=0.0, width=120, solver=Solver())
    line.begin()
    time.sleep(0.8)  # no callback: a long solver query; the display refreshes by itself
    busy = len(frames(out.getvalue()))
    line.phase("rebuilding the counterexample (67 steps)")
    time.sleep(0.3)
    line.clear()
    text = ANSI.sub("", out.getvalue())
    assert busy >= 2
    assert "Z3 41 queries" in text and "rebuilding the counterexample (67 steps)" in text


def test_progress_is_off_without_a_tty_or_with_quiet():
    plain = io.StringIO()
    p = ProgressLine(plain, show_after=0.0)
    p.begin()
    p(stats(5.0))
    p.clear()
    assert plain.getvalue() == ""
    tty = FakeTTY()
    p = ProgressLine(tty, enabled=False, show_after=0.0)
    p.begin()
    p(stats(5.0))
    assert tty.getvalue() == ""
    assert "states/s" in format_progress(stats(5.0))


def test_gate_progress_shows_running_specs_on_a_terminal_and_plain_lines_elsewhere():
    from mmnotif_check.gate import GateRow, progress_line
    from mmnotif_check.trace.progress import GateProgress

    rows = [GateRow(f"specs/s{k}.toml", "", "holds", "holds", None, 1, 1, 0.1, "pass", "") for k in range(3)]
    paths = [r.spec for r in rows]
    plain: list[str] = []
    gp = GateProgress(io.StringIO(), paths, 2, progress_line, plain.append)
    for k, r in enumerate(rows, start=1):
        gp(r, k, 3)
    gp.close()
    assert [x.split()[0] for x in plain] == ["[1/3]", "[2/3]", "[3/3]"]
    out = FakeTTY()
    echoed: list[str] = []
    gp = GateProgress(out, paths, 2, progress_line, echoed.append, width=100)
    shown_running = ANSI.sub("", gp._text())
    assert "0/3 done" in shown_running and "specs/s0.toml" in shown_running and "specs/s1.toml" in shown_running
    gp(rows[0], 1, 3)
    gp.close()
    text = ANSI.sub("", out.getvalue())
    assert echoed == [] and "[1/3] ok" in text and "specs/s0.toml" in text


def test_verify_quiet_prints_no_progress():
    result = run("verify", REPO / RACY, "--quiet")
    assert result.exit_code == 1
    assert "\r" not in result.output


# ------------------------------------------------------------------------- docs/examples


def test_docs_examples_are_there_in_every_format():
    examples = REPO / "docs" / "examples"
    loaded = parse_report("trace.json", (examples / "trace.json").read_text(encoding="utf-8"))
    assert loaded.report["kind"] == "invariant" and loaded.report["states"]
    check_itf(json.loads((examples / "trace.itf.json").read_text(encoding="utf-8")))
    assert (examples / "trace.mmd").read_text(encoding="utf-8").count("sequenceDiagram") == 1
    assert (examples / "trace.dot").read_text(encoding="utf-8").startswith("digraph")
    assert page_data((examples / "trace.html").read_text(encoding="utf-8"))["views"]["protocol"]
    assert "VIOLATED" in (examples / "trace.txt").read_text(encoding="utf-8")
    for png in ("trace-html.png", "trace-mermaid.png"):
        assert (examples / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
