"""Graphviz DOT: a counterexample as a chain of states, and any graph as DOT text.

:func:`to_dot` writes a networkx graph (the state graph of ``mmnotif-check graph``) or the
small :class:`Chain` below as DOT text (no pydot needed). In :func:`render_dot`, node
``s0`` is the initial state and node ``sK`` the state after step K (in the protocol view,
after the last step of a line), labelled with the step number(s) and the fields changed;
the edge into ``sK`` is labelled with the thread, ``file:line`` and the statement. The
last node carries the violation (red). A step that fails has no state after it: its edge
leads to a red ``failed`` node.
"""

from __future__ import annotations

import textwrap
from typing import Any

from mmnotif_check.trace.common import (
    basename,
    violation_location,
    violation_title,
    witness_text,
)
from mmnotif_check.trace.condense import step_range, view_lines
from mmnotif_check.trace.text import branch_note
from mmnotif_check.trace.values import ValueText

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


class Chain:
    """A directed graph with attributes, as much of networkx's interface as :func:`to_dot`
    reads (a counterexample is a chain: no graph algorithm, no networkx import)."""

    def __init__(self) -> None:
        self.graph: dict[str, Any] = {}
        self.node: dict[str, dict[str, Any]] = {}
        self.edge: list[tuple[str, str, dict[str, Any]]] = []

    def is_directed(self) -> bool:
        return True

    def add_node(self, n: str, **attrs: Any) -> None:
        self.node.setdefault(n, {}).update(attrs)

    def add_edge(self, a: str, b: str, **attrs: Any) -> None:
        self.add_node(a)
        self.add_node(b)
        self.edge.append((a, b, attrs))

    def nodes(self, data: bool = False) -> list[Any]:
        return list(self.node.items()) if data else list(self.node)

    def edges(self, data: bool = False) -> list[Any]:
        return list(self.edge) if data else [(a, b) for a, b, _ in self.edge]


def trace_graph(report: dict[str, Any], detail: str = "protocol") -> Chain:
    """The counterexample of ``report`` as a chain of states (one per line of the view)."""
    g = Chain()
    g.graph["graph"] = {"rankdir": "TB", "label": f"{report.get('target', '')}: VIOLATED ({violation_title(report)})",
                        "labelloc": "t", "fontname": "Helvetica"}
    g.graph["node"] = {"shape": "box", "style": "rounded,filled", "fillcolor": "white", "fontname": "Helvetica",
                       "fontsize": "10"}
    g.graph["edge"] = {"fontname": "Helvetica", "fontsize": "9"}
    values = ValueText(report)
    lines = view_lines(report, detail)
    g.add_node("s0", label="initial state", fillcolor="#e8f0fe")
    prev = "s0"
    for line in lines:
        k = line["step"]
        node = f"s{k}"
        steps = step_range(line["steps"])
        if line["failed"]:
            label = f"step {steps} fails\n" + _wrap(str(report.get("message", "")))
            if witness_text(report):
                label += "\n" + _wrap("witness: " + witness_text(report))
            g.add_node(node, label=label, fillcolor="#ffcdd2", color="#c62828")
        else:
            changes = [("* " if ch["name"] in line["marked"] else "") + values.change(ch) for ch in line["changes"]]
            g.add_node(node, label="\n".join([f"after step {steps}", *(changes or ["(no field changes)"])]))
            if line["marked"]:
                g.node[node]["fillcolor"] = "#ffd8b5"
        edge = f"{line['thread']}  {basename(line['file'])}:{line['line']}\n{_wrap(str(line['statement']) + branch_note(line))}"
        g.add_edge(prev, node, label=edge)
        prev = node
    verdict = [f"VIOLATED: {violation_title(report)}", _wrap(str(report.get("message") or ""))]
    where = violation_location(report)
    if where:
        verdict.append(where)
    if witness_text(report):
        verdict.append(_wrap("witness: " + witness_text(report)))
    last = g.node[prev]
    if not (lines and lines[-1]["failed"]):
        last["label"] = last["label"] + "\n\n" + "\n".join(verdict)
        last["fillcolor"] = "#ffcdd2"
        last["color"] = "#c62828"
    return g


def render_dot(report: dict[str, Any], detail: str = "protocol") -> str:
    return to_dot(trace_graph(report, detail), "counterexample")
