"""Read a JSON report (``verify --trace-out`` / ``--json``) back, checking its schema.

Every problem is an :class:`InputError` naming ``TRACE.json:LINE:COL``: a JSON syntax error
at the position :mod:`json` reports, a missing or mistyped key at the value (or the object
that lacks it), an unsupported ``schema_version`` at that number.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mmnotif_check.engine.result import parse_path
from mmnotif_check.errors import InputError
from mmnotif_check.lang.limits import input_problem
from mmnotif_check.textfile import UnreadableFile, long_number_at, read_text, too_deep_at
from mmnotif_check.trace.jsonpos import locate
from mmnotif_check.trace.report import SCHEMA_VERSION

# key -> accepted JSON types (None allowed where listed)
_TOP: dict[str, tuple[type, ...]] = {
    "schema_version": (int,),
    "target": (str,),
    "model": (str,),
    "constants": (dict,),
    "options": (dict,),
    "verdict": (str,),
    "property": (str, type(None)),
    "kind": (str, type(None)),
    "message": (str, type(None)),
    "path": (str, type(None)),
    "trace": (list,),
}
_STEP: dict[str, tuple[type, ...]] = {
    "step": (int,),
    "thread": (str,),
    "file": (str,),
    "line": (int,),
    "statement": (str,),
    "changes": (list,),
}
_CHANGE = ("name", "old", "new")
MAX_JSON_NESTING = 200  # a report nests a few levels (a state's values at most MAX_NESTING more)
_STATE: dict[str, tuple[type, ...]] = {"globals": (dict,), "objects": (dict,), "threads": (list,)}
_THREAD: dict[str, tuple[type, ...]] = {"name": (str,), "daemon": (bool,), "done": (bool,), "stack": (list,)}


@dataclass
class LoadedReport:
    path: str
    text: str
    report: dict[str, Any]

    def error(self, at: Sequence[str | int], message: str) -> InputError:
        line, col = locate(self.text, at)
        return InputError(self.path, line, col, message)


def _type_name(types: tuple[type, ...]) -> str:
    names = {int: "an integer", str: "a string", list: "an array", dict: "an object", bool: "a boolean",
             type(None): "null"}
    return " or ".join(names[t] for t in types)


def _check_keys(lr: LoadedReport, obj: Any, at: tuple[str | int, ...], spec: dict[str, tuple[type, ...]], what: str) -> None:
    if not isinstance(obj, dict):
        raise lr.error(at, f"{what} must be a JSON object")
    for key, types in spec.items():
        if key not in obj:
            raise lr.error(at, f"{what} has no '{key}' key")
        v = obj[key]
        ok = isinstance(v, types) and not (isinstance(v, bool) and bool not in types)
        if not ok:
            raise lr.error((*at, key), f"'{key}' must be {_type_name(types)}, not {json.dumps(v)[:40]}")


def parse_report(path: str, text: str) -> LoadedReport:
    """Parse and check ``text`` (the contents of ``path``)."""
    deep = too_deep_at(text, MAX_JSON_NESTING)
    if deep is not None:  # json recurses once per level: refuse before it runs out of stack
        raise InputError(path, *deep, "not valid JSON: arrays or objects nested too deeply "
                         f"(more than {MAX_JSON_NESTING} levels)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        line, col = long_number_at(text, sys.get_int_max_str_digits()) or (1, 1)
        raise InputError(path, line, col, f"not valid JSON: integer too large (more than "
                         f"{sys.get_int_max_str_digits()} digits)" if "digits" in str(exc) else f"not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(path, 1, 1, "not valid JSON: arrays or objects nested too deeply") from None
    lr = LoadedReport(path, text, {})
    if not isinstance(data, dict):
        raise lr.error((), "a trace file must be a JSON object (the report written by verify --trace-out)")
    lr.report = data
    if "schema_version" not in data:
        raise lr.error((), "not an mmnotif-check report: no 'schema_version' key")
    version = data["schema_version"]
    old_literal = version == 1 and isinstance(data.get("options"), dict) and data["options"].get("reduction", "none") == "none"
    if (version != SCHEMA_VERSION and not old_literal) or isinstance(version, bool):
        why = ""
        if version == 1:
            why = ("; a version 1 report found with a reduction has a path of merged steps, which "
                   "replay cannot follow: run verify again")
        raise lr.error(
            ("schema_version",),
            f"schema_version {json.dumps(version)} is not supported (this mmnotif-check reads version "
            f"{SCHEMA_VERSION}, and version 1 written without a reduction){why}",
        )
    _check_keys(lr, data, (), _TOP, "the report")
    for i, step in enumerate(data["trace"]):
        _check_keys(lr, step, ("trace", i), _STEP, f"trace step {i + 1}")
        for j, ch in enumerate(step["changes"]):
            if not isinstance(ch, dict) or any(k not in ch for k in _CHANGE) or not isinstance(ch["name"], str):
                raise lr.error(("trace", i, "changes", j), f"trace step {i + 1}: a change must be an object with name, old and new")
    states = data.get("states")
    if states is not None:
        if not isinstance(states, list):
            raise lr.error(("states",), "'states' must be an array")
        for i, st in enumerate(states):
            _check_keys(lr, st, ("states", i), _STATE, f"state {i}")
            for j, th in enumerate(st["threads"]):
                _check_keys(lr, th, ("states", i, "threads", j), _THREAD, f"state {i} thread {j}")
    opts = data["options"]
    for name, value in data["constants"].items():
        problem = input_problem(value)
        if problem is not None:
            raise lr.error(("constants", name), f"constant {name}: {problem}")
    path_token = data["path"]
    if path_token is not None:  # the path must be one: replay and every format rely on it
        try:
            steps = len(parse_path(path_token)) - 1
        except ValueError as exc:
            raise lr.error(("path",), f"'path': {exc}") from None
        listed = len(data["trace"])
        if data["trace"] and listed != steps and not (steps == 0 and listed == 1):  # 1: init() itself failed
            raise lr.error(("path",), f"'path' {path_token} has {steps} step{'s' if steps != 1 else ''} "
                           f"but the trace lists {listed}")
    props = opts.get("properties")
    if props is not None and not (isinstance(props, list) and all(isinstance(p, str) for p in props)):
        raise lr.error(("options", "properties"), "'properties' must be null or an array of names")
    red = opts.get("reduction", "none")
    if not isinstance(red, str):
        raise lr.error(("options", "reduction"), "'reduction' must be a string")
    return lr


def load_report(path: str) -> LoadedReport:
    """Read and check the JSON report at ``path``."""
    try:
        text = read_text(path)  # a FIFO or a device is refused before it is read
    except FileNotFoundError:
        raise InputError(path, 1, 1, "trace file does not exist") from None
    except UnreadableFile as exc:
        if exc.line > 1 or exc.col > 1:
            raise InputError(path, exc.line, exc.col, exc.message) from None
        raise InputError(path, 1, 1, f"cannot read trace file: {exc.message}") from None
    return parse_report(path, text)


def require_trace(lr: LoadedReport, states: bool = True) -> None:
    """A report without a counterexample cannot be replayed or drawn (nor one without states)."""
    r = lr.report
    if r["verdict"] != "violated" or r["path"] is None:
        raise lr.error(("verdict",), f"the report has no counterexample (verdict '{r['verdict']}')")
    if states and "states" not in r:
        raise lr.error((), "the report has no 'states' array (written by an older mmnotif-check); "
                           "`mmnotif-check replay FILE --json` writes a complete one")
