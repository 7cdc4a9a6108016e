"""Spec files: one TOML verification job each, with its expected outcome.

Schema (documented in docs/specs.md)::

    [spec]                      # required
    model = "../models/x.py"    # required, relative to the spec file
    description = "..."         # optional
    properties = ["a", "b"]     # optional: check only these invariants/finals
    strategy = "bfs"            # optional: bfs | dfs
    deadlock = true             # optional: report deadlocks (default true)
    reduction = "por"           # optional: none | local | por (default)
    store = "fingerprint"       # optional: exact | fingerprint (default)
    symmetry = false            # optional: canonicalise interchangeable threads and objects
    shortest = false            # optional: search for a shortest counterexample
    [check]                     # optional: the keys of [spec] other than model and
                                #   description may stand here instead
    [constants]                 # optional: NAME = value overrides
    [budget]                    # optional ([budgets] also accepted; the same keys
    max_states = 1000000        #   are accepted in [spec])
    max_depth = 200
    timeout = 60
    max_memory = 4096           # MiB
    [expect]                    # required
    verdict = "violated"        # holds | violated | inconclusive
    property = "no_leaked_finish"   # optional: property name, or kind (deadlock, assert, error)
    kind = "invariant"          # optional
    max_trace_steps = 40        # optional
    allow_inconclusive = false  # optional: an inconclusive run is not a failure
"""

from __future__ import annotations

import difflib
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmnotif_check.errors import InputError
from mmnotif_check.lang.limits import MAX_NESTING, input_problem
from mmnotif_check.options import CheckOptions, option_problem
from mmnotif_check.textfile import UnreadableFile, long_number_at, read_text, too_deep_at

VERDICTS = ("holds", "violated", "inconclusive")
KINDS = ("invariant", "final", "assert", "deadlock", "error")
BUDGET_KEYS = {"max_states": int, "max_depth": int, "timeout": (int, float), "max_memory": int}
SPEC_KEYS: dict[str, Any] = {
    "model": str,
    "description": str,
    "properties": list,
    "strategy": str,
    "deadlock": bool,
    "reduction": str,
    "store": str,
    "symmetry": bool,
    "shortest": bool,
    "solver_timeout_ms": int,
    **BUDGET_KEYS,
}
EXPECT_KEYS: dict[str, Any] = {
    "verdict": str,
    "property": str,
    "kind": str,
    "max_trace_steps": int,
    "allow_inconclusive": bool,
}
CHECK_KEYS = {k: v for k, v in SPEC_KEYS.items() if k not in ("model", "description")}
TABLES = {
    "spec": SPEC_KEYS,
    "check": CHECK_KEYS,  # the how-to-check keys may also stand in a [check] table
    "constants": None,
    "budget": BUDGET_KEYS,
    "budgets": BUDGET_KEYS,
    "expect": EXPECT_KEYS,
}


@dataclass(frozen=True)
class Expectation:
    verdict: str
    property: str | None = None
    kind: str | None = None
    max_trace_steps: int | None = None
    allow_inconclusive: bool = False


@dataclass(frozen=True)
class Spec:
    path: Path
    shown: str
    model: Path
    description: str
    constants: dict[str, Any]
    options: CheckOptions
    expect: Expectation


class _Locator:
    """Finds the line of ``[table]`` / ``key =`` in the spec text for error messages.

    Understands ``[[table]]`` headers, dotted headers (``[expect.x]`` is key ``x`` of
    ``[expect]``), dotted and quoted keys, and inline tables (``spec = { ... }``).
    """

    HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]")
    KEY = re.compile(r"^\s*([\"']?)([A-Za-z0-9_-]+)\1\s*[.=]")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def find(self, table: str | None, key: str | None = None) -> tuple[int, int]:
        """1-based (line, column) of the table header or key; (1, 1) if not found."""
        return self._find(table, key) or (1, 1)

    def _find(self, table: str | None, key: str | None) -> tuple[int, int] | None:
        current = None
        for n, line in enumerate(self.lines, start=1):
            m = self.HEADER.match(line)
            if m:
                current = m.group(1)
                if key is None and current == table:
                    return n, line.index("[") + 1
                if key is not None and current == f"{table}.{key}":
                    return n, m.start(1) + len(str(table)) + 2
                continue
            if key is not None and current == table:
                km = self.KEY.match(line)
                if km and km.group(2) == key:
                    return n, km.start(2) + 1 - (1 if km.group(1) else 0)
        if table is not None:
            # an inline table: ``table = { key = ... }``
            at = self._find(None, table)
            if at is not None and key is not None:
                k = re.search(rf"(?<![A-Za-z0-9_-])[\"']?{re.escape(key)}[\"']?\s*=", self.lines[at[0] - 1][at[1]:])
                if k:
                    return at[0], at[1] + k.start() + 1
            return at
        return None


def _type_ok(value: Any, want: Any) -> bool:
    if want is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(want, tuple):
        return any(_type_ok(value, w) for w in want)
    if want is float:
        return isinstance(value, float)
    return isinstance(value, want)


def _type_name(want: Any) -> str:
    if isinstance(want, tuple):
        return " or ".join(_type_name(w) for w in want)
    return {int: "an integer", float: "a number", str: "a string", bool: "a boolean", list: "an array"}[want]


def load_spec(path: str | Path) -> Spec:
    """Read and strictly validate a spec; every problem is an :class:`InputError`."""
    spec_path = Path(path)
    shown = str(path)
    try:
        text = read_text(spec_path)  # a FIFO or a device is refused before it is read
    except FileNotFoundError:
        raise InputError(shown, 1, 1, "spec file does not exist") from None
    except UnreadableFile as exc:
        if exc.line > 1 or exc.col > 1:
            raise InputError(shown, exc.line, exc.col, exc.message) from None
        raise InputError(shown, 1, 1, f"cannot read spec file: {exc.message}") from None
    deep = too_deep_at(text, MAX_NESTING)
    if deep is not None:  # tomllib recurses once per level: refuse before it runs out of stack
        raise InputError(shown, *deep, f"bad TOML: arrays or tables nested too deeply (more than {MAX_NESTING} levels)")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        raise InputError(shown, line, col, f"bad TOML: {str(exc).split(' (at line')[0]}") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        line, col = long_number_at(text, sys.get_int_max_str_digits()) or (1, 1)
        raise InputError(shown, line, col, f"bad TOML: integer too large (more than "
                         f"{sys.get_int_max_str_digits()} digits)" if "digits" in str(exc) else f"bad TOML: {exc}") from None
    except RecursionError:
        raise InputError(shown, 1, 1, "bad TOML: nested too deeply") from None
    loc = _Locator(text)

    def err(table: str | None, key: str | None, message: str) -> InputError:
        line, col = loc.find(table, key)
        return InputError(shown, line, col, message)

    for table, value in data.items():
        if table not in TABLES and not isinstance(value, dict):
            owners = [f"[{t}]" for t, keys in TABLES.items() if keys is not None and table in keys]
            hint = f"; it belongs in {' or '.join(owners)}" if owners else ""
            raise err(None, table, f"unknown top-level key '{table}' (keys go in a table){hint}")
        if table not in TABLES:
            close = difflib.get_close_matches(table, list(TABLES), n=1)
            hint = f"; did you mean [{close[0]}]?" if close else f" (tables: {', '.join('[' + t + ']' for t in TABLES)})"
            raise err(table, None, f"unknown table [{table}]{hint}")
        if not isinstance(value, dict):
            line, col = loc._find(table, None) or loc.find(None, table)
            what = f"an array of tables [[{table}]]" if isinstance(value, list) else repr(value)
            raise InputError(shown, line, col, f"'{table}' must be a table [{table}], not {what}")
        allowed = TABLES[table]
        if allowed is None:
            continue
        for key, v in value.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(allowed)})"
                raise err(table, key, f"unknown key [{table}].{key}{hint}")
            if not _type_ok(v, allowed[key]):
                raise err(table, key, f"[{table}].{key} must be {_type_name(allowed[key])}, not {v!r}")
    if "spec" not in data:
        raise err(None, None, "missing [spec] table (it names the model: model = \"../models/x.py\")")
    if "expect" not in data:
        raise err(None, None, "missing [expect] table (verdict = \"holds\" or \"violated\")")
    sp = dict(data["spec"])
    for key, value in data.get("check", {}).items():
        if key in sp:
            raise err("check", key, f"[check].{key} is also given in [spec]")
        if key not in BUDGET_KEYS:
            sp[key] = value
    if "model" not in sp:
        raise err("spec", None, "[spec].model is required (the model file, relative to this spec)")
    model = (spec_path.parent / sp["model"]).resolve()
    if not model.is_file():
        what = "is not a file" if model.exists() else "does not exist"
        raise err("spec", "model", f"[spec].model: model file '{sp['model']}' {what} (looked for {model})")
    if model.suffix != ".py":  # said here, at the key, not as an error inside that file
        raise err("spec", "model", f"[spec].model: '{sp['model']}' is not a model file (a model file must be a '.py' file)")
    ex = data["expect"]
    if "verdict" not in ex:
        raise err("expect", None, "[expect].verdict is required (holds | violated | inconclusive)")
    if ex["verdict"] not in VERDICTS:
        raise err("expect", "verdict", f"[expect].verdict must be one of {', '.join(VERDICTS)}, not {ex['verdict']!r}")
    if "kind" in ex and ex["kind"] not in KINDS:
        raise err("expect", "kind", f"[expect].kind must be one of {', '.join(KINDS)}, not {ex['kind']!r}")
    if ex["verdict"] != "violated":
        for key in ("property", "kind", "max_trace_steps"):
            if key in ex:
                raise err("expect", key, f"[expect].{key} only makes sense with verdict = \"violated\"")
    if ex.get("max_trace_steps", 0) < 0:
        raise err("expect", "max_trace_steps", f"[expect].max_trace_steps must be 0 or more, not {ex['max_trace_steps']}")
    defaults = CheckOptions()
    choices: dict[str, Any] = {}
    for key in ("strategy", "reduction", "store", "solver_timeout_ms"):
        chosen = sp.get(key, getattr(defaults, key))
        problem = option_problem(key, chosen)  # the same rules as the command line's
        if problem is not None:
            table = "check" if key in data.get("check", {}) else "spec"
            raise err(table, key, f"[{table}].{key} {problem}")
        choices[key] = chosen
    props = sp.get("properties")
    if props is not None and not all(isinstance(p, str) for p in props):
        raise err("spec", "properties", "[spec].properties must be an array of property names")
    budgets: dict[str, Any] = {}
    for table in ("spec", "check", "budget", "budgets"):
        for key in BUDGET_KEYS:
            if key in data.get(table, {}):
                if key in budgets:
                    raise err(table, key, f"budget '{key}' is given twice")
                value = data[table][key]
                problem = option_problem(key, value)  # nan, inf and 0 included
                if problem is not None:
                    raise err(table, key, f"[{table}].{key} {problem}")
                budgets[key] = value
    constants = data.get("constants", {})
    for name, value in constants.items():
        if not _model_value(value):
            raise err("constants", name, f"[constants].{name}: {value!r} is not a model value (int, bool, string, or an array of these)")
        problem = input_problem(value)
        if problem is not None:
            raise err("constants", name, f"[constants].{name}: {problem}")
    options = CheckOptions(
        strategy=choices["strategy"],
        max_states=budgets.get("max_states"),
        max_depth=budgets.get("max_depth"),
        timeout=float(budgets["timeout"]) if "timeout" in budgets else None,
        max_memory_mb=budgets.get("max_memory"),
        properties=frozenset(props) if props is not None else None,
        check_deadlock=sp.get("deadlock", True),
        reduction=choices["reduction"],
        store=choices["store"],
        symmetry=sp.get("symmetry", defaults.symmetry),
        shortest=sp.get("shortest", defaults.shortest),
        solver_timeout_ms=choices["solver_timeout_ms"],
    )
    return Spec(
        path=spec_path,
        shown=shown,
        model=model,
        description=sp.get("description", ""),
        constants={k: _to_model(v) for k, v in constants.items()},
        options=options,
        expect=Expectation(
            verdict=ex["verdict"],
            property=ex.get("property"),
            kind=ex.get("kind"),
            max_trace_steps=ex.get("max_trace_steps"),
            allow_inconclusive=ex.get("allow_inconclusive", False),
        ),
    )


def unknown_property(name: str, known: list[str]) -> str:
    """``the model has no property 'x'; did you mean 'y'? (known: ...)``."""
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"the model has no property '{name}'{hint} (known: {', '.join(known) or 'none'})"


def properties_error(spec: Spec, name: str, known: list[str]) -> InputError:
    """A property the spec selects that the model does not have, at the spec's
    ``properties`` key ([spec] or [check])."""
    try:
        text = read_text(spec.path)
    except (OSError, UnreadableFile):
        text = ""
    loc = _Locator(text)
    table = "spec" if loc._find("spec", "properties") is not None or loc._find("check", "properties") is None else "check"
    line, col = loc.find(table, "properties")
    return InputError(spec.shown, line, col, f"[{table}].properties: {unknown_property(name, known)}")


def _model_value(v: Any) -> bool:
    if isinstance(v, bool | int | str):
        return True
    if isinstance(v, list):
        return all(_model_value(x) for x in v)
    return False


def _to_model(v: Any) -> Any:
    return tuple(_to_model(x) for x in v) if isinstance(v, list) else v
