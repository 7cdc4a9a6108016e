"""Counterexamples a reviewer follows: the protocol view, thread names for lock owners, ITF
read by itf-py (the Python ITF reader), install-independent paths.

The force-path finding (specs/xe_deferred_tlb_force_alone_fault.toml) is 67 literal steps of
one thread; its default views must be the protocol's steps, and the JSON report must keep
every literal step so that ``replay`` still re-executes it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import itf_py
import pytest
from click.testing import CliRunner

from mmnotif_check.cli import cli
from mmnotif_check.trace.condense import step_range, view_lines
from mmnotif_check.trace.dot import render_dot
from mmnotif_check.trace.formats import render_report
from mmnotif_check.trace.itf import itf_trace
from mmnotif_check.trace.mermaid import render_mermaid

REPO = Path(__file__).resolve().parent.parent
FORCE = "specs/xe_deferred_tlb_force_alone_fault.toml"


def run(*args: Any, cwd: Path = REPO) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def force() -> dict[str, Any]:
    result = run("verify", FORCE, "--json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def counterexample(text: str) -> list[str]:
    """The step lines of a text report (numbered lines, changes below them excluded)."""
    return [line for line in text.splitlines() if re.match(r"^\s+\d+(-\d+)?(,\d+(-\d+)?)*  \S", line)]


# ------------------------------------------------------------------ the protocol view


def test_force_path_counterexample_is_the_protocols_steps(force):
    assert len(force["trace"]) == 67  # every literal step stays in the report
    text = run("verify", FORCE).stdout
    lines = counterexample(text)
    assert len(lines) <= 32, text
    assert all("mmnotif_check/kernel/" not in line for line in lines)  # library internals folded
    assert not any("return  # end of" in line for line in lines)  # implicit returns left out
    assert not any("assert_lock_mode" in line or "LOCK_ASSERTS" in line for line in lines)  # a helper that only asserts
    assert not any("if FORCE_VM_LOCK_WRITE" in line or 'VERSION == "single-pass"' in line for line in lines)
    assert re.search(r"^\s+2-4  bind0\.vm0  models/xe_userptr\.py:330  down_write\(vm\.lock\)$", text, re.M)
    assert "RwSem#0.writer: -1 -> 1 (bind0.vm0)" in text  # the owner named
    assert "RwSem#1.readers: () -> (1,) (bind0.vm0)" in text
    assert "f = tlb_inval_issue(vm.gt)" in text and "f: None -> 'DmaFence#0'" in text  # the call's result
    assert "if zap:  # -> true" in text and "if zap:  # -> false" in text  # branches say which way
    # the two steps the invariant is about are marked
    assert "* Userptr#0.tlb_inval_submitted: False -> True" in text
    assert "* Userptr#0.finish_inuse: True -> False" in text
    assert "--detail full" in text


def test_detail_full_shows_every_literal_step(force):
    text = run("verify", FORCE, "--detail", "full").stdout
    lines = counterexample(text)
    assert len(lines) == 67
    assert any("mmnotif_check/kernel/locks.py:50  with atomic():" in line for line in lines)
    assert sum("return  # end of" in line for line in lines) >= 5


def test_json_keeps_every_step_with_the_view_decisions(force):
    trace = force["trace"]
    views = {s["view"] for s in trace}
    assert views == {"step", "call", "collapsed", "hidden"}
    by = {s["step"]: s for s in trace}
    assert by[4]["view"] == "call" and by[4]["call_step"] == 2 and by[4]["calls"] is None
    assert by[2]["calls"] == "down_write" and by[2]["view"] == "collapsed" and by[2]["collapsed_into"] == 4
    assert by[3]["kernel"] and not by[2]["kernel"] and by[3]["function"] == "down_write" and by[3]["depth"] == 2
    assert by[4]["line_changes"] == [{"name": "RwSem#0.writer", "old": -1, "new": 1}]
    assert by[17]["view"] == "hidden"  # inside assert_lock_mode
    assert by[35]["property_changes"] == ["Userptr#0.finish_inuse", "Userptr#0.tlb_inval_submitted"]
    assert force["thread_ids"] == ["tlb0", "bind0.vm0"]
    assert {"RwSem.writer", "RwSem.readers", "Mutex.owner", "Userptr.owners"} <= set(force["thread_id_fields"])
    lines = view_lines(force)
    assert [step_range(x["steps"]) for x in lines[:3]] == ["2-4", "5-7", "8-10"]
    assert lines[-1]["step"] == 67  # where the invariant breaks is shown


def test_replay_follows_the_report_and_keeps_the_views(force, tmp_path):
    report = tmp_path / "force.json"
    report.write_text(json.dumps(force), encoding="utf-8")
    replayed = run("replay", report)
    assert replayed.exit_code == 1, replayed.output
    assert "replay confirmed" in replayed.stdout
    assert counterexample(replayed.stdout) == counterexample(run("verify", FORCE).stdout)
    full = run("trace", "convert", report, "--to", "text", "--detail", "full")
    assert len(counterexample(full.stdout)) == 67


def test_old_reports_without_view_keys_render_every_step(force):
    old = json.loads(json.dumps(force))
    for s in old["trace"]:
        for key in ("view", "collapsed_into", "call_step", "line_changes", "property_changes", "kind", "depth",
                    "function", "kernel", "calls", "taken"):
            del s[key]
    for key in ("thread_ids", "thread_id_fields", "witness_values"):
        del old[key]
    assert len(view_lines(old)) == 67
    for fmt in ("text", "mermaid", "dot", "html", "itf"):
        assert render_report(old, fmt)


def test_mermaid_and_dot_draw_the_protocol_view(force):
    mmd = render_mermaid(force)
    assert mmd.count("Note over T1:") == len(view_lines(force))
    assert "2-4 · xe_userptr.py:330 · bind_with_injection()" in mmd
    assert "acquire: down_write VM#35;0.lock (RwSem#35;0)" in mmd
    assert "RwSem#35;0.writer: -1 → 1 (bind0.vm0)" in mmd
    assert "★ Userptr#35;0.tlb_inval_submitted: False → True" in mmd
    assert render_mermaid(force, "full").count("Note over T1:") == 67
    dot = render_dot(force)
    assert len(re.findall(r'^  "s\d+" \[', dot, re.M)) == len(view_lines(force)) + 1
    assert "RwSem#0.writer: -1 -> 1 (bind0.vm0)" in dot


def test_lock_calls_are_one_line_each_with_the_owner_named(tmp_path):
    model = tmp_path / "m.py"
    model.write_text(
        "from mmnotif_check.kernel.locks import Mutex, mutex_lock, mutex_unlock\n\n"
        "m: Mutex = None\nn: int = 0\n\n\n"
        "def w():\n    global n\n    mutex_lock(m)\n    n += 1\n    mutex_unlock(m)\n\n\n"
        "def init():\n    global m\n    m = new(Mutex)\n    spawn(w, name='a')\n    spawn(w, name='b')\n\n\n"
        "@invariant\ndef small():\n    return n < 2\n",
        encoding="utf-8",
    )
    report = json.loads(run("verify", model, "--json", "--reduce", "none", cwd=tmp_path).stdout)
    lines = view_lines(report)
    assert [x["statement"] for x in lines] == ["mutex_lock(m)", "n += 1", "mutex_unlock(m)", "mutex_lock(m)", "n += 1"]
    owners = [(c["old"], c["new"]) for x in lines for c in x["changes"] if c["name"] == "Mutex#0.owner"]
    assert owners == [(-1, 0), (0, -1), (-1, 1)]
    text = render_report(report, "text")
    assert "Mutex#0.owner: -1 -> 0 (a)" in text and "Mutex#0.owner: 0 (a) -> -1" in text
    assert "Mutex#0.owner: -1 -> 1 (b)" in text


DEADLOCK = """
from mmnotif_check.kernel.locks import Mutex, mutex_lock, mutex_unlock

a: Mutex = None
b: Mutex = None


def one():
    mutex_lock(a)
    mutex_lock(b)
    mutex_unlock(b)
    mutex_unlock(a)


def two():
    mutex_lock(b)
    mutex_lock(a)
    mutex_unlock(a)
    mutex_unlock(b)


def starter():
    spawn(two, name="two")


def init():
    global a, b
    a = new(Mutex)
    b = new(Mutex)
    spawn(one, name="one")
    spawn(starter, name="starter")
"""


def test_an_interrupted_library_call_is_drawn_where_it_took_effect(tmp_path):
    model = tmp_path / "dl.py"
    model.write_text(DEADLOCK.lstrip(), encoding="utf-8")
    report = json.loads(run("verify", model, "--json", cwd=tmp_path).stdout)
    assert report["kind"] == "deadlock"
    by = {s["step"]: s for s in report["trace"]}
    first_call = min(k for k, s in by.items() if s["thread"] == "one")
    # thread one called mutex_lock(a) before the others stepped; that part changed nothing
    assert by[first_call]["calls"] == "mutex_lock" and by[first_call]["view"] == "hidden"
    lines = view_lines(report)
    steps = [x["step"] for x in lines]
    assert steps == sorted(steps)
    taken = [x for x in lines if x["thread"] == "one" and x["statement"] == "mutex_lock(a)"]
    assert len(taken) == 1 and taken[0]["call"] and first_call not in taken[0]["steps"]
    assert [c["new"] for c in taken[0]["changes"]] == [0]
    assert lines[-1]["statement"] in ("mutex_lock(a)", "mutex_lock(b)")  # where the deadlock is
    assert lines[-1]["changes"] == []  # the call that blocks


# ------------------------------------------------------------------------ paths


def test_library_files_are_named_by_package_path_from_anywhere(tmp_path, force):
    kernel = {s["file"] for s in force["trace"] if s["kernel"]}
    assert kernel == {"mmnotif_check/kernel/locks.py", "mmnotif_check/kernel/fence.py", "mmnotif_check/kernel/tlb.py"}
    elsewhere = run("verify", REPO / FORCE, "--json", cwd=tmp_path)
    report = json.loads(elsewhere.stdout)
    assert {s["file"] for s in report["trace"] if s["kernel"]} == kernel
    pcs = {v for st in itf_trace(report)["states"] for k, v in st.items() if k.startswith("pc.") and isinstance(v, dict)}
    assert pcs == set()  # pcs of threads that exist from the start are plain strings
    a = [st["pc.bind0.vm0"] for st in itf_trace(report)["states"]]
    b = [st["pc.bind0.vm0"] for st in itf_trace(force)["states"]]
    assert [p.rsplit("/", 1)[-1] for p in a] == [p.rsplit("/", 1)[-1] for p in b]
    assert [p for p in a if "kernel" in p] == [p for p in b if "kernel" in p]  # the same wherever it ran


# -------------------------------------------------------------------------- ITF


def read_itf(trace: dict[str, Any]) -> itf_py.Trace:
    """Read an ITF trace with itf-py, and check that every variable has one type."""
    parsed = itf_py.trace_from_json(json.loads(json.dumps(trace)))
    assert parsed.vars == trace["vars"]
    for name in parsed.vars:
        kinds = {_kind(st.values[name]) for st in parsed.states}
        assert len(kinds) == 1, f"{name} changes type: {kinds}"
    return parsed


def _kind(v: Any) -> str:
    """A value's type, as far as one trace can tell (variants: tag family, payload type)."""
    if hasattr(v, "_fields"):  # an itf-py variant
        family = "option" if type(v).__name__ in ("Some", "Null", "Absent") else type(v).__name__
        return family
    if isinstance(v, list | tuple):
        return type(v).__name__
    return type(v).__name__


MODELS: dict[str, str] = {
    "objects": """
        class C:
            v: u64 = 0
            w: int = 0

        c: C = None
        done: bool = False

        def w():
            global c, done
            c = new(C)
            c.v = 0 - 1
            c.w = 7
            done = True

        def init():
            spawn(w, name="w")

        @invariant
        def never_done():
            return not done
        """,
    "symbolic": """
        x: u32 = 0
        seen: tuple = ()

        def t():
            global x, seen
            a = symbolic("a", u32)
            x = a * 2
            seen = seen + (x,)
            assert x != 6, "six: x reached six"

        def init():
            spawn(t, name="t")
        """,
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_itf_py_reads_every_trace_with_one_type_per_variable(tmp_path, name):
    import textwrap

    model = tmp_path / "m.py"
    model.write_text(textwrap.dedent(MODELS[name]).lstrip(), encoding="utf-8")
    result = run("verify", model, "--format", "itf", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    trace = json.loads(result.stdout)
    parsed = read_itf(trace)
    if name == "objects":
        first, last = parsed.states[0].values, parsed.states[-1].values
        assert type(first["C#0.v"]).__name__ == "Absent" and type(first["c"]).__name__ == "Null"
        assert last["C#0.v"].value == 2**64 - 1 and last["c"].value == "C#0"
        assert last["done"] is True
    else:
        # symbolic values are their witness values, not Z3 terms
        assert [st.values["x"] for st in parsed.states][-1] == 6
        assert all(isinstance(st.values["x"], int) for st in parsed.states)
        assert "#bigint" not in json.dumps(trace["#meta"])


def test_itf_py_reads_the_force_path_trace(force):
    parsed = read_itf(itf_trace(force))
    assert len(parsed.states) == 68
    assert parsed.meta["thread_ids"] == {"0": "tlb0", "1": "bind0.vm0"}
    last = parsed.states[-1].values
    assert last["Userptr#0.tlb_inval_submitted"] is True and last["Userptr#0.finish_inuse"] is False
    assert type(parsed.states[0].values["DmaFence#0.seqno"]).__name__ == "Absent"
    assert parsed.states[-1].values["DmaFence#0.seqno"].value == 1
    assert parsed.states[3].values["RwSem#0.writer"] == 1


@pytest.mark.parametrize("model", ["racy_lock.py", "philosophers_left_first.py"])
def test_itf_py_reads_the_classic_models(model):
    result = run("verify", f"tests/models/{model}", "--json")
    assert result.exit_code == 1, result.output
    assert len(read_itf(itf_trace(json.loads(result.stdout))).states) >= 2


def test_doc_itf_section_matches():
    doc = (REPO / "docs" / "trace-format.md").read_text(encoding="utf-8")
    assert '"tag": "Some"' in doc and '"tag": "Null"' in doc and '"tag": "Absent"' in doc
    assert os.path.exists(REPO / "docs" / "examples" / "trace.itf.json")


def test_explore_names_lock_owners(tmp_path):
    token = "0/1/1/1"  # bind0.vm0 has taken vm.lock for write
    result = run("explore", "models/xe_userptr.py", "--at", token, "--set", "VERSION=deferred-tlb",
                 "--set", "STATIC_FINISH=False", "--set", "PENDING_FENCES=(0,)", "--set", "INVALIDATIONS=()",
                 "--set", "FORCE=(0,)")
    assert result.exit_code == 0, result.output
    assert "RwSem#0: writer=1 (bind0.vm0), readers=()" in result.stdout
