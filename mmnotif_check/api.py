"""The Python API: check a model or a spec, read the verdict, statistics and counterexample.

::

    from mmnotif_check.api import check

    result = check("models/racy_lock.py")                 # a model file, or a spec (.toml)
    result.verdict                                        # 'violated'
    result.property, result.message                       # ('mutual_exclusion', 'two threads ...')
    for line in result.steps():                           # the protocol's steps (detail="full": all)
        print(line.steps, line.thread, line.statement, line.changes)
    print(result.render("text"))                          # or json, itf, mermaid, dot, html
    result.replay_command                                 # re-executes the counterexample

``check(target, constants=..., **options)`` takes the options of ``verify`` as keywords
(``properties``, ``reduction``, ``store``, ``symmetry``, ``shortest``, ``strategy``,
``max_states``, ``max_depth``, ``timeout``, ``max_memory_mb``, ``check_deadlock``,
``solver_timeout_ms``); with a spec they override the spec's, like the command line.
Bad input raises :class:`InputError` (``file:line:col`` in ``str(err)``). A spec's
expectation is checked by :meth:`CheckResult.as_expected` and
:meth:`CheckResult.assert_expected`; :meth:`CheckResult.assert_holds` raises
:class:`UnexpectedVerdict` (an ``AssertionError``) with the counterexample in its message.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mmnotif_check.engine.result import HOLDS, INCONCLUSIVE, VIOLATED, Stats
from mmnotif_check.errors import InputError, NondeterminismError, OverrideError
from mmnotif_check.options import CheckOptions, option_problem
from mmnotif_check.spec import Spec

__all__ = [
    "FORMATS",
    "CheckResult",
    "InputError",
    "NondeterminismError",
    "OverrideError",
    "Step",
    "UnexpectedVerdict",
    "check",
    "load",
    "load_spec",
]

FORMATS = ("text", "json", "itf", "mermaid", "dot", "html")
_OPTION_NAMES = {f.name for f in dataclasses.fields(CheckOptions)}


class UnexpectedVerdict(AssertionError):
    """A check did not end as required; the message has the counterexample."""

    def __init__(self, message: str, result: CheckResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Step:
    """One line of a counterexample view: ``steps`` are the literal step numbers it stands
    for (several for a call into the kernel library), ``changes`` ``(name, old, new)``,
    ``marked`` the names of changes the violated property reads."""

    steps: tuple[int, ...]
    thread: str
    file: str
    line: int
    statement: str
    function: str | None
    changes: tuple[tuple[str, Any, Any], ...]
    marked: tuple[str, ...] = ()
    failed: bool = False
    taken: bool | None = None


def load_spec(path: str | Path) -> Spec:
    """Read and check a spec file (raises :class:`InputError`)."""
    from mmnotif_check.spec import load_spec as _load

    return _load(str(path))


def load(target: str | Path, constants: Mapping[str, Any] | None = None, **options: Any) -> tuple[Any, CheckOptions, Spec | None]:
    """Compile ``target`` (a model file or a spec) with ``constants`` over the spec's:
    ``(model, options, spec or None)``; the model implements the engine interface."""
    from mmnotif_check.lang.loader import display_path
    from mmnotif_check.lang.system import load_model

    unknown = sorted(set(options) - _OPTION_NAMES)
    if unknown:
        raise TypeError(f"unknown option {unknown[0]!r} (known: {', '.join(sorted(_OPTION_NAMES))})")
    for key, value in options.items():  # the rules of the command line and of spec keys
        problem = option_problem("max_memory" if key == "max_memory_mb" else key, value) if value is not None else None
        if problem is not None:
            raise ValueError(f"option {key} {problem}")
    if "properties" in options and options["properties"] is not None:
        options["properties"] = frozenset(options["properties"])
    target = str(target)
    spec = None
    overrides = dict(constants or {})
    base = CheckOptions()
    model_path = target
    if target.endswith(".toml"):
        spec = load_spec(target)
        model_path = display_path(spec.model)
        overrides = {**spec.constants, **overrides}
        base = spec.options
    opts = base.with_(**options)
    model = load_model(model_path, overrides, opts.reduction, opts.properties, opts.solver_timeout_ms)
    if opts.properties is not None:
        missing = sorted(opts.properties - set(model.property_names))
        if missing:
            raise InputError(target, 1, 1, f"the model has no property {missing[0]!r} "
                                            f"(known: {', '.join(model.property_names) or 'none'})")
    return model, opts, spec


def check(target: str | Path, constants: Mapping[str, Any] | None = None, **options: Any) -> CheckResult:
    """Verify ``target`` (``MODEL.py`` or ``SPEC.toml``) and return the result."""
    from mmnotif_check.runner import check_model
    from mmnotif_check.trace.report import report_dict

    model, opts, spec = load(target, constants, **options)
    accept = None
    if spec is not None:
        from mmnotif_check.gate import expected_violation

        accept = expected_violation(spec)
    outcome = check_model(model, opts, accept=accept)
    report = report_dict(str(target), model.path, model.constants, opts, outcome.result, outcome.trace)
    sets = [f"{k}={_literal(v)}" for k, v in model.constants.items()
            if k in dict(constants or {}) or (spec is not None and k in spec.constants)]
    return CheckResult(target=str(target), report=report, spec=spec, sets=sets, model=model)


def _literal(v: Any) -> str:
    if isinstance(v, str) and v and v.replace("-", "").replace("_", "").isalnum():
        return v
    return repr(v)


@dataclass
class CheckResult:
    """The outcome of :func:`check`.  ``report`` is the JSON report (docs/trace-format.md)."""

    target: str
    report: dict[str, Any]
    spec: Spec | None = None
    sets: list[str] = field(default_factory=list)
    model: Any = field(default=None, repr=False)

    # ------------------------------------------------------------------ verdict
    @property
    def verdict(self) -> str:
        """``holds``, ``violated`` or ``inconclusive``."""
        return str(self.report["verdict"])

    @property
    def holds(self) -> bool:
        return self.verdict == HOLDS

    @property
    def violated(self) -> bool:
        return self.verdict == VIOLATED

    @property
    def inconclusive(self) -> bool:
        return self.verdict == INCONCLUSIVE

    @property
    def kind(self) -> str | None:
        """``invariant``, ``final``, ``assert``, ``deadlock`` or ``error``."""
        return self.report.get("kind")

    @property
    def message(self) -> str | None:
        return self.report.get("message")

    @property
    def reason(self) -> str | None:
        """Why an inconclusive search stopped."""
        return self.report.get("reason")

    @property
    def witness(self) -> dict[str, int]:
        return dict(self.report.get("witness") or {})

    @property
    def stats(self) -> Stats:
        from mmnotif_check.trace.text import report_objects

        return report_objects(self.report)[0].stats

    # ----------------------------------------------------------- counterexample
    @property
    def path(self) -> str | None:
        """The replay token (literal steps)."""
        return self.report.get("path")

    @property
    def replay_command(self) -> str | None:
        if self.path is None:
            return None
        words = ["mmnotif-check", "replay", self.report["model"], "--path", self.path]
        for s in self.sets:
            words += ["--set", s]
        return shlex.join(words)

    def steps(self, detail: str = "protocol") -> list[Step]:
        """The counterexample's lines: ``protocol`` (each call into the kernel library one
        line, as the text view) or ``full`` (every literal step); ``[]`` without one."""
        from mmnotif_check.trace.condense import view_lines

        if not self.report.get("trace"):
            return []
        return [
            Step(tuple(x["steps"]), x["thread"], x["file"], x["line"], x["statement"], x.get("function"),
                 tuple((c["name"], c["old"], c["new"]) for c in x["changes"]), tuple(x["marked"]), x["failed"],
                 x.get("taken"))
            for x in view_lines(self.report, detail)
        ]

    def render(self, fmt: str = "text", detail: str = "protocol", source_dirs: list[Path] | None = None) -> str:
        """The report in ``fmt`` (:data:`FORMATS`); the drawing formats need a counterexample."""
        from mmnotif_check.trace.formats import TRACE_FORMATS, render_report

        if fmt in TRACE_FORMATS and not self.report.get("trace"):
            raise ValueError(f"no counterexample to render as {fmt} (verdict {self.verdict})")
        return render_report(self.report, fmt, source_dirs or [Path.cwd()], self.replay_command, detail)

    def __str__(self) -> str:
        return self.render("text")

    # -------------------------------------------------------------- expectations
    def as_expected(self) -> bool:
        """For a spec: whether the outcome matches its ``[expect]`` table (as the gate judges)."""
        return self._judge()[0] == "pass"

    def _judge(self) -> tuple[str, str]:
        if self.spec is None:
            raise ValueError("as_expected() needs a spec: check('SPEC.toml')")
        from mmnotif_check.gate import judge

        steps = len(self.report.get("trace") or []) or None
        return judge(self.spec, self.verdict, self.property, self.kind, self.message, steps)

    def assert_expected(self) -> None:
        status, detail = self._judge()
        if status != "pass":
            raise UnexpectedVerdict(f"{self.target}: {detail}\n\n{self}", self)

    def assert_holds(self) -> None:
        if not self.holds:
            raise UnexpectedVerdict(f"{self.target}: expected every property to hold, got {self.verdict}\n\n{self}", self)

    def assert_violated(self, property: str | None = None) -> None:
        from mmnotif_check.gate import property_matches

        if not self.violated or (property is not None and not property_matches(property, self.property, self.kind, self.message)):
            want = f"a violation of {property}" if property else "a violation"
            raise UnexpectedVerdict(f"{self.target}: expected {want}, got {self.verdict} "
                                    f"{self.kind or ''} {self.property or ''}".rstrip() + f"\n\n{self}", self)

    # last in the class body: the name shadows the builtin for what follows it
    @property
    def property(self) -> str | None:
        """The violated property (an invariant's, final's or named assert's name)."""
        return self.report.get("property")
