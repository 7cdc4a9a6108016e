"""The whole reachable state graph of a small model (``mmnotif-check graph``), as networkx.

Breadth-first over ``initial_states()`` and ``transitions()``; node ``sN`` is the N-th state
found. Labels show the globals, the object fields and where each thread is; edges show the
thread, line and statement. Initial states are blue, states that break an invariant (or a
final property, in terminal states) red, deadlocks orange, terminal states green. A step
that fails (assert, run-time error) leads to a red ``sN.failK`` node.

:func:`graph_stats` uses networkx's graph algorithms: the strongly connected components
(states on a cycle, where threads can go round forever, get a double border) and the states
from which no terminal state can be reached.  networkx is imported only here, when a graph
is drawn (it costs a quarter of a second).
"""

from __future__ import annotations

import textwrap
from collections import deque
from typing import Any

from mmnotif_check.engine.interface import StepFailure, TraceableSystem
from mmnotif_check.trace.common import basename
from mmnotif_check.trace.text import fmt_value

State = Any  # a state of the system (opaque here)
CompiledModel = TraceableSystem[Any]

LABEL_WRAP = 48
EDGE_TEXT = 40


class TooManyStates(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} states")
        self.limit = limit


def _short(text: str, limit: int = EDGE_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def state_label(model: CompiledModel, sid: int, state: State) -> str:
    d = model.describe_state(state)
    lines = [f"s{sid}"]
    g = "  ".join(f"{k}={fmt_value(v)}" for k, v in d["globals"].items())
    if g:
        lines += textwrap.wrap(g, LABEL_WRAP)
    for obj, fields in d["objects"].items():
        text = obj + ": " + "  ".join(f"{k}={fmt_value(v)}" for k, v in fields.items())
        lines += textwrap.wrap(text, LABEL_WRAP, subsequent_indent="  ")
    where = []
    for th in d["threads"]:
        at = "done" if th["done"] else th["stack"][-1]["at"].rsplit(":", 1)[-1]
        where.append(f"{th['name']}@{at}")
    if where:
        lines += textwrap.wrap("  ".join(where), LABEL_WRAP)
    return "\n".join(lines)


def state_graph(model: CompiledModel, max_states: int) -> Any:
    """The reachable state graph; raises :class:`TooManyStates` above ``max_states``."""
    import networkx as nx

    g = nx.DiGraph()
    g.graph["graph"] = {"label": model.path, "labelloc": "t", "fontname": "Helvetica"}
    g.graph["node"] = {"shape": "box", "style": "rounded,filled", "fillcolor": "white", "fontname": "Helvetica",
                       "fontsize": "9"}
    g.graph["edge"] = {"fontname": "Helvetica", "fontsize": "8"}
    ids: dict[State, int] = {}
    queue: deque[State] = deque()

    def add(state: State, initial: bool) -> str:
        sid = ids.get(state)
        if sid is None:
            if len(ids) >= max_states:
                raise TooManyStates(max_states)
            sid = ids[state] = len(ids)
            queue.append(state)
            g.add_node(f"s{sid}", label=state_label(model, sid, state))
        node = f"s{sid}"
        if initial:
            g.nodes[node]["fillcolor"] = "#e8f0fe"
            g.nodes[node]["penwidth"] = "2"
        return node

    for k, s in enumerate(model.initial_states()):
        if isinstance(s, StepFailure):
            g.add_node(f"init.fail{k}", label=f"init() fails\n{s.message}", fillcolor="#ffcdd2", color="#c62828")
            continue
        add(s, True)
    while queue:
        state = queue.popleft()
        node = f"s{ids[state]}"
        bad = model.check_invariants(state)
        trans = model.transitions(state)
        terminal = model.is_terminal(state)
        if bad is None and terminal:
            bad = model.check_finals(state)
        if bad is not None:
            g.nodes[node]["fillcolor"] = "#ffcdd2"
            g.nodes[node]["color"] = "#c62828"
            g.nodes[node]["label"] += f"\n{bad.kind} {bad.property} violated"
        elif terminal:
            g.nodes[node]["fillcolor"] = "#dcedc8"
        elif not trans:
            g.nodes[node]["fillcolor"] = "#ffe0b2"
            g.nodes[node]["label"] += "\ndeadlock"
        for k, (label, outcome) in enumerate(trans):
            text = f"{label.thread} {basename(label.info.path)}:{label.info.line}\n{_short(label.info.text)}"
            if label.choices:
                text += f"\nchoice {'/'.join(str(c) for c in label.choices)}"
            if isinstance(outcome, StepFailure):
                fail = f"{node}.fail{k}"
                g.add_node(fail, label=f"{outcome.kind}: {_short(outcome.message, LABEL_WRAP)}", fillcolor="#ffcdd2",
                           color="#c62828")
                g.add_edge(node, fail, label=text)
                continue
            target = add(outcome, False)
            if g.has_edge(node, target):  # two choices with the same outcome: one edge, both labels
                g.edges[node, target]["label"] += "\n" + text
            else:
                g.add_edge(node, target, label=text)
    return g


def graph_stats(g: Any) -> dict[str, int]:
    """Counts of a state graph (:func:`state_graph`), with networkx's algorithms: states,
    edges, strongly connected components, those with a cycle and the largest, states on a
    cycle (marked with a double border) and states from which no terminal state (and no
    failing step) can be reached."""
    import networkx as nx

    states = [n for n in g.nodes if ".fail" not in str(n)]
    sub = g.subgraph(states)
    sccs = list(nx.strongly_connected_components(sub))
    cyclic = [c for c in sccs if len(c) > 1 or any(sub.has_edge(n, n) for n in c)]
    on_cycle = set().union(*cyclic) if cyclic else set()
    for n in on_cycle:
        g.nodes[n]["peripheries"] = "2"
    ends = {n for n in g.nodes if g.out_degree(n) == 0}
    can_end: set[Any] = set(ends)
    for n in ends:
        can_end |= nx.ancestors(g, n)
    return {
        "states": len(states),
        "edges": g.number_of_edges(),
        "components": len(sccs),
        "cyclic_components": len(cyclic),
        "largest_component": max((len(c) for c in sccs), default=0),
        "on_cycle": len(on_cycle),
        "cannot_end": sum(1 for n in states if n not in can_end),
    }
