"""Graphviz DOT: a counterexample as a chain of states, and any networkx graph as DOT text.

The graph is built with :mod:`networkx` and written by :func:`to_dot` (no pydot needed).
In :func:`render_dot`, node ``s0`` is the initial state and node ``sK`` the state after step
K, labelled with the step number and the fields the step changed; the edge into ``sK`` is
labelled with the thread, ``file:line`` and the statement. The last node carries the
violation (red). A step that fails has no state after it: its edge leads to a red
``failed`` node.
"""

from __future__ import annotations

import textwrap
from typing import Any

import networkx as nx

from mmnotif_check.trace.common import (
    basename,
    change_text,
    violation_location,
    violation_title,
    witness_text,
)

WRAP = 60


def quote(value: Any) -> str:
    """A DOT string literal; newlines become left-justified line breaks (``\\l``)."""
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    if "\n" in s:
        s = s.replace("\n", "\\l") + "\\l"
    return f'"{s}"'


def _attrs(attrs: dict[str, Any]) -> str:
    if not attrs:
        return ""
    return " [" + ", ".join(f"{k}={quote(v)}" for k, v in attrs.items()) + "]"


def to_dot(g: Any, name: str = "G") -> str:
    """DOT text for a networkx (Di)Graph; graph/node/edge defaults come from ``g.graph``."""
    directed = g.is_directed()
    lines = [f"{'digraph' if directed else 'graph'} {quote(name)} {{"]
    for key in ("graph", "node", "edge"):
        defaults = g.graph.get(key)
        if defaults:
            lines.append(f"  {key}{_attrs(defaults)};")
    for n, attrs in g.nodes(data=True):
        lines.append(f"  {quote(n)}{_attrs(attrs)};")
    arrow = "->" if directed else "--"
    for a, b, attrs in g.edges(data=True):
        lines.append(f"  {quote(a)} {arrow} {quote(b)}{_attrs(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WRAP, break_on_hyphens=False)) or text


def trace_graph(report: dict[str, Any]) -> Any:
    """The counterexample of ``report`` as a networkx DiGraph (a chain of states)."""
    g = nx.DiGraph()
    g.graph["graph"] = {"rankdir": "TB", "label": f"{report.get('target', '')}: VIOLATED ({violation_title(report)})",
                        "labelloc": "t", "fontname": "Helvetica"}
    g.graph["node"] = {"shape": "box", "style": "rounded,filled", "fillcolor": "white", "fontname": "Helvetica",
                       "fontsize": "10"}
    g.graph["edge"] = {"fontname": "Helvetica", "fontsize": "9"}
    trace = report.get("trace", [])
    g.add_node("s0", label="initial state", fillcolor="#e8f0fe")
    prev = "s0"
    for step in trace:
        k = step["step"]
        node = f"s{k}"
        if step.get("failed"):
            label = f"step {k} fails\n" + _wrap(str(report.get("message", "")))
            if witness_text(report):
                label += "\n" + _wrap("witness: " + witness_text(report))
            g.add_node(node, label=label, fillcolor="#ffcdd2", color="#c62828")
        else:
            changes = [change_text(ch) for ch in step["changes"]] or ["(no field changes)"]
            g.add_node(node, label="\n".join([f"after step {k}", *changes]))
        edge = f"{step['thread']}  {basename(step['file'])}:{step['line']}\n{_wrap(step['statement'])}"
        g.add_edge(prev, node, label=edge)
        prev = node
    verdict = [f"VIOLATED: {violation_title(report)}", _wrap(str(report.get("message") or ""))]
    where = violation_location(report)
    if where:
        verdict.append(where)
    if witness_text(report):
        verdict.append(_wrap("witness: " + witness_text(report)))
    last = g.nodes[prev]
    if not (trace and trace[-1].get("failed")):
        last["label"] = last["label"] + "\n\n" + "\n".join(verdict)
        last["fillcolor"] = "#ffcdd2"
        last["color"] = "#c62828"
    return g


def render_dot(report: dict[str, Any]) -> str:
    return to_dot(trace_graph(report), "counterexample")
