"""The CI gate: run every spec, compare each outcome with its expectation.

Exit status of a gate run: 2 if any spec is bad input, else 1 if any outcome differs from
its expectation, else 3 if any spec was inconclusive without allowing it, else 0.

Results are cached by the content hash of everything that can change a verdict: the
checker's own source (and the Python and Z3 versions), the spec text, every model file
the spec's model imports, the constants and the options.  A cache entry can therefore
never report a stale pass.  Bad input, and inconclusive outcomes that depend on the
machine (time or memory budgets, the solver giving up), are never cached; Ctrl-C stops the
whole gate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import json
import math
import os
import subprocess
import sys
import time
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mmnotif_check import __version__
from mmnotif_check.engine.result import INCONCLUSIVE, VIOLATED, Violation, format_path
from mmnotif_check.errors import InputError, NondeterminismError, OverrideError
from mmnotif_check.fsutil import atomic_write_text
from mmnotif_check.interrupts import worker_signals
from mmnotif_check.lang.loader import KERNEL_DIR, display_path, is_library_path, load_sources
from mmnotif_check.lang.system import load_model
from mmnotif_check.runner import check_model
from mmnotif_check.spec import Spec, _Locator, load_spec, properties_error
from mmnotif_check.textfile import UnreadableFile, check_regular

PACKAGE_DIR = Path(__file__).resolve().parent
CACHE_FORMAT = 2  # 2: rows carry the property's text, the replay command and the counterexample
CACHE_ENTRY_MAX_BYTES = 8 << 20  # a row is a few kilobytes; anything this big is not one
# inconclusive outcomes that the inputs alone decide (the engine's reasons start so)
DETERMINISTIC_BUDGETS = ("state budget", "depth budget")


@dataclass
class GateRow:
    spec: str
    description: str
    expected: str
    got: str
    property: str | None
    states: int
    transitions: int
    seconds: float
    status: str  # pass | fail | inconclusive | error
    detail: str
    trace_steps: int | None = None
    path: str | None = None
    failing_location: tuple[str, int] | None = None
    cached: bool = False
    # False for outcomes that depend on the machine rather than on the inputs (a time or
    # memory budget, a solver giving up): those are never cached
    cacheable: bool = True
    kind: str | None = None  # of the violation: invariant | final | assert | deadlock | error
    message: str | None = None  # the property's text (docstring, assert message)
    property_location: tuple[str, int] | None = None  # where the property (or assert) is
    replay: str | None = None  # the command that re-executes the counterexample
    counterexample: list[str] = field(default_factory=list)  # its protocol view, as text lines
    # the protocol view's lines for SARIF code flows: thread, file, line, text
    flow: list[dict[str, Any]] = field(default_factory=list)
    search_seconds: float = 0.0  # of ``seconds`` (everything: compile, search, counterexample)

    def passed(self) -> bool:
        return self.status == "pass"


def discover(paths: Sequence[str]) -> list[Path]:
    """Spec files named by ``paths`` (directories are searched for ``*.toml``), sorted."""
    found: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found.extend(sorted(f for f in path.rglob("*.toml") if f.is_file()))
        elif path.is_file():
            found.append(path)
        elif path.exists():  # a FIFO, a device: never read
            try:
                check_regular(path)
            except (UnreadableFile, FileNotFoundError) as exc:
                raise InputError(p, 1, 1, f"cannot read spec file: {exc}") from None
        else:
            raise InputError(p, 1, 1, "no such spec file or directory")
    seen: dict[Path, None] = {}
    for f in found:
        seen.setdefault(f, None)
    return list(seen)


def checker_digest() -> str:
    """Hash of the checker's own source, the Python and Z3 versions (a change to any of
    them re-checks everything)."""
    h = hashlib.sha256(__version__.encode())
    h.update(f"\0{sys.version}\0{_dist_version('z3-solver')}\0".encode())
    for f in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(str(f.relative_to(PACKAGE_DIR)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def model_files(spec: Spec) -> list[Path]:
    """The spec's model and every model file it imports, transitively."""
    return [s.path for s in load_sources(spec.model)]


def cache_key(spec: Spec, checker: str) -> str:
    h = hashlib.sha256(f"{CACHE_FORMAT}\0{checker}\0".encode())
    h.update(spec.path.read_bytes())
    for f in model_files(spec):
        h.update(str(f).encode())
        h.update(f.read_bytes())
    h.update(repr(sorted(spec.constants.items())).encode())
    h.update(repr(spec.options).encode())
    return h.hexdigest()


def property_matches(want: str, vprop: str | None, vkind: str | None, vmsg: str | None) -> bool:
    """A violation is of property ``want``: its name, its kind, or (asserts) in its message."""
    return want in (vprop, vkind) or (vkind == "assert" and bool(vmsg) and want in str(vmsg))


@dataclass(frozen=True)
class ExpectedViolation:
    """The test a violation must pass to be the one a spec expects (a value, so that it
    travels to the workers of a parallel search)."""

    property: str | None
    kind: str | None

    def __call__(self, v: Violation) -> bool:
        if self.property is not None and not property_matches(self.property, v.property, v.kind, v.message):
            return False
        return self.kind is None or self.kind == v.kind


def expected_violation(spec: Spec) -> Callable[[Violation], bool] | None:
    """The test a violation must pass to be the one the spec expects (None: any)."""
    ex = spec.expect
    if ex.verdict != VIOLATED or (ex.property is None and ex.kind is None):
        return None
    return ExpectedViolation(ex.property, ex.kind)


def judge(spec: Spec, verdict: str, vprop: str | None, vkind: str | None, vmsg: str | None, steps: int | None) -> tuple[str, str]:
    """Compare an outcome with the spec's expectation: (status, detail)."""
    ex = spec.expect
    if verdict == INCONCLUSIVE and ex.verdict != INCONCLUSIVE:
        if ex.allow_inconclusive:
            return "pass", "inconclusive, allowed by the spec"
        return "inconclusive", "the search hit a budget before it could decide"
    if verdict != ex.verdict:
        return "fail", f"expected {ex.verdict}, got {verdict}"
    if verdict == VIOLATED:
        if ex.property is not None and not property_matches(ex.property, vprop, vkind, vmsg):
            return "fail", f"expected property {ex.property}, but {vkind} {vprop or ''} was violated".rstrip()
        if ex.kind is not None and ex.kind != vkind:
            return "fail", f"expected a {ex.kind} violation, got {vkind}"
        if ex.max_trace_steps is not None and steps is not None and steps > ex.max_trace_steps:
            return "fail", f"counterexample has {steps} steps, more than max_trace_steps = {ex.max_trace_steps}"
    return "pass", ""


def run_spec(spec: Spec) -> GateRow:
    """Verify one spec (no cache); bad input becomes an ``error`` row."""
    expected = spec.expect.verdict + (f" ({spec.expect.property})" if spec.expect.property else "")
    start = time.perf_counter()
    try:
        model = load_model(
            display_path(spec.model),
            spec.constants,
            spec.options.reduction,
            spec.options.properties,
            spec.options.solver_timeout_ms,
        )
        if spec.options.properties is not None:
            unknown = sorted(spec.options.properties - set(model.property_names))
            if unknown:
                raise properties_error(spec, unknown[0], model.property_names)
        outcome = check_model(model, spec.options, accept=expected_violation(spec))
    except OverrideError as err:
        line, col = _Locator(spec.path.read_text()).find("constants", err.name)
        return _error_row(spec.shown, spec.description, expected,
                          InputError(spec.shown, line, col, f"[constants].{err.name}: {err.message}"))
    except InputError as err:
        return _error_row(spec.shown, spec.description, expected, err)
    except NondeterminismError as err:
        return GateRow(spec.shown, spec.description, expected, "error", None, 0, 0, 0.0, "error", f"{spec.shown}:1:1: error: {err}")
    r = outcome.result
    if str(r.reason).startswith("interrupted"):
        raise KeyboardInterrupt(r.reason)  # Ctrl-C stops the whole gate (and caches nothing for this spec)
    v = r.violation
    steps = len(outcome.trace.steps) if outcome.trace is not None else None
    status, detail = judge(spec, r.verdict, v.property if v else None, v.kind if v else None, v.message if v else None, steps)
    if r.verdict == INCONCLUSIVE:
        detail = f"{detail}: {r.reason}" if detail else str(r.reason)
    if r.passed_over is not None and status == "pass":
        po = r.passed_over
        detail = f"the search met {po.kind} {po.property or ''} first".replace("  ", " ")
    got = r.verdict
    if v is not None:
        got += f" ({v.property or v.kind})"
    counterexample: list[str] = []
    flow: list[dict[str, Any]] = []
    replay = None
    failing = v.location if v is not None else None
    if outcome.trace is not None and outcome.trace.steps and r.path is not None:
        from mmnotif_check.trace.condense import step_range, view_lines
        from mmnotif_check.trace.report import trace_part
        from mmnotif_check.trace.text import branch_note, counterexample_lines, replay_command
        from mmnotif_check.trace.values import ValueText

        part = trace_part(outcome.trace)
        counterexample = counterexample_lines(part, r.shortest)
        values = ValueText(part)
        lines = view_lines(part)
        for ln in lines:
            text = f"step {step_range(ln['steps'])} {ln['thread']}: {ln['statement']}{branch_note(ln)}"
            changes = "; ".join(values.change(c) for c in ln["changes"])
            flow.append({"thread": ln["thread"], "file": ln["file"], "line": ln["line"],
                         "text": f"{text} ({changes})" if changes else text, "marked": bool(ln["marked"])})
        replay = replay_command(model.path, r.path, [f"{k}={_literal(x)}" for k, x in spec.constants.items()])
        failing = _failing_location(v, lines)
    return GateRow(
        spec=spec.shown,
        description=spec.description,
        expected=expected,
        got=got,
        property=v.property if v else None,
        states=r.stats.states,
        transitions=r.stats.transitions,
        seconds=time.perf_counter() - start,
        status=status,
        detail=detail,
        trace_steps=steps,
        path=format_path(r.path) if r.path is not None else None,
        failing_location=failing,
        cacheable=r.verdict != INCONCLUSIVE or str(r.reason).startswith(DETERMINISTIC_BUDGETS),
        kind=v.kind if v else None,
        message=v.message if v else None,
        property_location=v.location if v is not None and v.kind in ("invariant", "final") else None,
        replay=replay,
        counterexample=counterexample,
        flow=flow,
        search_seconds=r.stats.seconds,
    )


def _literal(v: Any) -> str:
    """A constant as ``--set`` takes it (a plain word for simple strings)."""
    if isinstance(v, str) and v and v.replace("-", "").replace("_", "").isalnum():
        return v
    return repr(v)


def _failing_location(v: Violation | None, lines: list[dict[str, Any]]) -> tuple[str, int] | None:
    """Where code scanning marks a violation: a final property at the property; an
    invariant at the last step that changed what it reads; a failing step (an assert, a
    run-time error, a deadlock) at the last line of the protocol view, whose calls into
    the kernel library are the model's own lines that made them."""
    if v is not None and v.kind == "final" and v.location is not None:
        return v.location
    own = [ln for ln in lines if not is_library_path(str(ln["file"]))]
    if v is not None and v.kind == "invariant":
        marked = [ln for ln in own if ln["marked"]]
        if marked:
            return (marked[-1]["file"], marked[-1]["line"])
        if v.location is not None:
            return v.location
    last = (own or lines)[-1] if lines else None
    return (last["file"], last["line"]) if last is not None else (v.location if v is not None else None)


def _error_row(spec: str, description: str, expected: str, err: InputError) -> GateRow:
    return GateRow(spec, description, expected, "error", None, 0, 0, 0.0, "error", err.render(),
                   failing_location=(err.path, err.line) if not err.path.startswith("<") else None)


def _run_path(path: str) -> GateRow:
    try:
        spec = load_spec(path)
    except InputError as err:
        return _error_row(path, "", "?", err)
    return run_spec(spec)


class GateInterrupted(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP stopped the gate: ``rows`` are the specs that finished (in
    path order; they are cached), ``total`` how many there were."""

    def __init__(self, rows: list[GateRow], total: int, cause: BaseException) -> None:
        super().__init__(f"interrupted after {len(rows)} of {total} specs")
        self.rows = rows
        self.total = total
        self.cause = cause


def _lost_row(path: str) -> GateRow:
    return GateRow(path, "", "?", "inconclusive", None, 0, 0, 0.0, "inconclusive",
                   "the worker process running this spec died before it finished (killed, or out of memory?)",
                   cacheable=False)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a process pool's workers at once (SIGTERM, then SIGKILL) and wait for them, so
    that none outlives the gate; queued work is cancelled."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            p.terminate()
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)


def run_gate(
    paths: Sequence[Path],
    jobs: int = 1,
    cache_dir: Path | None = None,
    on_row: Callable[[GateRow, int, int], None] | None = None,
) -> list[GateRow]:
    """Run the specs (in parallel processes when ``jobs`` > 1), using the cache if given.

    ``on_row(row, done, total)`` is called as each spec finishes (cached ones first), and
    each outcome is cached as soon as it is known, so an interrupted gate keeps what
    finished.  The rows come back in the order of ``paths``.
    """
    rows: dict[int, GateRow] = {}
    todo: list[tuple[int, str, str | None]] = []
    checker = checker_digest() if cache_dir is not None else ""
    total = len(paths)
    for k, p in enumerate(paths):
        key = None
        if cache_dir is not None:
            try:
                key = cache_key(load_spec(p), checker)
            except InputError:
                key = None
            if key is not None:
                cached = _cache_get(cache_dir, key)
                if cached is not None:
                    # two spec files with the same text (and model) share a key: the row
                    # must name the spec it stands for now, not the one that filled it
                    cached.spec = str(p)
                    cached.cached = True
                    rows[k] = cached
                    if on_row is not None:
                        on_row(cached, len(rows), total)
                    continue
        todo.append((k, str(p), key))

    def finished(k: int, key: str | None, row: GateRow) -> None:
        rows[k] = row
        if cache_dir is not None and key is not None and row.status != "error" and row.cacheable:
            _cache_put(cache_dir, key, row)
        if on_row is not None:
            on_row(row, len(rows), total)

    if jobs > 1 and len(todo) > 1:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_signals, initargs=(os.getpid(),))
        try:
            futures = {pool.submit(_run_path, path): (k, key) for k, path, key in todo}
            for fut in as_completed(futures):
                k, key = futures[fut]
                try:
                    row = fut.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory): no verdict
                    row = _lost_row(todo[[t[0] for t in todo].index(k)][1])
                finished(k, key, row)
        except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: stop every worker now
            stop_pool(pool)
            raise GateInterrupted([rows[k] for k in sorted(rows)], total, exc) from None
        except BaseException:
            stop_pool(pool)
            raise
        pool.shutdown()
    else:
        try:
            for k, path, key in todo:
                finished(k, key, _run_path(path))
        except KeyboardInterrupt as exc:
            raise GateInterrupted([rows[k] for k in sorted(rows)], total, exc) from None
    return [rows[k] for k in range(len(paths))]


def progress_line(row: GateRow, done: int, total: int) -> str:
    """``[ 3/85] ok    specs/x.toml  0.12 s  violated (p)``: one spec as it finishes."""
    width = len(str(total))
    status = {"pass": "ok", "fail": "FAIL", "inconclusive": "INCONCLUSIVE", "error": "ERROR"}[row.status]
    when = "cached" if row.cached else f"{row.seconds:.2f} s"
    return f"[{done:>{width}}/{total}] {status:<4} {row.spec}  {when}  {row.got}"


def _conforms(value: Any, hint: Any) -> bool:
    """Whether a JSON value has the shape of a field of type ``hint`` (str, int, float,
    bool, Any, ``X | None``, ``tuple[str, int]`` as a JSON array, ``list[X]``, ``dict[str, X]``)."""
    if hint is Any:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, a) for a in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        return (isinstance(value, list) and len(value) == len(args)
                and all(_conforms(v, a) for v, a in zip(value, args, strict=True)))
    if origin is list:
        return isinstance(value, list) and all(_conforms(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(_conforms(v, args[1]) for v in value.values())
    return False


def _row_from_json(row: Any) -> GateRow | None:
    """A cached row, or None when the entry does not have the shape of one: a cache
    entry is never trusted more than a missing one, so a bad entry is a cache miss."""
    fields = {f.name: f for f in dataclasses.fields(GateRow)}
    hints = typing.get_type_hints(GateRow)
    if not isinstance(row, dict) or not set(row) <= set(fields):
        return None
    required = {n for n, f in fields.items()
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    if not required <= set(row) or not all(_conforms(v, hints[n]) for n, v in row.items()):
        return None
    if row["status"] not in ("pass", "fail", "inconclusive", "error"):
        return None
    if any(isinstance(v, int | float) and not isinstance(v, bool) and v < 0 for v in row.values()):
        return None  # counts and seconds are never negative
    # JSON has no tuples: fields typed as tuples come back as lists
    def is_tuple(hint: Any) -> bool:
        return any(typing.get_origin(h) is tuple for h in (hint, *typing.get_args(hint)))

    values: dict[str, Any] = {n: tuple(v) if isinstance(v, list) and is_tuple(hints[n]) else v for n, v in row.items()}
    return GateRow(**values)


def _cache_get(cache_dir: Path, key: str) -> GateRow | None:
    f = cache_dir / f"{key}.json"
    try:
        if not f.is_file() or f.stat().st_size > CACHE_ENTRY_MAX_BYTES:
            return None
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON, too deep
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return _row_from_json(data.get("row"))


def _cache_put(cache_dir: Path, key: str, row: GateRow) -> None:
    """Store a row; the cache is an optimisation, so a cache that cannot be written is skipped."""
    with contextlib.suppress(OSError):
        atomic_write_text(cache_dir / f"{key}.json", json.dumps({"key": key, "row": asdict(row)}) + "\n")


def exit_code(rows: Iterable[GateRow]) -> int:
    statuses = {r.status for r in rows}
    if "error" in statuses:
        return 2
    if "fail" in statuses:
        return 1
    if "inconclusive" in statuses:
        return 3
    return 0


def changed_files(rev: str, cwd: Path) -> tuple[Path, set[Path]]:
    """The git top level and the files changed since ``rev`` (committed, staged, unstaged, untracked)."""
    def git(*args: str, where: Path = cwd) -> str:
        try:
            out = subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, check=True)
        except FileNotFoundError:
            raise InputError("<command line>", 1, 1, "--changed-since needs git, which is not installed") from None
        except subprocess.CalledProcessError as exc:
            msg = (exc.stderr or "").strip().splitlines()
            raise InputError("<command line>", 1, 1, f"--changed-since {rev}: git {' '.join(args[:2])} failed: {msg[-1] if msg else exc}") from None
        return out.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    try:
        git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except InputError:
        if not _has_commits(top):
            # the repository's first commit (a pre-commit hook with --changed-since HEAD):
            # nothing to compare with, so every file is new
            names = git("ls-files", "--cached", "--others", "--exclude-standard", "--full-name", where=top).splitlines()
            return top, {(top / n).resolve() for n in names if n}
        raise InputError(
            "<command line>", 1, 1,
            f"--changed-since {rev}: unknown revision (is it fetched? a CI checkout needs the full history, e.g. fetch-depth: 0)",
        ) from None
    # run from the top level: both list paths relative to it, and ls-files run in a
    # subdirectory would miss untracked files outside it
    names = git("diff", "--name-only", "--no-relative", rev, "--", where=top).splitlines()
    names += git("ls-files", "--others", "--exclude-standard", "--full-name", where=top).splitlines()
    return top, {(top / n).resolve() for n in names if n}


def _has_commits(top: Path) -> bool:
    out = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=top,
                         capture_output=True, text=True, check=False)
    return out.returncode == 0


def select_changed(paths: Sequence[Path], rev: str, cwd: Path) -> list[Path]:
    """The specs whose spec file or model files (imports included) changed since ``rev``.

    A change to the checker's own source re-checks every spec.
    """
    _, changed = changed_files(rev, cwd)
    if any(PACKAGE_DIR in c.parents for c in changed):
        return list(paths)
    out = []
    for p in paths:
        if p.resolve() in changed:
            out.append(p)
            continue
        try:
            spec = load_spec(p)
            files = {f.resolve() for f in model_files(spec)}
        except InputError:
            out.append(p)  # let the run report the bad input
            continue
        if files & changed:
            out.append(p)
    return out


def render_table(rows: Sequence[GateRow]) -> str:
    header = ("spec", "expected", "got", "property", "states", "seconds", "result")
    body = []
    for r in rows:
        body.append(
            (
                r.spec,
                r.expected,
                r.got,
                r.property or "-",
                f"{r.states:,}",
                f"{r.seconds:.2f}" + (" (cached)" if r.cached else ""),
                r.status.upper() if r.status != "pass" else "ok",
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=True)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)).rstrip())
    for r in rows:
        if r.status != "pass" and r.detail:
            lines.append(f"{r.spec}: {r.status}: {r.detail}")
    ok = sum(1 for r in rows if r.passed())
    lines.append(f"{ok} passed, {len(rows) - ok} failed")
    return "\n".join(lines)


def failure_text(r: GateRow) -> str:
    """What a failing spec's report says: the mismatch, the property and its text, the
    counterexample (its protocol view) and the command that replays it."""
    head = f"{r.spec}: expected {r.expected}, got {r.got}"
    lines = [head + (f": {r.detail}" if r.detail and r.detail not in head else "")]
    if r.kind is not None:
        what = f"{r.kind} {r.property}" if r.property and r.kind in ("invariant", "final") else r.kind
        where = f" ({r.property_location[0]}:{r.property_location[1]})" if r.property_location else ""
        lines.append(f"violated: {what}{where}: {r.message or ''}".rstrip(": "))
    if r.counterexample:
        lines += ["", *r.counterexample]
    if r.replay:
        lines += ["", f"replay: {r.replay}"]
    if r.cached:
        lines += ["", "(a cached result: the spec, its model files and the checker are unchanged since it was computed)"]
    return "\n".join(lines)


def junit_xml(rows: Sequence[GateRow]) -> str:
    """JUnit XML: one test case per spec; a spec that is not as expected is a failure (an
    error for bad input) whose text is :func:`failure_text`.  ``time`` is the whole run of
    the spec (compile, search, counterexample); a cached result took no time and says so
    in its ``system-out``."""
    import xml.etree.ElementTree as ET

    def seconds(r: GateRow) -> float:
        return 0.0 if r.cached else r.seconds

    suite = ET.Element(
        "testsuite",
        name="mmnotif-check gate",
        tests=str(len(rows)),
        failures=str(sum(1 for r in rows if r.status in ("fail", "inconclusive"))),
        errors=str(sum(1 for r in rows if r.status == "error")),
        skipped="0",
        time=f"{sum(seconds(r) for r in rows):.3f}",
    )
    for r in rows:
        case = ET.SubElement(suite, "testcase", classname="specs", name=r.spec, time=f"{seconds(r):.3f}")
        if r.status == "fail" or r.status == "inconclusive":
            f = ET.SubElement(case, "failure", message=f"expected {r.expected}, got {r.got}", type=r.status)
            f.text = failure_text(r)
        elif r.status == "error":
            e = ET.SubElement(case, "error", message=r.detail.splitlines()[0] if r.detail else "error", type="error")
            e.text = r.detail
        out = ET.SubElement(case, "system-out")
        out.text = (f"states={r.states} transitions={r.transitions} path={r.path or '-'} "
                    f"search_seconds={r.search_seconds:.3f}"
                    + (f" cached=true (computed in {r.seconds:.3f} s)" if r.cached else ""))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def repository_root(cwd: Path | None = None) -> Path:
    """The top of the git work tree the gate runs in (where code scanning's URIs start),
    else the working directory."""
    here = (cwd or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / ".git").exists():
            return d
    return here


class _Uris:
    """SARIF artifact locations: repository-root-relative with ``uriBaseId`` ``%SRCROOT%``;
    the kernel library (when it is not a file of the repository) under ``MMNOTIF_LIBRARY``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.library = False

    def __call__(self, shown: str) -> dict[str, Any] | None:
        name = shown.replace("\\", "/")
        if is_library_path(name):
            rel = name.rsplit("/kernel/", 1)[-1].split(">/", 1)[-1]
            path = (KERNEL_DIR / rel).resolve()
            if self.root in path.parents:
                return {"uri": path.relative_to(self.root).as_posix(), "uriBaseId": "%SRCROOT%"}
            self.library = True
            return {"uri": rel, "uriBaseId": "MMNOTIF_LIBRARY"}
        if name.startswith("<"):
            return None
        path = Path(name)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if self.root in path.parents:
            return {"uri": path.relative_to(self.root).as_posix(), "uriBaseId": "%SRCROOT%"}
        return {"uri": path.as_uri()}

    def location(self, shown: str, line: int, message: str | None = None) -> dict[str, Any] | None:
        art = self(shown)
        if art is None:
            return None
        loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": art, "region": {"startLine": max(1, int(line))}}}
        if message:
            loc["message"] = {"text": message}
        return loc


def _information_uri() -> str | None:
    """The project's home page from the installed package's metadata, if it names one."""
    try:
        meta = importlib.metadata.metadata("mmnotif-check")
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        _, _, url = str(entry).partition(",")
        if url.strip().startswith("https://"):
            return url.strip()
    home = str(meta["Home-page"] or "")
    return home if home.startswith("https://") else None


RULES = [
    {"id": "mmnotif-check/fail", "name": "UnexpectedVerdict",
     "shortDescription": {"text": "verdict differs from the spec's expectation"},
     "fullDescription": {"text": "The model checker's verdict for a spec (holds or violated, and which property) "
                                 "differs from the [expect] table of the spec. The result's message names the "
                                 "property and its text, the code flow is the counterexample (the protocol's "
                                 "steps) and the replay command re-executes it."},
     "help": {"text": "Run the replay command of the result, or `mmnotif-check verify SPEC.toml`, to see the "
                      "counterexample; fix the model or the spec's expectation."},
     "defaultConfiguration": {"level": "error"}},
    {"id": "mmnotif-check/inconclusive", "name": "Inconclusive",
     "shortDescription": {"text": "search hit a budget"},
     "fullDescription": {"text": "A budget (states, depth, time, memory) or the solver stopped the search before "
                                 "it could decide the spec."},
     "help": {"text": "Raise the spec's budgets, make the model smaller, or set allow_inconclusive."},
     "defaultConfiguration": {"level": "warning"}},
    {"id": "mmnotif-check/error", "name": "BadInput",
     "shortDescription": {"text": "bad spec or model"},
     "fullDescription": {"text": "The spec or a model file it names is not valid input."},
     "help": {"text": "The message names the file, line and column and what is wrong."},
     "defaultConfiguration": {"level": "error"}},
]


def sarif(rows: Sequence[GateRow], root: Path | None = None) -> str:
    """SARIF 2.1.0: one result per spec that is not as expected, located where code
    scanning should mark it (:func:`_failing_location`), URIs relative to the repository
    root (``uriBaseId`` ``%SRCROOT%``); the counterexample is a code flow with one thread
    flow per thread."""
    uris = _Uris(root or repository_root())
    results: list[dict[str, Any]] = []
    for r in rows:
        if r.status == "pass":
            continue
        loc = None
        if r.failing_location is not None:
            loc = uris.location(r.failing_location[0], r.failing_location[1])
        if loc is not None and loc["physicalLocation"]["artifactLocation"].get("uriBaseId") == "MMNOTIF_LIBRARY":
            loc = None  # not a file of the repository: code scanning marks the spec instead
        if loc is None:
            loc = uris.location(r.spec, 1)
        text = failure_text(r)
        result: dict[str, Any] = {
            "ruleId": f"mmnotif-check/{r.status}",
            "level": "warning" if r.status == "inconclusive" else "error",
            "message": {"text": text},
            "locations": [loc] if loc is not None else [],
            "properties": {"spec": r.spec, "expected": r.expected, "got": r.got, "cached": r.cached,
                           "states": r.states, **({"replay": r.replay} if r.replay else {})},
        }
        related = []
        spec_loc = uris.location(r.spec, 1, "the spec")
        if spec_loc is not None:
            related.append(spec_loc)
        if r.property_location is not None:
            prop = uris.location(r.property_location[0], r.property_location[1], f"the property {r.property}")
            if prop is not None:
                related.append(prop)
        for k, x in enumerate(related):
            x["id"] = k
        if related:
            result["relatedLocations"] = related
        if r.flow:
            threads: dict[str, list[dict[str, Any]]] = {}
            for order, step in enumerate(r.flow):
                at = uris.location(step["file"], step["line"], step["text"])
                if at is None:
                    continue
                threads.setdefault(step["thread"], []).append(
                    {"location": at, "executionOrder": order, **({"importance": "essential"} if step.get("marked") else {})})
            result["codeFlows"] = [{
                "message": {"text": f"counterexample, {r.trace_steps} steps" + (f"; replay: {r.replay}" if r.replay else "")},
                "threadFlows": [{"id": t, "message": {"text": f"thread {t}"}, "locations": locs} for t, locs in threads.items()],
            }]
        results.append(result)
    driver: dict[str, Any] = {"name": "mmnotif-check", "version": __version__, "semanticVersion": __version__,
                              "rules": RULES}
    info = _information_uri()
    if info is not None:
        driver["informationUri"] = info
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": uris.root.as_uri() + "/",
                                             "description": {"text": "the root of the repository"}}},
        "results": results,
    }
    if uris.library:
        run["originalUriBaseIds"]["MMNOTIF_LIBRARY"] = {
            "uri": KERNEL_DIR.as_uri() + "/", "description": {"text": "the kernel library shipped with mmnotif-check"}}
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"


def markdown(rows: Sequence[GateRow]) -> str:
    ok = sum(1 for r in rows if r.passed())
    lines = [
        f"### mmnotif-check gate: {ok}/{len(rows)} specs as expected",
        "",
        "| spec | expected | got | states | seconds | result |",
        "|---|---|---|---:|---:|---|",
    ]
    for r in rows:
        mark = "ok" if r.passed() else f"**{r.status}**"
        when = "cached" if r.cached else f"{r.seconds:.2f}"
        lines.append(f"| `{r.spec}` | {r.expected} | {r.got} | {r.states:,} | {when} | {mark} |")
    bad = [r for r in rows if not r.passed()]
    if bad:
        lines.append("")
        for r in bad:
            lines.append(f"- `{r.spec}`: {r.detail}")
            if r.kind is not None and r.message:
                lines.append(f"  - violated {r.kind}{' ' + r.property if r.property and r.kind in ('invariant', 'final') else ''}: {r.message}")
            if r.replay:
                lines.append(f"  - replay: `{r.replay}`")
            if r.counterexample:
                lines += ["", "  <details><summary>counterexample</summary>", "", "  ```", *("  " + x for x in r.counterexample),
                          "  ```", "  </details>", ""]
    return "\n".join(lines) + "\n"


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))
