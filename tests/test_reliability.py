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
    (entry_file,) = cache.glob("*.json")
    for field, bad in (("states", "many"), ("seconds", None), ("status", "great"), ("failing_location", [1]),
                       ("cached", 1), ("transitions", -1)):
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
    code, out, err = run("verify", RACY, "-q", *args)
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
