"""Faults, in a separate process each: signals (Ctrl-C, SIGTERM, SIGHUP) on ``verify`` and on
``gate --jobs 2``, a memory limit (``ulimit -v``) and a full disk (a file-size limit) while
every kind of output is written.  What each fault must give is in docs/reliability.md:
exit 3 with the statistics so far for signals and memory, exit 2 with a located line for a
write that fails, the previous file intact (never half-written), no worker left behind.

Each test takes a few seconds at most; where the platform cannot do it (no /proc, no
resource limits) it is skipped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RACY = REPO / "tests" / "models" / "racy_lock.py"
resource = pytest.importorskip("resource")

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and /proc as on Linux")

# A search that takes minutes: four counters, every interleaving (no reduction).
SLOW = """
N = 4
K = 60
c: tuple = (0, 0, 0, 0)


def w(i):
    global c
    while c[i] < K:
        c = c[:i] + (c[i] + 1,) + c[i + 1:]


def init():
    for i in range(N):
        spawn(w, i)


@invariant
def ok():
    return sum(c) >= 0
"""

# Every state holds a new tuple of 2,000 items: the memory grows by some 16 KiB a state.
HUNGRY = """
N = 2000
xs: tuple = (0,) * N


def w():
    global xs
    i = 0
    while True:
        xs = xs[:i % N] + (xs[i % N] + 1,) + xs[i % N + 1:]
        i += 1


def init():
    spawn(w)
"""


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("MMNOTIF_DEBUG", None)
    return env


def _start(args: list[str], cwd: Path, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mmnotif_check", *args], cwd=cwd, env=_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def _run(args: list[str], cwd: Path, preexec: object = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mmnotif_check", *args], cwd=cwd, env=_env(), text=True,
                          capture_output=True, timeout=timeout, preexec_fn=preexec)  # type: ignore[arg-type]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == pid:
                out.append(int(d.name))
    return out


def _cpu_seconds(pid: int) -> float:
    """User and system time of a running process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("State:")), "Z")
    return state not in ("Z", "X")


def _wait_until(cond: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


# ------------------------------------------------------------------------------ signals
@pytest.mark.parametrize("sig, name", [(signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM"),
                                       (signal.SIGHUP, "SIGHUP")])
def test_a_signal_stops_verify_with_the_statistics_so_far(tmp_path, sig, name):
    (tmp_path / "slow.py").write_text(SLOW)
    proc = _start(["verify", "slow.py", "-q", "--reduce", "none"], tmp_path)
    # compiling takes a fraction of a second of CPU: after a second the search is running
    assert _wait_until(lambda: _cpu_seconds(proc.pid) >= 1.0, 30), "verify did not get going"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 3, err
    first = out.splitlines()[0]
    assert first == (f"slow.py: INCONCLUSIVE (interrupted ({name})): no violation found in the part explored; "
                     "the search is incomplete")
    states = int(out.splitlines()[1].split()[1].replace(",", ""))
    assert states > 0
    assert "Traceback" not in err and "internal error" not in err


def _gate_project(tmp_path: Path, slow_specs: int = 4) -> Path:
    (tmp_path / "models").mkdir()
    (tmp_path / "specs").mkdir()
    (tmp_path / "models" / "slow.py").write_text(SLOW)
    (tmp_path / "models" / "racy.py").write_text(RACY.read_text())
    (tmp_path / "specs" / "a_racy.toml").write_text(
        '[spec]\nmodel = "../models/racy.py"\n\n[expect]\nverdict = "violated"\n')
    for k in range(slow_specs):
        (tmp_path / "specs" / f"b_slow{k}.toml").write_text(
            f'[spec]\nmodel = "../models/slow.py"\nreduction = "none"\n\n[constants]\nK = {60 + k}\n\n'
            '[expect]\nverdict = "holds"\n')
    return tmp_path


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_signal_stops_the_gate_keeps_what_finished_and_leaves_no_worker(tmp_path, how):
    project = _gate_project(tmp_path)
    proc = _start(["gate", "specs", "--jobs", "2"], project, start_new_session=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the quick spec finished (and is cached); the slow ones run
    assert "a_racy.toml" in first, first
    assert _wait_until(lambda: len(_children(proc.pid)) >= 2, 10)
    workers = _children(proc.pid)
    time.sleep(0.3)
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:  # a terminal sends Ctrl-C to the whole process group
        os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 3, err
    assert "specs/a_racy.toml  violated  violated (mutual_exclusion)" in out  # the table of what finished
    assert "b_slow" not in out.split("-----", 1)[-1]
    assert err.strip().splitlines()[-1] == f"interrupted ({how}): 1 of 5 specs finished (their results are cached); 4 did not run"
    assert len(list((project / ".mmnotif-cache").glob("*.json"))) == 1
    assert _wait_until(lambda: not any(_alive(w) for w in workers), 10), "a worker outlived the gate"
    rerun = _run(["gate", "specs/a_racy.toml"], project)
    assert rerun.returncode == 0 and "cached" in rerun.stdout


# ------------------------------------------------------------------------------ memory
def _limit_memory(extra_mib: int) -> object:
    base = _baseline_vm_kib()

    def set_limit() -> None:
        limit = (base + extra_mib * 1024) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return set_limit


def _baseline_vm_kib() -> int:
    """The virtual memory of a checker process that has imported everything (a little more)."""
    code = ("import mmnotif_check.cli, mmnotif_check.runner, mmnotif_check.lang.system, mmnotif_check.trace.text;"
            "print([l for l in open('/proc/self/status') if l.startswith('VmPeak')][0].split()[1])")
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) + 64 * 1024


def test_out_of_memory_is_exit_3_with_the_statistics(tmp_path):
    (tmp_path / "hungry.py").write_text(HUNGRY)
    got = _run(["verify", "hungry.py", "-q", "--reduce", "none", "--store", "exact"], tmp_path,
               preexec=_limit_memory(200), timeout=120)
    assert got.returncode == 3, got.stderr
    assert "Traceback" not in got.stderr and "internal error" not in got.stderr
    assert got.stdout.startswith("hungry.py: INCONCLUSIVE (out of memory)"), got.stdout + got.stderr
    assert int(got.stdout.splitlines()[1].split()[1].replace(",", "")) > 1000


def test_the_memory_budget_stops_first_when_it_is_lower(tmp_path):
    (tmp_path / "hungry.py").write_text(HUNGRY)
    got = _run(["verify", "hungry.py", "-q", "--reduce", "none", "--max-memory", "50"], tmp_path,
               preexec=_limit_memory(400), timeout=120)
    assert got.returncode == 3, got.stderr
    assert got.stdout.startswith("hungry.py: INCONCLUSIVE (stopped by the memory budget of 50 MiB)")


# ------------------------------------------------------------------------------ full disk
def _limit_file_size(size: int) -> object:
    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return set_limit


def _writers(tmp_path: Path) -> list[tuple[str, list[str], str]]:
    """(kind, command line, option) of every output the checker writes, into ``out/``."""
    report = tmp_path / "report.json"
    got = _run(["verify", str(RACY), "-q", "--json"], tmp_path)
    report.write_text(got.stdout)
    spec = tmp_path / "spec.toml"
    spec.write_text(f'[spec]\nmodel = "{RACY}"\n\n[expect]\nverdict = "violated"\n')
    out = tmp_path / "out"
    return [
        ("trace-out", ["verify", str(RACY), "-q", "--trace-out", str(out / "trace-out")], "--trace-out"),
        ("convert-html", ["trace", "convert", str(report), "--to", "html", "-o", str(out / "convert-html")], "-o"),
        ("convert-itf", ["trace", "convert", str(report), "--to", "itf", "-o", str(out / "convert-itf")], "-o"),
        ("graph", ["graph", str(RACY), "-o", str(out / "graph")], "-o"),
        ("junit", ["gate", str(spec), "--no-cache", "--junit", str(out / "junit")], "--junit"),
        ("sarif", ["gate", str(spec), "--no-cache", "--sarif", str(out / "sarif")], "--sarif"),
        ("markdown", ["gate", str(spec), "--no-cache", "--markdown", str(out / "markdown")], "--markdown"),
    ]


def test_a_full_disk_leaves_every_previous_output_intact(tmp_path):
    writers = _writers(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for kind, args, option in writers:
        target = out / kind
        target.write_text(f"the previous {kind}\n")
        got = _run(args, tmp_path, preexec=_limit_file_size(64))
        assert got.returncode == 2, (kind, got.stdout, got.stderr)
        assert got.stderr.strip().splitlines()[-1] == (
            f"<command line>:1:1: error: {option} {target}: cannot write it: File too large"), kind
        assert target.read_text() == f"the previous {kind}\n", kind  # intact, not half-written
    assert sorted(p.name for p in out.iterdir()) == sorted(k for k, _, _ in writers)  # no temporary left


def test_with_room_every_output_is_complete(tmp_path):
    for kind, args, _ in _writers(tmp_path):
        got = _run(args, tmp_path)
        assert got.returncode in (0, 1), (kind, got.stderr)
        text = (tmp_path / "out" / kind).read_text()
        if kind in ("trace-out", "convert-itf", "sarif"):
            json.loads(text)  # whole, parseable
        elif kind == "junit":
            assert text.rstrip().endswith("</testsuite>")
        elif kind == "convert-html":
            assert text.rstrip().endswith("</html>")
        elif kind == "graph":
            assert text.rstrip().endswith("}")


def test_a_full_disk_while_caching_leaves_no_half_entry(tmp_path):
    project = _gate_project(tmp_path, slow_specs=0)
    got = _run(["gate", "specs"], project, preexec=_limit_file_size(100))
    assert got.returncode == 0, got.stderr  # the cache is an optimisation: the gate goes on
    cache = project / ".mmnotif-cache"
    assert not any(cache.iterdir()) if cache.exists() else True
    again = _run(["gate", "specs"], project)
    assert again.returncode == 0 and "cached" not in again.stdout
    assert [json.loads(p.read_text())["row"]["status"] for p in cache.glob("*.json")] == ["pass"]
