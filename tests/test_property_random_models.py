"""Random small models: BFS and DFS agree, BFS is shortest, every reported path replays.

Hypothesis draws 2-3 threads over 2-3 globals that stay in 0..2 (every store is ``% 3`` or
a small constant), each thread a few statements: assignments, ``if`` on a global,
``wait_until`` on a global, ``with atomic()`` blocks (optionally guarded), ``choose`` and a
read-modify-write through a local; plus an invariant over the globals.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mmnotif_check import CheckOptions, explore, load_model
from mmnotif_check.engine.result import HOLDS, VIOLATED
from mmnotif_check.trace.build import build_trace, violation_at_end

ALL_GLOBALS = ("a", "b", "c")


@st.composite
def value_expr(draw, gs: tuple[str, ...]) -> str:
    kind = draw(st.sampled_from(["const", "inc", "sum"]))
    if kind == "const":
        return str(draw(st.integers(0, 2)))
    g = draw(st.sampled_from(gs))
    if kind == "inc":
        return f"({g} + {draw(st.integers(1, 2))}) % 3"
    return f"({g} + {draw(st.sampled_from(gs))}) % 3"


@st.composite
def condition(draw, gs: tuple[str, ...]) -> str:
    g = draw(st.sampled_from(gs))
    op = draw(st.sampled_from(["==", "!="]))
    return f"{g} {op} {draw(st.integers(0, 2))}"


@st.composite
def simple_stmt(draw, gs: tuple[str, ...]) -> list[str]:
    """One statement that never blocks: an assignment or a choose."""
    target = draw(st.sampled_from(gs))
    if draw(st.booleans()):
        return [f"{target} = {draw(value_expr(gs))}"]
    if draw(st.booleans()):
        picks = draw(st.lists(st.integers(0, 2), min_size=1, max_size=3))
        return [f"{target} = choose({', '.join(map(str, picks))})"]
    return [f"{target} = choose(range({draw(st.integers(1, 3))}))"]


@st.composite
def statement(draw, gs: tuple[str, ...]) -> list[str]:
    kind = draw(st.sampled_from(["simple", "simple", "if", "wait", "atomic", "local"]))
    if kind == "simple":
        return draw(simple_stmt(gs))
    if kind == "if":
        lines = [f"if {draw(condition(gs))}:"] + ["    " + ln for ln in draw(simple_stmt(gs))]
        if draw(st.booleans()):
            lines += ["else:"] + ["    " + ln for ln in draw(simple_stmt(gs))]
        return lines
    if kind == "wait":
        return [f"wait_until({draw(condition(gs))})"]
    if kind == "local":
        g = draw(st.sampled_from(gs))
        return [f"t = {g}", f"{g} = (t + {draw(st.integers(1, 2))}) % 3"]
    body: list[str] = []
    if draw(st.booleans()):
        body.append(f"wait_until({draw(condition(gs))})")
    for _ in range(draw(st.integers(1, 2))):
        body += draw(simple_stmt(gs))
    return ["with atomic():"] + ["    " + ln for ln in body]


@st.composite
def invariant_expr(draw, gs: tuple[str, ...]) -> str:
    kind = draw(st.sampled_from(["pair", "single", "sum"]))
    if kind == "single":
        return f"{draw(st.sampled_from(gs))} != {draw(st.integers(1, 2))}"
    if kind == "sum":
        return f"{' + '.join(gs)} != {draw(st.integers(3, 2 * len(gs)))}"
    g, h = draw(st.sampled_from(gs)), draw(st.sampled_from(gs))
    return f"not ({g} == {draw(st.integers(1, 2))} and {h} == {draw(st.integers(1, 2))})"


@st.composite
def random_model(draw) -> str:
    gs = ALL_GLOBALS[: draw(st.integers(2, 3))]
    lines = [f"{g}: int = 0" for g in gs] + [""]
    nthreads = draw(st.integers(2, 3))
    for k in range(nthreads):
        lines.append(f"def p{k}():")
        lines.append(f"    global {', '.join(gs)}")
        for _ in range(draw(st.integers(1, 4))):
            lines += ["    " + ln for ln in draw(statement(gs))]
        lines.append("")
    lines.append("def init():")
    lines += [f"    spawn(p{k})" for k in range(nthreads)]
    lines += ["", "@invariant", "def inv():", f"    return {draw(invariant_expr(gs))}", ""]
    return "\n".join(lines)


def check_replays(model, result) -> None:
    assert result.path is not None and result.violation is not None
    trace = build_trace(model, result.path, result.violation)  # raises if it does not reproduce
    assert len(trace.steps) == len(result.path) - 1
    again = violation_at_end(model, result.path)
    assert again is not None
    assert (again.kind, again.property) == (result.violation.kind, result.violation.property)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_model())
def test_bfs_and_dfs_agree_and_paths_replay(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random_model.py"
        path.write_text(text, encoding="utf-8")
        model = load_model(str(path), {})
        bfs = explore(model, CheckOptions(strategy="bfs"))
        dfs = explore(model, CheckOptions(strategy="dfs"))
        note = textwrap.indent(text, "  ")
        assert bfs.verdict in (HOLDS, VIOLATED), note
        assert bfs.verdict == dfs.verdict, note
        if bfs.verdict == HOLDS:
            assert bfs.stats.states == dfs.stats.states, note
            assert bfs.stats.transitions == dfs.stats.transitions, note
            return
        assert len(bfs.path) <= len(dfs.path), note
        check_replays(model, bfs)
        check_replays(model, dfs)


def test_generator_produces_a_loadable_model_with_every_construct():
    """A fixed example of the generator's output compiles and behaves as expected."""
    text = textwrap.dedent(
        """
        a: int = 0
        b: int = 0

        def p0():
            global a, b
            with atomic():
                wait_until(b == 1)
                a = choose(range(3))
            t = a
            a = (t + 1) % 3

        def p1():
            global a, b
            if a == 0:
                b = 1
            else:
                b = choose(0, 2)
            wait_until(a != 1)

        def init():
            spawn(p0)
            spawn(p1)

        @invariant
        def inv():
            return not (a == 2 and b == 2)
        """
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.py"
        path.write_text(text)
        model = load_model(str(path), {})
        bfs = explore(model, CheckOptions())
        dfs = explore(model, CheckOptions(strategy="dfs"))
        assert bfs.verdict == dfs.verdict
        if bfs.verdict == VIOLATED:
            check_replays(model, bfs)
            check_replays(model, dfs)
