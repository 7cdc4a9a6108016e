"""The corpus of bad inputs (tests/corpus/) and how to run it.

Every case is one file in ``tests/corpus/``: a model (``.py``), a spec (``.toml``), a trace
(``.json``) or a command line only (``.cmd``).  Its expectation is a header of ``# key:
value`` lines at the top of the file (``.py``, ``.toml``, ``.cmd``) or in a sidecar
``<file>.expect`` (files that cannot carry a comment, or whose first bytes are the point):

    # args: verify {} --quiet          the command line; {} is the case file, {tmp} a fresh
    #                                  temporary directory
    # exit: 2                          the exit code
    # stderr: {}:4:5: error: ...       stderr, exactly (one line); optional for exit 0/1/3
    # stdout: VIOLATED (error)         a piece of stdout (repeatable)

Cases run with the corpus directory as the working directory, so messages name the case
file as given.  A few inputs are too big (or too special) to keep as files: they are
generated (:data:`GENERATED`).  The parametrized test (``tests/test_corpus.py``) runs every
case in-process through :func:`mmnotif_check.cli.main`; ``python tests/corpus_lib.py``
runs them (and a sample of the compiler fuzz programs) in subprocesses and counts the exit
codes, internal errors and tracebacks.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
REPO = CORPUS.parent.parent
EXTENSIONS = (".py", ".toml", ".json", ".cmd")


@dataclass
class Case:
    name: str
    file: str | None  # the case file, relative to the corpus directory
    args: list[str]
    exit: int
    stderr: str | None = None
    stdout: list[str] = field(default_factory=list)
    make: Callable[[Path], None] | None = None  # writes a generated case's file


def _header(lines: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in lines:
        s = line.lstrip("\ufeff").strip()
        if not s.startswith("#"):
            break
        key, sep, value = s[1:].strip().partition(":")
        if sep and key.strip() in ("args", "exit", "stderr", "stdout"):
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def _case(name: str, file: str | None, h: dict[str, list[str]], where: str) -> Case:
    if "args" not in h or "exit" not in h:
        raise ValueError(f"{where}: a corpus case needs '# args:' and '# exit:' lines")
    return Case(name=name, file=file, args=shlex.split(h["args"][0]), exit=int(h["exit"][0]),
                stderr=h["stderr"][0] if "stderr" in h else None, stdout=h.get("stdout", []))


def load_cases(directory: Path = CORPUS) -> list[Case]:
    """Every case file of the corpus, sorted by name, then the generated cases."""
    cases = []
    for f in sorted(directory.iterdir()):
        if f.suffix not in EXTENSIONS or f.name.startswith("_"):
            continue
        sidecar = f.with_name(f.name + ".expect")
        source = sidecar if sidecar.exists() else f
        h = _header(source.read_text(encoding="utf-8", errors="replace").splitlines()[:12])
        cases.append(_case(f.name, f.name, h, str(source)))
    return cases + generated()


# --------------------------------------------------------------------- generated cases
def _model_with(expr_line: str) -> str:
    return f"x: int = 0\n\n\ndef w():\n    global x\n    {expr_line}\n\n\ndef init():\n    spawn(w)\n"


def _write(name: str, text: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        (d / name).write_text(text, encoding="utf-8")
    return make


def _procedures(n: int) -> str:
    body = [f"def p{k}():\n    global x\n    x = {k}\n" for k in range(n)]
    return "x: int = 0\n\n" + "\n".join(body) + "\n\ndef init():\n    spawn(p0)\n"


def generated() -> list[Case]:
    """Cases whose input is generated (too big to keep in the repository)."""
    g: list[Case] = []

    def add(name: str, file: str, text: str, args: str, exit: int, stderr: str | None = None,
            stdout: tuple[str, ...] = ()) -> None:
        g.append(Case(name, file, shlex.split(args), exit, stderr, list(stdout), _write(file, text)))

    add("gen-sum-202-terms", "sum202.py", _model_with("x = " + "+".join(["1"] * 202)), "verify {} -q", 2,
        "{}:6:9: error: expression nested too deeply (more than 64 levels): split it into several "
        "statements with local variables")
    add("gen-sum-400-terms", "sum400.py", _model_with("x = " + "+".join(["1"] * 400)), "verify {} -q", 2,
        "{}:6:9: error: expression nested too deeply (more than 64 levels): split it into several "
        "statements with local variables")
    add("gen-sum-64-terms-compiles", "sum64.py", _model_with("x = " + "+".join(["1"] * 64)),
        "verify {} -q", 0, stdout=("HOLDS",))
    add("gen-sum-100k-terms", "sum100k.py", _model_with("x = " + "+".join(["1"] * 100_000)), "verify {} -q", 2,
        "{}:6:1: error: this line is nested too deeply for the parser: split it into several "
        "statements with local variables")
    add("gen-unary-100k", "unary100k.py", _model_with("x = " + "-" * 100_000 + "1"), "verify {} -q", 2,
        "{}:6:1: error: this line is nested too deeply for the parser: split it into several "
        "statements with local variables")
    add("gen-parens-300", "parens300.py", _model_with("x = " + "(" * 300 + "1" + ")" * 300), "verify {} -q", 2,
        "{}:6:209: error: syntax error: too many nested parentheses")
    add("gen-set-unary-100k", "m.py", _model_with("x = 1"), "verify {} -q --set X=" + "-" * 100_000 + "1", 2,
        "<command line>:1:1: error: --set X: the value is nested too deeply")
    add("gen-set-big-int", "m.py", "X = 1\n" + _model_with("x = X"), "verify {} -q --set X=" + "9" * 5000, 2,
        "<command line>:1:1: error: --set X: integer too large (more than 4096 bits)")
    add("gen-3000-procedures", "procs.py", _procedures(3000), "verify {} -q", 0, stdout=("HOLDS",))
    add("gen-1mb-string", "bigstr.py",
        'S = "' + "a" * 1_000_000 + '"\nx: int = 0\n\n\ndef w():\n    global x\n    x = len(S)\n\n\n'
        "def init():\n    spawn(w)\n", "verify {} -q", 0, stdout=("HOLDS",))
    add("gen-toml-5000-deep", "deep.toml",
        '[spec]\nmodel = "../models/racy_lock.py"\n[constants]\nX = ' + "[" * 5000 + "]" * 5000
        + '\n[expect]\nverdict = "violated"\n', "verify {} -q", 2,
        "{}:4:105: error: bad TOML: arrays or tables nested too deeply (more than 100 levels)")
    add("gen-json-100k-deep", "deep.json", '{"schema_version": 2, "trace": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "replay {}", 2, "{}:1:231: error: not valid JSON: arrays or objects nested too deeply (more than 200 levels)")
    add("gen-json-100k-deep-convert", "deep2.json", "[" * 100_000 + "]" * 100_000,
        "trace convert {} --to text", 2,
        "{}:1:201: error: not valid JSON: arrays or objects nested too deeply (more than 200 levels)")
    add("gen-json-big-int", "bigint.json", '{"schema_version": ' + "9" * 5000 + "}", "replay {}", 2,
        "{}:1:20: error: not valid JSON: integer too large (more than 4300 digits)")
    return g


# ------------------------------------------------------------------------------ running
@dataclass
class Outcome:
    exit: int
    stdout: str
    stderr: str
    traceback: bool = False  # an exception escaped main() (in-process) or a traceback was printed
    timed_out: bool = False
    seconds: float = 0.0


def _fill(text: str, case: Case, tmp: Path) -> str:
    return text.replace("{tmp}", str(tmp)).replace("{}", case.file or "")


def prepare(case: Case, workdir: Path) -> tuple[Path, list[str]]:
    """The working directory and the argument list of ``case`` (generated files are
    written into ``workdir``)."""
    if case.make is not None:
        case.make(workdir)
        cwd = workdir
    else:
        cwd = CORPUS
    tmp = workdir / "tmp"
    tmp.mkdir(exist_ok=True)
    return cwd, [_fill(a, case, tmp) for a in case.args]


def run_inprocess(case: Case, workdir: Path) -> Outcome:
    """Run ``case`` through :func:`mmnotif_check.cli.main` in this process."""
    from mmnotif_check.cli import main

    cwd, args = prepare(case, workdir)
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    start = time.perf_counter()
    code, tb = 0, False
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:
                tb = True
                code = -1
                err.write(traceback.format_exc())
    finally:
        os.chdir(old)
    return Outcome(code, out.getvalue(), err.getvalue(), tb, seconds=time.perf_counter() - start)


def run_subprocess(case: Case, workdir: Path, timeout: float = 30.0, repo: Path = REPO) -> Outcome:
    """Run ``case`` as ``python -m mmnotif_check`` in a fresh process (the checker in ``repo``)."""
    cwd, args = prepare(case, workdir)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(repo)}
    env.pop("MMNOTIF_DEBUG", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "mmnotif_check", *args], cwd=cwd, capture_output=True,
                              text=True, timeout=timeout, env=env, errors="replace")
    except subprocess.TimeoutExpired as exc:
        def text(b: bytes | str | None) -> str:
            return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        return Outcome(-9, text(exc.stdout), text(exc.stderr), timed_out=True, seconds=timeout)
    return Outcome(proc.returncode, proc.stdout, proc.stderr, "Traceback (most recent call last)" in proc.stderr,
                   seconds=time.perf_counter() - start)


def mismatch(case: Case, got: Outcome) -> str | None:
    """Why ``got`` is not what ``case`` expects (None: it is)."""
    tmp = "{tmp}"
    if got.exit != case.exit:
        return f"exit {got.exit}, expected {case.exit}; stderr: {got.stderr.strip()[:300]}"
    if case.stderr is not None:
        want = case.stderr.replace("{dir}", str(CORPUS))
        if want.startswith("{}"):  # the case file, as the message names it
            want = (case.file or "") + want[2:]
        lines = got.stderr.strip().splitlines()
        if len(lines) != 1 or (lines[0] != want and not (tmp in want and lines[0].startswith(want.split(tmp)[0]))):
            return f"stderr {got.stderr.strip()[:400]!r}, expected {want[:400]!r}"
    for piece in case.stdout:
        if piece not in got.stdout and piece not in got.stderr:
            return f"{piece!r} not in the output: {got.stdout[:300]!r}"
    return None


# ------------------------------------------------------------------------------ counting
def _fuzz_sample(n: int) -> list[Case]:
    """``n`` fuzz programs (tests/fuzz_programs.py) as cases: any exit but 70 is fine."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import fuzz_programs

    cases = []
    for seed in range(n):
        name, text = fuzz_programs.program(seed)
        cases.append(Case(f"fuzz-{seed}-{name}", f"fuzz{seed}.py", shlex.split(fuzz_programs.ARGS), -1,
                          make=_write(f"fuzz{seed}.py", text)))
    return cases


def count(fuzz: int = 200, timeout: float = 30.0, jobs: int = 2, show: bool = False,
          repo: Path = REPO) -> dict[str, int]:
    """Run the corpus and ``fuzz`` fuzz programs in subprocesses; count the outcomes."""
    from concurrent.futures import ThreadPoolExecutor

    cases = load_cases() + _fuzz_sample(fuzz)

    def one(case: Case) -> tuple[Case, Outcome]:
        with tempfile.TemporaryDirectory() as d:
            return case, run_subprocess(case, Path(d), timeout, repo)

    counts = {"cases": 0, "corpus": 0, "fuzz": 0, "exit 0": 0, "exit 1": 0, "exit 2": 0, "exit 3": 0,
              "internal errors (exit 70)": 0, "tracebacks": 0, "hangs (timeout)": 0, "other exits (crash)": 0,
              "corpus cases not as expected": 0}
    with ThreadPoolExecutor(jobs) as pool:
        for case, got in pool.map(one, cases):
            counts["cases"] += 1
            counts["fuzz" if case.exit == -1 else "corpus"] += 1
            if got.timed_out:
                counts["hangs (timeout)"] += 1
            elif got.exit in (0, 1, 2, 3):
                counts[f"exit {got.exit}"] += 1
            elif got.exit == 70:
                counts["internal errors (exit 70)"] += 1
            else:
                counts["other exits (crash)"] += 1
            if got.traceback:
                counts["tracebacks"] += 1
            bad = None
            if case.exit != -1:
                bad = mismatch(case, got)
            elif got.exit not in (0, 1, 2, 3) or got.traceback:
                bad = f"exit {got.exit}: {got.stderr.strip()[:300]}"
            if bad is not None and case.exit != -1:
                counts["corpus cases not as expected"] += 1
            if bad is not None and show:
                print(f"{case.name}: {bad}", file=sys.stderr)
    return counts


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Run the bad-input corpus and a fuzz sample; count outcomes.")
    ap.add_argument("--fuzz", type=int, default=200, help="fuzz programs to run (default 200)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per case before it counts as a hang")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", action="store_true", help="print every case that is not as expected")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repo", type=Path, default=REPO,
                    help="run the checker found in this directory (e.g. an export of an older commit)")
    ns = ap.parse_args(argv)
    counts = count(ns.fuzz, ns.timeout, ns.jobs, ns.show, ns.repo.resolve())
    if ns.json:
        print(json.dumps(counts))
    else:
        for k, v in counts.items():
            print(f"{k:32} {v}")


if __name__ == "__main__":
    main()
