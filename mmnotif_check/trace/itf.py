"""A counterexample in the Informal Trace Format (ITF) of Apalache and Quint.

Format: https://apalache-mc.org/docs/adr/015adr-trace.html. One ITF state per state of the
counterexample (the initial state, then the state after each step). Variables:

* every global, by name;
* every object field, as ``Class#k.field`` (``Userptr#0.finish_inuse``);
* every thread's program counter, ``pc.<thread>``: ``"file:line"`` of the statement it runs
  next (the kernel library by its package path, ``mmnotif_check/kernel/locks.py:50``, the
  same however the checker is installed), ``"returned"`` once it has returned;
* ``mbt::actionTaken``: ``"init"``, then ``"<thread> file:line: <statement>"`` of the step
  that produced the state (the name Quint uses for it).

Every variable has one type across the trace (what Quint and itf-py expect). Integers are
``{"#bigint": "123"}``, booleans and strings JSON booleans and strings, model tuples ITF
sequences (JSON arrays) when their items have one type and ITF tuples (``{"#tup": [...]}``)
otherwise, object references their names (``"DmaFence#0"``). A symbolic value is written as
its value under the witness (a term without one stays a string). A variable that is ``None``
or does not exist (an object not created yet, a thread not spawned yet) in some state is an
option-like variant in every state: ``{"tag": "Some", "value": {"value": V}}`` when it has a
value, ``{"tag": "Null", "value": "U_OF_UNIT"}`` for ``None`` and ``{"tag": "Absent", "value":
"U_OF_UNIT"}`` when it does not exist (``U_OF_UNIT`` is Apalache's unit value; the payload of
``Some`` is a record so that readers such as itf-py, which turn a tag into a Python name,
read every value; no tag is a Python keyword).
"""

from __future__ import annotations

import json
from typing import Any

from mmnotif_check.trace.common import states_of, violation_location, violation_title, witness_text

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
UNIT = "U_OF_UNIT"
NULL: dict[str, Any] = {"tag": "Null", "value": UNIT}
ABSENT: dict[str, Any] = {"tag": "Absent", "value": UNIT}
ACTION = "mbt::actionTaken"
_MISSING = object()  # a variable that does not exist in a state

# shapes: "int" | "bool" | "str" | "unknown" | "any" | ("seq", shape) | ("tup", (shape, ...))
# | ("opt", shape)
Shape = Any


def _merge(a: Shape, b: Shape) -> Shape:
    if a == b or b == "unknown":
        return a
    if a == "unknown":
        return b
    if a == "none" or b == "none":
        other = b if a == "none" else a
        return other if isinstance(other, tuple) and other[0] == "opt" else ("opt", other if other != "none" else "unknown")
    if isinstance(a, tuple) and a[0] == "opt":
        return ("opt", _merge(a[1], b[1] if isinstance(b, tuple) and b[0] == "opt" else b))
    if isinstance(b, tuple) and b[0] == "opt":
        return ("opt", _merge(a, b[1]))
    if isinstance(a, tuple) and isinstance(b, tuple):
        if a[0] == b[0] == "seq":
            return ("seq", _merge(a[1], b[1]))
        items_a = a[1] if a[0] == "tup" else None
        items_b = b[1] if b[0] == "tup" else None
        if items_a is not None and items_b is not None and len(items_a) == len(items_b):
            return ("tup", tuple(_merge(x, y) for x, y in zip(items_a, items_b, strict=True)))
        if a[0] == "seq" and items_b is not None and all(_merge(a[1], x) != "any" for x in items_b):
            return _merge(a, ("seq", _fold(items_b)))
        if b[0] == "seq" and items_a is not None and all(_merge(b[1], x) != "any" for x in items_a):
            return _merge(("seq", _fold(items_a)), b)
    return "any"


def _fold(shapes: tuple[Shape, ...] | list[Shape]) -> Shape:
    out: Shape = "unknown"
    for s in shapes:
        out = _merge(out, s)
    return out


def shape_of(v: Any) -> Shape:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list | tuple):
        items = [shape_of(x) for x in v]
        elem = _fold(items)
        if elem == "any":
            return ("tup", tuple(items))
        return ("seq", elem)
    return "any"


def itf_value(v: Any, shape: Shape = None) -> Any:
    """A JSON report value as an ITF value (``shape``: the variable's type across the trace)."""
    if shape is None:
        shape = shape_of(v)
    if isinstance(shape, tuple) and shape[0] == "opt":
        if v is _MISSING:
            return dict(ABSENT)
        if v is None:
            return dict(NULL)
        return {"tag": "Some", "value": {"value": itf_value(v, shape[1])}}
    if v is _MISSING or v is None:  # only where the shape could not say (never for a whole trace)
        return dict(NULL)
    if isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return {"#bigint": str(v)}
    if isinstance(v, float):  # never produced by the checker; keep it exact if it is integral
        return {"#bigint": str(int(v))} if v.is_integer() else str(v)
    if isinstance(v, list | tuple):
        if isinstance(shape, tuple) and shape[0] == "tup" and len(shape[1]) == len(v):
            return {"#tup": [itf_value(x, s) for x, s in zip(v, shape[1], strict=True)]}
        elem = shape[1] if isinstance(shape, tuple) and shape[0] == "seq" else None
        return [itf_value(x, elem) for x in v]
    if isinstance(v, dict):
        return {str(k): itf_value(x) for k, x in v.items()}
    return str(v)


def _pc(thread: dict[str, Any]) -> str:
    if thread["done"] or not thread["stack"]:
        return "returned"
    return str(thread["stack"][-1]["at"])


def _concrete(v: Any, witness: dict[str, Any]) -> Any:
    """Symbolic terms (``"<2*S>"``) replaced by their value under the witness."""
    if isinstance(v, str) and v in witness:
        return witness[v]
    if isinstance(v, list):
        return [_concrete(x, witness) for x in v]
    return v


def itf_trace(report: dict[str, Any]) -> dict[str, Any]:
    """The ITF object for the counterexample in ``report`` (a JSON report dict)."""
    states = states_of(report)
    globals_: list[str] = []
    fields: list[str] = []
    threads: list[str] = []
    for st in states:
        for g in st["globals"]:
            if g not in globals_:
                globals_.append(g)
        for obj, rec in st["objects"].items():
            for f in rec:
                name = f"{obj}.{f}"
                if name not in fields:
                    fields.append(name)
        for th in st["threads"]:
            name = f"pc.{th['name']}"
            if name not in threads:
                threads.append(name)
    variables = [*globals_, *fields, *threads, ACTION]
    trace = report.get("trace", [])
    wv = report.get("witness_values")
    witness: dict[str, Any] = wv if isinstance(wv, dict) else {}
    rows: list[dict[str, Any]] = []
    for st in states:
        values: dict[str, Any] = {name: _concrete(st["globals"][name], witness) for name in globals_ if name in st["globals"]}
        for obj, rec in st["objects"].items():
            for f, v in rec.items():
                values[f"{obj}.{f}"] = _concrete(v, witness)
        for th in st["threads"]:
            values[f"pc.{th['name']}"] = _pc(th)
        rows.append(values)
    shapes: dict[str, Shape] = {}
    for name in globals_ + fields + threads:
        shape: Shape = "unknown"
        for values in rows:
            shape = _merge(shape, shape_of(values[name]) if name in values else "none")
        if shape == "none":
            shape = ("opt", "unknown")
        shapes[name] = shape
    out_states: list[dict[str, Any]] = []
    for i, values in enumerate(rows):
        encoded: dict[str, Any] = {"#meta": {"index": i}}
        for name in globals_ + fields + threads:
            encoded[name] = itf_value(values.get(name, _MISSING), shapes[name])
        if i == 0:
            encoded[ACTION] = "init"
        else:
            step = trace[i - 1]
            encoded[ACTION] = f"{step['thread']} {step['file']}:{step['line']}: {step['statement']}"
        out_states.append(encoded)
    description = f"mmnotif-check counterexample: VIOLATED ({violation_title(report)})"
    if report.get("message"):
        description += f": {report['message']}"
    where = violation_location(report)
    if where:
        description += f" at {where}"
    if trace and trace[-1].get("failed"):
        last = trace[-1]
        description += (
            f"; the last step ({last['step']}, {last['thread']} {last['file']}:{last['line']}: "
            f"{last['statement']}) fails, so it has no state after it"
        )
    if witness_text(report):
        description += f"; witness (values of the symbolic variables): {witness_text(report)}"
    description += f"; replay token {report.get('path')}"
    meta: dict[str, Any] = {
        "format": "ITF",
        "format-description": FORMAT_DESCRIPTION,
        "source": report.get("model", ""),
        "description": description,
        "status": "violation",
    }
    if report.get("thread_ids"):
        # lock owners and the like are thread ids: the thread of each
        meta["thread_ids"] = {str(k): name for k, name in enumerate(report["thread_ids"])}
        meta["thread_id_fields"] = list(report.get("thread_id_fields") or [])
    return {
        "#meta": meta,
        "vars": variables,
        "states": out_states,
    }


def render_itf(report: dict[str, Any]) -> str:
    return json.dumps(itf_trace(report), indent=2, ensure_ascii=False) + "\n"
