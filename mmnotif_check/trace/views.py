"""Text views of a model for ``mmnotif-check explore`` and ``mmnotif-check list``."""

from __future__ import annotations

from typing import Any

from mmnotif_check.engine.interface import StepFailure, TraceableSystem
from mmnotif_check.engine.result import format_path
from mmnotif_check.trace.text import fmt_value
from mmnotif_check.trace.values import ValueText

State = Any  # a state of the system (opaque here)
CompiledModel = TraceableSystem[Any]

# ------------------------------------------------------------------------------ explore


def enabled_steps(model: CompiledModel, state: State, path: tuple[int, ...]) -> list[dict[str, Any]]:
    """Every enabled step of ``state``: successor index, thread, location, statement, outcome."""
    out = []
    for k, (label, outcome) in enumerate(model.transitions(state)):
        entry: dict[str, Any] = {
            "index": k,
            "thread": label.thread,
            "file": label.info.path,
            "line": label.info.line,
            "statement": label.info.text,
            "choices": list(label.choices),
            "next": format_path((*path, k)),
            "fails": None,
        }
        if isinstance(outcome, StepFailure):
            entry["fails"] = {"kind": outcome.kind, "message": outcome.message}
        out.append(entry)
    return out


def state_status(model: CompiledModel, state: State) -> list[str]:
    """What is special about ``state``: broken properties, terminal, deadlock."""
    notes = []
    bad = model.check_invariants(state, model.selected)
    if bad is not None:
        notes.append(f"invariant {bad.property} is violated here: {bad.message}")
    terminal = model.is_terminal(state)
    if terminal:
        fin = model.check_finals(state, model.selected)
        if fin is not None:
            notes.append(f"final {fin.property} is violated here: {fin.message}")
        notes.append("terminal: every non-daemon thread has returned")
    elif not model.successors(state):
        notes.append("deadlock: no thread can step")
    return notes


def render_explore(model: CompiledModel, target: str, path: tuple[int, ...], state: State) -> str:
    d = model.describe_state(state)
    steps = enabled_steps(model, state, path)
    lines = [f"{target} at {format_path(path)} (depth {len(path) - 1})"]
    lines.append("globals:" if d["globals"] else "globals: none")
    for k, v in d["globals"].items():
        lines.append(f"  {k} = {fmt_value(v)}")
    lines.append("objects:" if d["objects"] else "objects: none")
    facts = getattr(model, "trace_facts", None)
    values = ValueText({"thread_ids": model.thread_names(state),
                        "thread_id_fields": facts().thread_id_fields() if facts is not None else []})
    for obj, fields in d["objects"].items():  # lock owners with the thread's name
        lines.append(f"  {obj}: " + ", ".join(f"{f}={values.cell(f'{obj}.{f}', v)}" for f, v in fields.items()))
    lines.append("threads:" if d["threads"] else "threads: none")
    stepping = {s["thread"] for s in steps}
    for th in d["threads"]:
        flags = [x for x, on in (("daemon", th["daemon"]), ("returned", th["done"])) if on]
        if not th["done"] and th["name"] not in stepping:
            flags.append("blocked")
        lines.append(f"  {th['name']}" + (f" ({', '.join(flags)})" if flags else ""))
        for fr in reversed(th["stack"]):
            locs = ", ".join(f"{k}={fmt_value(v)}" for k, v in fr["locals"].items())
            lines.append(f"    {fr['at']}  in {fr['function']}()" + (f"  {locs}" if locs else ""))
    for note in state_status(model, state):
        lines.append(f"note: {note}")
    lines.append(f"enabled steps ({len(steps)}):" if steps else "enabled steps: none")
    width = max([len(s["thread"]) for s in steps] + [1])
    locw = max([len(f"{s['file']}:{s['line']}") for s in steps] + [1])
    for s in steps:
        extra = f"  choice {'/'.join(str(c) for c in s['choices'])}" if s["choices"] else ""
        if s["fails"] is not None:
            extra += f"  FAILS ({s['fails']['kind']}: {s['fails']['message']})"
        loc = f"{s['file']}:{s['line']}"
        lines.append(f"  {s['index']:>3}  {s['thread']:<{width}}  {loc:<{locw}}  {s['statement']}{extra}   -> --at {s['next']}")
    return "\n".join(lines)


def explore_json(model: CompiledModel, target: str, path: tuple[int, ...], state: State) -> dict[str, Any]:
    return {
        "target": target,
        "model": model.path,
        "at": format_path(path),
        "depth": len(path) - 1,
        "state": model.describe_state(state),
        "notes": state_status(model, state),
        "enabled": enabled_steps(model, state, path),
    }


# --------------------------------------------------------------------------------- list


def listing(model: CompiledModel) -> dict[str, Any]:
    """Constants, properties, procedures and the threads ``init`` spawns, as data."""
    data = model.outline()
    params = {p["name"]: p["params"] for p in data["procedures"]}
    inits: list[dict[str, Any]] = []
    for s in model.initial_states():
        if isinstance(s, StepFailure):
            inits.append({"fails": f"{s.kind}: {s.message}", "threads": []})
            continue
        threads = []
        for th in model.describe_state(s)["threads"]:
            bottom = th["stack"][0] if th["stack"] else None
            proc = bottom["function"] if bottom else None
            args = [bottom["locals"].get(p) for p in params.get(proc or "", [])] if bottom else []
            threads.append({"name": th["name"], "daemon": th["daemon"], "procedure": proc, "args": args})
        inits.append({"fails": None, "threads": threads})
    return {**data, "initial_states": inits}


def render_listing(model: CompiledModel) -> str:
    data = listing(model)
    lines = [f"model: {data['model']}"]
    lines.append(f"constants ({len(data['constants'])}):" if data["constants"] else "constants: none")
    w = max([len(c["name"]) for c in data["constants"]] + [1])
    for c in data["constants"]:
        where = f"   ({c['defined']})" if c["defined"] and not c["defined"].startswith(data["model"] + ":") else ""
        lines.append(f"  {c['name']:<{w}} = {fmt_value(_jsonish(c['value']))}{where}")
    lines.append(f"properties ({len(data['properties'])}):" if data["properties"] else "properties: none")
    w = max([len(p["name"]) for p in data["properties"]] + [1])
    for p in data["properties"]:
        rest = "  ".join(x for x in (p["defined"], p["message"]) if x)
        lines.append(f"  {p['kind']:<9} {p['name']:<{w}}  {rest}".rstrip())
    lines.append(f"procedures ({len(data['procedures'])}):")
    sig = [f"{p['name']}({', '.join(p['params'])})" for p in data["procedures"]]
    w = max([len(s) for s in sig] + [1])
    for s, p in zip(sig, data["procedures"], strict=True):
        lines.append(f"  {s:<{w}}  {p['defined']}")
    inits = data["initial_states"]
    same = all(i["threads"] == inits[0]["threads"] and i["fails"] is None for i in inits) if inits else True
    if len(inits) > 1:
        lines.append(f"initial states: {len(inits)} (init() chooses)")
    shown = inits[:1] if same else inits
    for k, init in enumerate(shown):
        head = "threads spawned by init()" if same else f"initial state {k}: threads spawned by init()"
        if init["fails"]:
            lines.append(f"initial state {k}: init() fails ({init['fails']})")
            continue
        lines.append(f"{head}:" if init["threads"] else f"{head}: none")
        for th in init["threads"]:
            args = ", ".join(fmt_value(_jsonish(a)) for a in th["args"])
            daemon = "  (daemon)" if th["daemon"] else ""
            lines.append(f"  {th['name']}  {th['procedure']}({args}){daemon}")
    return "\n".join(lines)


def _jsonish(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_jsonish(x) for x in v]
    return v
