"""A counterexample in the Informal Trace Format (ITF) of Apalache and Quint.

Format: https://apalache-mc.org/docs/adr/015adr-trace.html. One ITF state per state of the
counterexample (the initial state, then the state after each step). Variables:

* every global, by name;
* every object field, as ``Class#k.field`` (``Userptr#0.finish_inuse``);
* every thread's program counter, ``pc.<thread>``: ``"file:line"`` of the statement it runs
  next, ``"returned"`` once it has returned;
* ``mbt::actionTaken``: ``"init"``, then ``"<thread> file:line: <statement>"`` of the step
  that produced the state (the name Quint uses for it).

Values: integers are ``{"#bigint": "123"}`` (always, not only outside the JS safe range),
booleans and strings are JSON booleans and strings, model tuples and lists (immutable
sequences in the model language) are JSON arrays (ITF sequences), object references are
their names (``"DmaFence#0"``), symbolic values their term as a string (``"<2*S>"``; the
witness values are in the description). ITF has no null: ``None``, and an object or thread that does
not exist yet in a state, is the Quint variant ``{"tag": "None", "value": {"#tup": []}}``.
"""

from __future__ import annotations

import json
from typing import Any

from mmnotif_check.trace.common import states_of, violation_location, violation_title, witness_text

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
NONE: dict[str, Any] = {"tag": "None", "value": {"#tup": []}}
ACTION = "mbt::actionTaken"


def itf_value(v: Any) -> Any:
    """A JSON report value as an ITF value."""
    if v is None:
        return {"tag": "None", "value": {"#tup": []}}
    if isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return {"#bigint": str(v)}
    if isinstance(v, float):  # never produced by the checker; keep it exact if it is integral
        return {"#bigint": str(int(v))} if v.is_integer() else str(v)
    if isinstance(v, list | tuple):
        return [itf_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): itf_value(x) for k, x in v.items()}
    return str(v)


def _pc(thread: dict[str, Any]) -> str:
    if thread["done"] or not thread["stack"]:
        return "returned"
    return str(thread["stack"][-1]["at"])


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
    out_states: list[dict[str, Any]] = []
    for i, st in enumerate(states):
        values: dict[str, Any] = {name: st["globals"][name] for name in globals_ if name in st["globals"]}
        for obj, rec in st["objects"].items():
            for f, v in rec.items():
                values[f"{obj}.{f}"] = v
        encoded: dict[str, Any] = {"#meta": {"index": i}}
        for name in globals_ + fields:
            encoded[name] = itf_value(values[name]) if name in values else dict(NONE)
        pcs = {f"pc.{th['name']}": _pc(th) for th in st["threads"]}
        for name in threads:
            encoded[name] = pcs.get(name, dict(NONE))
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
    return {
        "#meta": {
            "format": "ITF",
            "format-description": FORMAT_DESCRIPTION,
            "source": report.get("model", ""),
            "description": description,
            "status": "violation",
        },
        "vars": variables,
        "states": out_states,
    }


def render_itf(report: dict[str, Any]) -> str:
    return json.dumps(itf_trace(report), indent=2, ensure_ascii=False) + "\n"
