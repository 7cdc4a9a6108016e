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
import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mmnotif_check import __version__
from mmnotif_check.engine.result import INCONCLUSIVE, VIOLATED, Violation, format_path
from mmnotif_check.errors import InputError, NondeterminismError, OverrideError
from mmnotif_check.fsutil import atomic_write_text
from mmnotif_check.lang.loader import display_path, load_sources
from mmnotif_check.lang.system import load_model
from mmnotif_check.runner import check_model
from mmnotif_check.spec import Spec, _Locator, load_spec

PACKAGE_DIR = Path(__file__).resolve().parent
CACHE_FORMAT = 1
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


def expected_violation(spec: Spec) -> Callable[[Violation], bool] | None:
    """The test a violation must pass to be the one the spec expects (None: any)."""
    ex = spec.expect
    if ex.verdict != VIOLATED or (ex.property is None and ex.kind is None):
        return None

    def accept(v: Violation) -> bool:
        if ex.property is not None and not property_matches(ex.property, v.property, v.kind, v.message):
            return False
        return ex.kind is None or ex.kind == v.kind

    return accept


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
                line, col = _Locator(spec.path.read_text()).find("spec", "properties")
                raise InputError(spec.shown, line, col, f"[spec].properties: the model has no invariant or final '{unknown[0]}' (known: {', '.join(model.property_names)})")
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
    if r.verdict == INCONCLUSIVE and str(r.reason).startswith("interrupted"):
        raise KeyboardInterrupt  # Ctrl-C stops the whole gate (and caches nothing)
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
    failing = None
    if outcome.trace is not None and outcome.trace.steps:
        # the failing step; when it is inside the shipped kernel library (shown as
        # "<mmnotif_check.kernel>/x.py", not a file of the repository), the last step in
        # the user's own model files: the call that led there
        own = [s for s in outcome.trace.steps if not str(s.path).startswith("<")]
        last = (own or outcome.trace.steps)[-1]
        failing = (last.path, last.line)
    elif v is not None and v.location is not None:
        failing = v.location
    return GateRow(
        spec=spec.shown,
        description=spec.description,
        expected=expected,
        got=got,
        property=v.property if v else None,
        states=r.stats.states,
        transitions=r.stats.transitions,
        seconds=r.stats.seconds,
        status=status,
        detail=detail,
        trace_steps=steps,
        path=format_path(r.path) if r.path is not None else None,
        failing_location=failing,
        cacheable=r.verdict != INCONCLUSIVE or str(r.reason).startswith(DETERMINISTIC_BUDGETS),
    )


def _error_row(spec: str, description: str, expected: str, err: InputError) -> GateRow:
    return GateRow(spec, description, expected, "error", None, 0, 0, 0.0, "error", err.render(),
                   failing_location=(err.path, err.line) if not err.path.startswith("<") else None)


def _run_path(path: str) -> GateRow:
    try:
        spec = load_spec(path)
    except InputError as err:
        return _error_row(path, "", "?", err)
    return run_spec(spec)


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
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_run_path, path): (k, key) for k, path, key in todo}
            for fut in as_completed(futures):
                k, key = futures[fut]
                finished(k, key, fut.result())
    else:
        for k, path, key in todo:
            finished(k, key, _run_path(path))
    return [rows[k] for k in range(len(paths))]


def progress_line(row: GateRow, done: int, total: int) -> str:
    """``[ 3/85] ok    specs/x.toml  0.12 s  violated (p)``: one spec as it finishes."""
    width = len(str(total))
    status = {"pass": "ok", "fail": "FAIL", "inconclusive": "INCONCLUSIVE", "error": "ERROR"}[row.status]
    when = "cached" if row.cached else f"{row.seconds:.2f} s"
    return f"[{done:>{width}}/{total}] {status:<4} {row.spec}  {when}  {row.got}"


def _cache_get(cache_dir: Path, key: str) -> GateRow | None:
    f = cache_dir / f"{key}.json"
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        row = data["row"]
        if row.get("failing_location") is not None:
            row["failing_location"] = tuple(row["failing_location"])
        return GateRow(**row)
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
        raise InputError(
            "<command line>", 1, 1,
            f"--changed-since {rev}: unknown revision (is it fetched? a CI checkout needs the full history, e.g. fetch-depth: 0)",
        ) from None
    # run from the top level: both list paths relative to it, and ls-files run in a
    # subdirectory would miss untracked files outside it
    names = git("diff", "--name-only", "--no-relative", rev, "--", where=top).splitlines()
    names += git("ls-files", "--others", "--exclude-standard", "--full-name", where=top).splitlines()
    return top, {(top / n).resolve() for n in names if n}


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


def junit_xml(rows: Sequence[GateRow]) -> str:
    import xml.etree.ElementTree as ET

    suite = ET.Element(
        "testsuite",
        name="mmnotif-check gate",
        tests=str(len(rows)),
        failures=str(sum(1 for r in rows if r.status in ("fail", "inconclusive"))),
        errors=str(sum(1 for r in rows if r.status == "error")),
        time=f"{sum(r.seconds for r in rows):.3f}",
    )
    for r in rows:
        case = ET.SubElement(suite, "testcase", classname="specs", name=r.spec, time=f"{r.seconds:.3f}")
        if r.status == "fail" or r.status == "inconclusive":
            f = ET.SubElement(case, "failure", message=f"expected {r.expected}, got {r.got}", type=r.status)
            f.text = r.detail
        elif r.status == "error":
            e = ET.SubElement(case, "error", message=r.detail.splitlines()[0] if r.detail else "error")
            e.text = r.detail
        out = ET.SubElement(case, "system-out")
        out.text = f"states={r.states} transitions={r.transitions} path={r.path or '-'}"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def sarif(rows: Sequence[GateRow]) -> str:
    results: list[dict[str, Any]] = []
    for r in rows:
        if r.status == "pass":
            continue
        loc = r.failing_location or (r.spec, 1)
        if str(loc[0]).startswith("<"):  # not a file of the repository, and not a valid URI
            loc = (r.spec, 1)
        results.append(
            {
                "ruleId": f"mmnotif-check/{r.status}",
                "level": "error",
                "message": {"text": f"{r.spec}: expected {r.expected}, got {r.got}. {r.detail}".strip()},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": Path(loc[0]).as_posix()},
                            "region": {"startLine": max(1, int(loc[1]))},
                        }
                    }
                ],
            }
        )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mmnotif-check",
                        "version": __version__,
                        "informationUri": "https://example.invalid/mmnotif-check",
                        "rules": [
                            {"id": "mmnotif-check/fail", "shortDescription": {"text": "verdict differs from the spec's expectation"}},
                            {"id": "mmnotif-check/inconclusive", "shortDescription": {"text": "search hit a budget"}},
                            {"id": "mmnotif-check/error", "shortDescription": {"text": "bad spec or model"}},
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
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
        lines.append(f"| `{r.spec}` | {r.expected} | {r.got} | {r.states:,} | {r.seconds:.2f} | {mark} |")
    bad = [r for r in rows if not r.passed()]
    if bad:
        lines.append("")
        for r in bad:
            lines.append(f"- `{r.spec}`: {r.detail}")
    return "\n".join(lines) + "\n"


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))
