"""Issue 11: every bad input and every fault gets one clear answer; nothing is lost or
overwritten.  One test (or a few) per numbered defect of the issue; the fault tests that need
a separate process (signals, memory and file-size limits) are in ``tests/test_faults.py``,
the corpus of bad inputs in ``tests/test_corpus.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import stat
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmnotif_check import CheckOptions, explore, gate, load_model
from mmnotif_check.cli import cli, main
from mmnotif_check.fsutil import OutputError, atomic_write_text
from mmnotif_check.spec import load_spec

REPO = Path(__file__).resolve().parent.parent
RACY = REPO / "tests" / "models" / "racy_lock.py"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(*args: object) -> tuple[int, str, str]:
    """Run the command line through ``main`` (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- writers
def _report(tmp_path: Path) -> Path:
    p = tmp_path / "report.json"
    code, out, _ = run("verify", RACY, "-q", "--json")
    assert code == 1
    p.write_text(out)
    return p


def _spec_dir(tmp_path: Path) -> Path:
    d = tmp_path / "specs"
    d.mkdir(exist_ok=True)
    (d / "racy.toml").write_text(f'[spec]\nmodel = "{RACY}"\n\n[expect]\nverdict = "violated"\n')
    return d


WRITERS = ["trace-out", "convert-o", "graph-o", "junit", "sarif", "markdown"]


def writer_command(kind: str, out: Path, tmp_path: Path) -> tuple[list[object], int, str]:
    """(the command line that writes ``out``, its exit code when it works, the option's name)."""
    if kind == "trace-out":
        return ["verify", RACY, "-q", "--trace-out", out], 1, "--trace-out"
    if kind == "convert-o":
        return ["trace", "convert", _report(tmp_path), "--to", "html", "-o", out], 0, "-o"
    if kind == "graph-o":
        return ["graph", RACY, "-o", out], 0, "-o"
    return ["gate", _spec_dir(tmp_path), "--no-cache", f"--{kind}", out], 0, f"--{kind}"


# Defect 1: output paths replace special files
@pytest.mark.parametrize("kind", WRITERS)
def test_a_symlink_is_followed_and_kept(kind, tmp_path):
    target = tmp_path / "real.out"
    target.write_text("old")
    link = tmp_path / "link.out"
    link.symlink_to(target)
    args, code, _ = writer_command(kind, link, tmp_path)
    got, _, err = run(*args)
    assert got == code, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() != "old" and len(target.read_text()) > 100


@pytest.mark.parametrize("kind", WRITERS)
def test_a_fifo_is_written_through_not_replaced(kind, tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got_bytes: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as fh:
            got_bytes.append(fh.read())

    t = threading.Thread(target=reader, daemon=True)
    args, code, _ = writer_command(kind, fifo, tmp_path)  # before the reader: the report is written first
    t.start()
    time.sleep(0.05)
    got, _, err = run(*args)
    t.join(10)
    assert got == code, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got_bytes and len(got_bytes[0]) > 100


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    code, _, err = run("verify", RACY, "-q", "--trace-out", fifo)
    assert code == 2
    assert err.strip() == f"<command line>:1:1: error: --trace-out {fifo}: cannot write it: it is a FIFO that no process is reading"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(not IS_ROOT, reason="creating a device node needs root")
@pytest.mark.parametrize("kind", WRITERS)
def test_a_character_device_is_written_through_not_replaced(kind, tmp_path):
    dev = tmp_path / "null"
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    args, code, _ = writer_command(kind, dev, tmp_path)
    got, _, err = run(*args)
    assert got == code, err
    assert stat.S_ISCHR(os.stat(dev).st_mode)


@pytest.mark.parametrize("kind", WRITERS)
def test_a_socket_is_refused(kind, tmp_path):
    path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
        args, _, option = writer_command(kind, path, tmp_path)
        code, _, err = run(*args)
    finally:
        sock.close()
    assert code == 2
    assert err.strip() == f"<command line>:1:1: error: {option} {path}: cannot write it: it is a socket, not a regular file"
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_an_existing_file_keeps_its_mode(tmp_path):
    out = tmp_path / "t.json"
    out.write_text("old")
    out.chmod(0o640)
    atomic_write_text(out, "new")
    assert out.read_text() == "new" and stat.S_IMODE(out.stat().st_mode) == 0o640


# Defect 2: write failures of every writer are located, exit 2
@pytest.mark.parametrize("kind", WRITERS)
def test_a_path_under_a_regular_file_is_exit_2(kind, tmp_path):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "sub" / "out.txt"
    args, _, option = writer_command(kind, out, tmp_path)
    code, _, err = run(*args)
    assert code == 2
    assert err.strip().splitlines()[-1] == (f"<command line>:1:1: error: {option} {out}: cannot write it: "
                                            f"'{tmp_path / 'file'}' is not a directory")


@pytest.mark.parametrize("kind", WRITERS)
def test_missing_directories_are_created(kind, tmp_path):
    out = tmp_path / "a" / "b" / "out.txt"
    args, code, _ = writer_command(kind, out, tmp_path)
    got, _, err = run(*args)
    assert got == code, err
    assert out.stat().st_size > 100


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only directories")
def test_a_read_only_directory_is_exit_2(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    try:
        code, _, err = run("verify", RACY, "-q", "--trace-out", d / "t.json")
    finally:
        d.chmod(0o700)
    assert code == 2
    assert err.strip() == f"<command line>:1:1: error: --trace-out {d / 't.json'}: cannot write it: Permission denied"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    out = tmp_path / "t.json"
    out.write_text("the old report")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device"):
        atomic_write_text(out, "x" * 100_000)
    assert out.read_text() == "the old report"
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


# Defect 8: cache entries of the wrong shape are cache misses
@pytest.mark.parametrize("entry", [
    "[]", '"text"', "{}", '{"key": "K", "row": []}', '{"key": "K", "row": {"states": "many"}}',
    "not json", "[" * 100_000 + "]" * 100_000, '{"key": "K"}',
])
def test_a_bad_cache_entry_is_a_miss(entry, tmp_path):
    specs = _spec_dir(tmp_path)
    cache = tmp_path / "cache"
    rows = gate.run_gate(sorted(specs.glob("*.toml")), cache_dir=cache)
    assert rows[0].status == "pass" and not rows[0].cached
    (entry_file,) = cache.glob("*.json")
    key = entry_file.stem
    entry_file.write_text(entry.replace('"K"', json.dumps(key)))
    rows = gate.run_gate(sorted(specs.glob("*.toml")), cache_dir=cache)
    assert rows[0].status == "pass" and not rows[0].cached  # re-run, not trusted
    assert json.loads(entry_file.read_text())["key"] == key  # and the entry was rewritten


def test_a_cache_entry_with_a_wrong_field_type_is_a_miss(tmp_path):
    specs = _spec_dir(tmp_path)
    cache = tmp_path / "cache"
    gate.run_gate(sorted(specs.glob("*.toml")), cache_dir=cache)
    for field, bad in (("states", "many"), ("seconds", None), ("status", "great"), ("failing_location", [1]),
                       ("cached", 1), ("transitions", -1)):
        # the entry this gate run will look up (the key covers the checker's source)
        entry_file = cache / f"{gate.cache_key(load_spec(specs / 'racy.toml'), gate.checker_digest())}.json"
        if not entry_file.exists():
            gate.run_gate(sorted(specs.glob("*.toml")), cache_dir=cache)
        data = json.loads(entry_file.read_text())
        data["row"][field] = bad
        entry_file.write_text(json.dumps(data))
        code, out, err = run("gate", specs, "--cache-dir", cache)
        assert code == 0, (field, err)
        assert "(cached)" not in out, field


# Defect 9: max_memory is charged only for the run's own memory
COUNTER = """
N = 3
K = 9
c: tuple = (0, 0, 0)


def w(i):
    global c
    while c[i] < K:
        c = c[:i] + (c[i] + 1,) + c[i + 1:]


def init():
    for i in range(N):
        spawn(w, i)
"""


def test_memory_budget_is_per_run(kit):
    model = kit.load(COUNTER)
    blob = bytearray(300 << 20)  # the process's peak goes 300 MiB up ...
    blob[::4096] = b"x" * len(blob[::4096])
    del blob  # ... and back down: an earlier spec in a gate worker
    result = explore(model, CheckOptions(reduction="none", max_memory_mb=100))
    assert result.verdict == "holds", result.reason
    assert result.stats.states == 9261
    assert result.stats.peak_memory_kib < 100 * 1024


def test_memory_budget_still_stops_a_run_that_grows(kit):
    model = kit.load(COUNTER.replace("K = 9", "K = 40"))
    result = explore(model, CheckOptions(reduction="none", store="exact", max_memory_mb=1))
    assert result.verdict == "inconclusive"
    assert result.reason == "memory budget of 1 MiB"


# Defect 13: one validation for the command line and specs
@pytest.mark.parametrize("args, message", [
    (["--timeout", "nan"], "--timeout must be a positive number, not nan"),
    (["--timeout", "inf"], "--timeout must be a positive number, not inf"),
    (["--timeout", "0"], "--timeout must be a positive number, not 0"),
    (["--max-states", "0"], "--max-states must be a positive integer, not 0"),
    (["--max-depth", "0"], "--max-depth must be a positive integer, not 0"),
    (["--max-memory", "0"], "--max-memory must be a positive integer, not 0"),
    (["--solver-timeout", "0"], "--solver-timeout must be a positive integer, not 0"),
    (["--solver-timeout", str(2**32)], "--solver-timeout must be at most 4294967295 (milliseconds), not 4294967296"),
    (["--format", "dot", "--json"], "--json and --format dot exclude each other (--json is --format json)"),
])
def test_cli_options_are_validated(args, message):
    code, _out, err = run("verify", RACY, "-q", *args)
    assert (code, err.strip()) == (2, f"<command line>:1:1: error: {message}")


@pytest.mark.parametrize("line, message", [
    ("timeout = nan", "[budget].timeout must be a positive number, not nan"),
    ("timeout = inf", "[budget].timeout must be a positive number, not inf"),
    ("max_states = 0", "[budget].max_states must be a positive integer, not 0"),
    ("max_depth = 0", "[budget].max_depth must be a positive integer, not 0"),
])
def test_spec_budgets_follow_the_same_rules(line, message, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(f'[spec]\nmodel = "{RACY}"\n\n[budget]\n{line}\n\n[expect]\nverdict = "violated"\n')
    code, _, err = run("verify", spec, "-q")
    assert (code, err.strip()) == (2, f"{spec}:5:1: error: {message}")


@pytest.mark.parametrize("value, message", [
    ("0", "[spec].solver_timeout_ms must be a positive integer, not 0"),
    ("-5", "[spec].solver_timeout_ms must be a positive integer, not -5"),
    ("4294967296", "[spec].solver_timeout_ms must be at most 4294967295 (milliseconds), not 4294967296"),
])
def test_spec_solver_timeout_follows_the_same_rules(value, message, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(f'[spec]\nmodel = "{RACY}"\nsolver_timeout_ms = {value}\n\n[expect]\nverdict = "violated"\n')
    code, _, err = run("gate", spec, "--no-cache")
    assert code == 2
    assert err.strip() == f"{spec}:3:1: error: {message}"


# Defect 15: the bare command prints its help
def test_bare_command_prints_help_and_exits_0():
    code, out, err = run()
    assert code == 0 and err == ""
    assert out.startswith("Usage: mmnotif-check [OPTIONS] COMMAND [ARGS]...")
    assert "verify" in out and "gate" in out


def test_a_group_without_its_command_prints_its_help():
    code, out, err = run("trace")
    assert code == 0 and err == ""
    assert out.startswith("Usage: mmnotif-check trace [OPTIONS] COMMAND [ARGS]...")


def test_help_through_cli_object_still_works():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "verify" in result.output


# ------------------------------------------------------------------ the model language
def _model(tmp_path: Path, text: str, name: str = "m.py") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


ONE_STEP = "x: int = 0\n\n\ndef w():\n    global x\n    {}\n\n\ndef init():\n    spawn(w)\n"


# Defect 5: out of memory is a budget (exit 3 with the statistics), never a checker bug
def test_memory_error_in_a_step_is_out_of_memory_not_a_wrong_type(tmp_path, monkeypatch):
    from mmnotif_check.lang import runtime

    def no_memory(seq, item):
        raise MemoryError

    monkeypatch.setattr(runtime, "append", no_memory)
    path = _model(tmp_path, "xs: tuple = ()\n\n\ndef w():\n    global xs\n    xs = append(xs, 1)\n\n\n"
                            "def init():\n    spawn(w)\n")
    code, out, err = run("verify", path, "-q")
    assert code == 3, out + err
    assert out.startswith(f"{path}: INCONCLUSIVE (out of memory): no violation found")
    assert "states 1  transitions 0" in out


def test_a_step_that_builds_a_huge_value_is_a_located_error(tmp_path):
    path = _model(tmp_path, "xs: tuple = ()\n\n\ndef w():\n    global xs\n    xs = (1,) * (10 ** 12)\n\n\n"
                            "def init():\n    spawn(w)\n")
    code, out, _ = run("verify", path, "-q", "--json")
    report = json.loads(out)
    assert code == 1
    assert report["message"] == "value too large: a tuple of 1000000000000 items (at most 1000000)"
    assert report["location"] == {"file": str(path), "line": 6}


def test_memory_error_while_compiling_is_exit_3(tmp_path, monkeypatch):
    from mmnotif_check.lang import system

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(system, "compile_program", no_memory)
    code, _out, err = run("verify", RACY, "-q")
    assert code == 3
    assert err.startswith("mmnotif-check: out of memory before the search could report")
    assert "internal error" not in err


def test_memory_error_while_rebuilding_the_trace_keeps_the_verdict(monkeypatch):
    from mmnotif_check import runner

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(runner, "build_trace", no_memory)
    code, out, err = run("verify", RACY, "-q")
    assert code == 3
    assert out.startswith(f"{RACY}: VIOLATED (invariant mutual_exclusion)")
    assert err.strip().startswith(f"{RACY}: stopped early: out of memory while rebuilding the counterexample")
    assert "replay token 0/" in err


# Defect 6: deep or long expressions are compiled or refused with a located limit
@pytest.mark.parametrize("terms, code", [(64, 0), (202, 2), (400, 2)])
def test_long_sums(tmp_path, terms, code):
    path = _model(tmp_path, ONE_STEP.format("x = " + "+".join(["1"] * terms)))
    got, _out, err = run("verify", path, "-q")
    assert got == code, err
    if code == 2:
        assert err.strip() == (f"{path}:6:9: error: expression nested too deeply (more than 64 levels): "
                               "split it into several statements with local variables")


def test_100k_unary_minus_in_a_model_and_in_set(tmp_path):
    path = _model(tmp_path, ONE_STEP.format("x = " + "-" * 100_000 + "1"))
    code, _, err = run("verify", path, "-q")
    assert (code, err.strip()) == (2, f"{path}:6:1: error: this line is nested too deeply for the parser: "
                                      "split it into several statements with local variables")
    code, _, err = run("verify", RACY, "-q", "--set", "X=" + "-" * 100_000 + "1")
    assert (code, err.strip()) == (2, "<command line>:1:1: error: --set X: the value is nested too deeply")


# Defect 7: integers have a documented bound; every output path works
def test_a_huge_constant_is_refused_where_it_is_written(tmp_path):
    path = _model(tmp_path, "X = 10 ** 5000\n\n\ndef init():\n    pass\n")
    code, _, err = run("verify", path, "-q")
    assert (code, err.strip()) == (2, f"{path}:1:5: error: integer too large: 10 ** 5000 has more than 4096 bits")


def test_big_values_within_the_bound_work_in_every_output(tmp_path):
    path = _model(tmp_path, "X = 10 ** 1200\nx: int = X\n\n\ndef w():\n    global x\n    x = x * 10\n\n\n"
                            "@invariant\ndef small():\n    return x <= X\n\n\ndef init():\n    spawn(w)\n")
    code, out, _ = run("list", path, "--json")
    assert code == 0 and json.loads(out)["constants"][0]["value"] == 10 ** 1200
    code, out, _ = run("list", path)
    assert code == 0 and "1" + "0" * 1200 in out
    code, out, _ = run("verify", path, "-q", "--json")
    assert code == 1 and json.loads(out)["states"][-1]["globals"]["x"] == 10 ** 1201
    report = tmp_path / "r.json"
    report.write_text(out)
    for fmt in ("text", "itf", "mermaid", "dot", "html"):
        code, _text, err = run("trace", "convert", report, "--to", fmt)
        assert code == 0, (fmt, err)
    code, out, err = run("replay", report)
    assert code == 1, err


def test_a_step_past_the_bound_is_a_run_time_error(tmp_path):
    path = _model(tmp_path, ONE_STEP.format("x = 2 ** 4095 * 4"))
    code, out, _ = run("verify", path, "-q")
    assert code == 1
    assert out.startswith(f"{path}: VIOLATED (error): integer too large: the product has more than 4096 bits")


# Defect 10: a model that runs nothing is bad input
@pytest.mark.parametrize("text", ["", '"""Only a docstring."""\n', "x: int = 0\n\n\ndef w():\n    pass\n"])
def test_a_model_that_runs_nothing_is_exit_2(tmp_path, text):
    path = _model(tmp_path, text)
    code, _, err = run("verify", path, "-q")
    assert (code, err.strip()) == (2, f"{path}:1:1: error: the model has no init() procedure: no thread runs and "
                                      "nothing is checked (define 'def init():' that spawns the threads)")


def test_a_model_without_init_but_with_an_invariant_says_so(tmp_path):
    path = _model(tmp_path, "x: int = 0\n\n\n@invariant\ndef ok():\n    return x == 0\n")
    code, out, _ = run("verify", path, "-q")
    assert code == 0
    assert "note: the model has no init() procedure: no thread runs, only the initial state was checked" in out


# Defect 11: budgets are enforced whatever the input
def test_a_huge_power_in_a_step_or_a_constant_is_refused_at_once(tmp_path):
    start = time.process_time()
    path = _model(tmp_path, ONE_STEP.format("x = 7 ** (10 ** 9)"))
    code, out, _ = run("verify", path, "-q", "--timeout", "2")
    assert code == 1 and "integer too large: 7 ** 1000000000 has more than 4096 bits" in out
    path = _model(tmp_path, "X = 7 ** (10 ** 9)\n\n\ndef init():\n    pass\n")
    code, _, err = run("verify", path, "-q")
    assert (code, err.strip()) == (2, f"{path}:1:5: error: integer too large: 7 ** 1000000000 has more than 4096 bits")
    assert time.process_time() - start < 5


def test_a_fixed_width_power_is_computed_modulo(tmp_path):
    path = _model(tmp_path, "x: u64 = 0\n\n\ndef w():\n    global x\n    x = u64(7) ** (10 ** 9)\n\n\n"
                            f"@invariant\ndef right():\n    return x == 0 or x == {pow(7, 10**9, 2**64)}\n\n\n"
                            "def init():\n    spawn(w)\n")
    code, out, _ = run("verify", path, "-q")
    assert code == 0, out


def test_devices_and_fifos_are_refused_before_they_are_read(tmp_path):
    code, _, err = run("verify", "/dev/zero", "-q")
    assert (code, err.strip()) == (2, "/dev/zero:1:1: error: a model file must be a '.py' file")
    fifo = tmp_path / "m.py"
    os.mkfifo(fifo)
    code, _, err = run("verify", fifo, "-q")  # would block forever if it were opened
    assert (code, err.strip()) == (2, f"{fifo}:1:1: error: cannot read model file: it is a FIFO, not a regular file")
    spec = tmp_path / "s.toml"
    os.mkfifo(spec)
    code, _, err = run("verify", spec, "-q")
    assert (code, err.strip()) == (2, f"{spec}:1:1: error: cannot read spec file: it is a FIFO, not a regular file")


def test_deep_toml_and_json_are_refused_with_a_location(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(f'[spec]\nmodel = "{RACY}"\n[constants]\nX = ' + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = run("verify", spec, "-q")
    assert (code, err.strip()) == (2, f"{spec}:4:105: error: bad TOML: arrays or tables nested too deeply "
                                      "(more than 100 levels)")
    trace = tmp_path / "t.json"
    trace.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run("replay", trace)
    assert (code, err.strip()) == (2, f"{trace}:1:201: error: not valid JSON: arrays or objects nested too deeply "
                                      "(more than 200 levels)")


# Defect 12: messages say what is wrong, where
def test_a_specs_misspelt_property_is_located_at_the_spec(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(f'[spec]\nmodel = "{RACY}"\nproperties = ["mutual_exclusio"]\n\n[expect]\nverdict = "violated"\n')
    code, _, err = run("verify", spec, "-q")
    assert (code, err.strip()) == (2, f"{spec}:3:1: error: [spec].properties: the model has no property "
                                      "'mutual_exclusio'; did you mean 'mutual_exclusion'? (known: mutual_exclusion)")


def test_a_misspelt_procedure_call_says_so(tmp_path):
    path = _model(tmp_path, "def guard():\n    pass\n\n\ndef w():\n    gaurd()\n\n\ndef init():\n    spawn(w)\n")
    code, _, err = run("verify", path, "-q")
    assert (code, err.strip()) == (2, f"{path}:6:5: error: unknown procedure 'gaurd'; did you mean 'guard'?")


def test_a_spec_whose_model_is_not_a_py_file_is_located_at_the_model_key(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    spec = tmp_path / "s.toml"
    spec.write_text('[spec]\nmodel = "notes.txt"\n\n[expect]\nverdict = "holds"\n')
    code, _, err = run("verify", spec, "-q")
    assert (code, err.strip()) == (2, f"{spec}:2:1: error: [spec].model: 'notes.txt' is not a model file "
                                      "(a model file must be a '.py' file)")


def test_a_utf8_bom_is_accepted_in_models_specs_and_traces(tmp_path):
    model = tmp_path / "m.py"
    model.write_text("\ufeff" + RACY.read_text(), encoding="utf-8")
    code, out, _ = run("verify", model, "-q", "--json")
    assert code == 1
    trace = tmp_path / "t.json"
    trace.write_text("\ufeff" + out, encoding="utf-8")
    code, _, err = run("replay", trace)
    assert code == 1, err
    spec = tmp_path / "s.toml"
    spec.write_text('\ufeff[spec]\nmodel = "m.py"\n\n[expect]\nverdict = "violated"\n', encoding="utf-8")
    code, _, err = run("verify", spec, "-q")
    assert code == 1, err


def test_python_internals_do_not_leak_into_messages(tmp_path):
    path = _model(tmp_path, "class S:\n    v: int = 0\n\n\ndef w():\n    s = new(S)\n    assert 1 in s\n\n\n"
                            "def init():\n    spawn(w)\n")
    code, out, _ = run("verify", path, "-q")
    assert code == 1
    assert out.splitlines()[0] == (f"{path}: VIOLATED (error): wrong type: argument of type 'object reference' "
                                   "is not iterable")
    assert "Ref" not in out


# Defect 13 (rest): trace convert checks the path like replay
def test_trace_convert_refuses_a_path_replay_refuses(tmp_path):
    report = json.loads(_report(tmp_path).read_text())
    for path, message in (("0/x", "'path': bad path '0/x' (expected indices separated by '/', like 0/2/1)"),
                          ("0/99", f"'path' 0/99 has 1 step but the trace lists {len(report['trace'])}")):
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({**report, "path": path}, indent=2))
        for args in (("trace", "convert", bad, "--to", "dot"), ("replay", bad)):
            code, _, err = run(*args)
            assert code == 2 and err.strip().endswith(f"error: {message}"), (args, err)


# Defect 14: compile time grows linearly
def _procedures(n: int) -> str:
    body = "".join(f"def p{k}(a):\n    global g\n    if a > {k}:\n        g = g + a\n    return a\n\n\n" for k in range(n))
    return "g: int = 0\n\n\n" + body + "def init():\n    spawn(p0, 1)\n"


def test_compile_time_is_linear_in_the_number_of_procedures(tmp_path):
    times = []
    for n in (300, 1200):
        path = _model(tmp_path, _procedures(n), f"p{n}.py")
        start = time.process_time()
        load_model(str(path))
        times.append(time.process_time() - start)
    assert times[1] < 8 * times[0] + 0.5, times  # 4x the procedures; quadratic would be 16x


def test_a_1mb_string_literal_compiles_quickly(tmp_path):
    path = _model(tmp_path, 'S = "' + "ab" * 500_000 + '"\nx: int = 0\n\n\ndef w():\n    global x\n'
                            '    x = len(S + "c")\n\n\ndef init():\n    spawn(w)\n')
    start = time.process_time()
    code, _out, err = run("verify", path, "-q")
    assert code == 0, err
    assert time.process_time() - start < 10


@pytest.mark.parametrize("options, message", [
    ({"timeout": float("nan")}, "option timeout must be a positive number, not nan"),
    ({"max_states": 0}, "option max_states must be a positive integer, not 0"),
    ({"max_memory_mb": -1}, "option max_memory_mb must be a positive integer, not -1"),
    ({"strategy": "random"}, "option strategy must be one of 'bfs', 'dfs', not 'random'"),
])
def test_the_api_follows_the_same_rules(options, message):
    from mmnotif_check import api

    with pytest.raises(ValueError) as info:
        api.check(RACY, **options)
    assert str(info.value) == message


# Beyond the list: a run leaves no state behind for the next one in the same process
def test_a_symbolic_run_leaves_no_active_step_behind(tmp_path):
    from mmnotif_check.symbolic import values as symvals

    path = _model(tmp_path, "x: u64 = 0\n\n\ndef w():\n    global x\n    x = symbolic('s', u64)\n"
                            "    assert x != 3, 'three'\n\n\ndef init():\n    spawn(w)\n")
    code, out, _ = run("verify", path, "-q")
    assert code == 1 and "VIOLATED (assert)" in out
    assert symvals._ACTIVE[0] is None  # later arithmetic on symbolic terms builds terms, never forks
    x = symvals.make_symbolic("a", 8, False)
    assert (x // x).w == 8  # a divisor that may be zero: no fork (and no ZeroDivisionError) outside a step
