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

from mmnotif_check import CheckOptions, Violation, explore, load_model
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
    """The literal semantics: BFS and DFS explore the same graph; BFS traces are shortest."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random_model.py"
        path.write_text(text, encoding="utf-8")
        model = load_model(str(path), {}, "none")
        bfs = explore(model, CheckOptions(strategy="bfs", reduction="none"))
        dfs = explore(model, CheckOptions(strategy="dfs", reduction="none"))
        note = textwrap.indent(text, "  ")
        assert bfs.verdict in (HOLDS, VIOLATED), note
        assert bfs.verdict == dfs.verdict, note
        if bfs.verdict == HOLDS:
            assert bfs.stats.states == dfs.stats.states, note
            assert bfs.stats.transitions == dfs.stats.transitions, note
            return
        assert bfs.shortest, note
        assert len(bfs.path) <= len(dfs.path), note
        check_replays(model, bfs)
        check_replays(model, dfs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_model())
def test_every_reduction_keeps_the_verdict_and_its_traces_replay(text: str) -> None:
    """Each reduction against the literal semantics: the same verdict, no more states, every
    reported trace a literal execution ending in its violation, and every property the
    literal search finds violated is found violated by the reduced search too."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random_model.py"
        path.write_text(text, encoding="utf-8")
        model = load_model(str(path), {}, "none")
        literal = explore(model, CheckOptions(reduction="none"))
        note = textwrap.indent(text, "  ")
        for reduction in ("local", "por"):
            for strategy in ("bfs", "dfs"):
                for store in ("exact", "fingerprint"):
                    opts = CheckOptions(reduction=reduction, strategy=strategy, store=store)
                    got = explore(model, opts)
                    assert got.verdict == literal.verdict, (reduction, strategy, note)
                    if strategy == "bfs":
                        assert got.stats.states <= literal.stats.states or literal.verdict == VIOLATED, note
                    if got.verdict == VIOLATED:
                        assert literal.path is not None and got.path is not None
                        if got.shortest:  # confirmed by a bounded literal search
                            assert len(got.path) == len(literal.path), note
                        else:
                            assert len(got.path) >= len(literal.path), note
                        check_replays(model, got)
            if literal.verdict == VIOLATED:
                want = literal.violation
                assert want is not None

                def same(v: Violation, want: Violation = want) -> bool:
                    return (v.kind, v.property) == (want.kind, want.property)

                found = explore(model, CheckOptions(reduction=reduction), accept=same)
                assert found.violation is not None and same(found.violation), (reduction, want, note)
                check_replays(model, found)


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
        bfs = explore(model, CheckOptions(reduction="none"))
        dfs = explore(model, CheckOptions(strategy="dfs", reduction="none"))
        assert bfs.verdict == dfs.verdict
        if bfs.verdict == VIOLATED:
            check_replays(model, bfs)
            check_replays(model, dfs)


# ------------------------------------------------------------------------------------
# Models with objects and the kernel library's locks: what the partial-order reduction
# reasons about object by object (which object a local refers to, which fields no thread
# writes, which accesses a held lock protects).

FIELDS = ("v", "w")
CELL_HEADER = (
    "from mmnotif_check.kernel.locks import Mutex, RwSem, down_read, down_write, mutex_lock, mutex_unlock, up_read, up_write",
    "",
    "class Cell:",
    "    v: int = 0",
    "    w: int = 0",
    "    m: Mutex = None",
    "    s: RwSem = None",
    "    peer: Cell = None",  # written by threads that create cells: not always immutable
    "    who: int = -1",
    "",
)


@st.composite
def cell_ref(draw) -> str:
    return draw(st.sampled_from(["c", "d", "c.peer", "e"]))


@st.composite
def cell_stmt(draw, depth: int = 0) -> list[str]:
    x = draw(cell_ref())
    f = draw(st.sampled_from(FIELDS))
    kind = draw(st.sampled_from(["set", "set", "copy", "wait", "assert", "atomic", "mutex", "write", "read", "alias",
                                 "new"] if depth == 0 else ["set", "copy", "assert"]))
    if kind == "set":
        return [f"{x}.{f} = ({x}.{f} + {draw(st.integers(1, 2))}) % 3"]
    if kind == "copy":
        y = draw(cell_ref())
        return [f"t = {y}.{draw(st.sampled_from(FIELDS))}", f"{x}.{f} = (t + 1) % 3"]
    if kind == "wait":
        return [f"wait_until({x}.{f} != {draw(st.integers(0, 2))})"]
    if kind == "assert":
        tag = draw(st.sampled_from(["", "named: "]))
        return [f'assert not ({x}.v == 2 and {x}.w == {draw(st.integers(1, 2))}), "{tag}cell"']
    if kind == "alias":
        return ["e = c.peer if e is d else d"]
    if kind == "new":  # a thread-created object, published through a shared field
        return [f"e = new(Cell, v={draw(st.integers(0, 2))}, m=new(Mutex), s=new(RwSem), peer={x})",
                f"{x}.peer = e" if draw(st.booleans()) else "e.w = 1"]
    inner = [ln for _ in range(draw(st.integers(1, 2))) for ln in draw(cell_stmt(depth + 1))]
    if kind == "atomic":
        return ["with atomic():"] + ["    " + ln for ln in inner]
    if kind == "mutex":
        return [f"mutex_lock({x}.m)", *inner, f"mutex_unlock({x}.m)"]
    if kind == "write":
        return [f"down_write({x}.s)", *inner, f"up_write({x}.s)"]
    reads = [f"t = {x}.{g}" for g in FIELDS[: draw(st.integers(1, 2))]]
    return [f"down_read({x}.s)", *reads, f"up_read({x}.s)"]


@st.composite
def object_model(draw) -> str:
    lines = list(CELL_HEADER)
    nthreads = draw(st.integers(2, 3))
    for k in range(nthreads):
        lines.append(f"def p{k}(c, d):")
        lines.append("    e = d")
        lines.append("    t = 0")
        for _ in range(draw(st.integers(1, 3))):
            lines += ["    " + ln for ln in draw(cell_stmt())]
        lines.append("")
    ncells = draw(st.integers(1, 3))
    lines.append("def init():")
    for i in range(ncells):
        lines.append(f"    x{i} = new(Cell, m=new(Mutex), s=new(RwSem))")
    for i in range(ncells):
        lines.append(f"    x{i}.peer = x{(i + 1) % ncells}")
    for k in range(nthreads):
        a, b = draw(st.integers(0, ncells - 1)), draw(st.integers(0, ncells - 1))
        lines.append(f"    spawn(p{k}, x{a}, x{b})")
    lines += ["", "@invariant", "def inv():",
              f"    return all(not (o.v == {draw(st.integers(1, 2))} and o.w == {draw(st.integers(1, 2))}) for o in objects(Cell))", ""]
    if draw(st.booleans()):
        lines += ["@final", "def fin():", f"    return all(o.v != {draw(st.integers(1, 2))} for o in objects(Cell))", ""]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(object_model())
def test_reductions_on_objects_and_locks_keep_verdicts(text: str) -> None:
    """As above, on models whose threads share objects and take the library's locks."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "object_model.py"
        path.write_text(text, encoding="utf-8")
        model = load_model(str(path), {}, "none")
        literal = explore(model, CheckOptions(reduction="none"))
        note = textwrap.indent(text, "  ")
        assert literal.verdict in (HOLDS, VIOLATED), note
        for strategy in ("bfs", "dfs"):
            got = explore(model, CheckOptions(reduction="por", strategy=strategy))
            assert got.verdict == literal.verdict, (strategy, literal.violation, got.violation, note)
            if got.verdict == VIOLATED:
                check_replays(model, got)
        if literal.verdict == VIOLATED:
            want = literal.violation
            assert want is not None

            def same(v: Violation, want: Violation = want) -> bool:
                return (v.kind, v.property) == (want.kind, want.property)

            found = explore(model, CheckOptions(reduction="por"), accept=same)
            assert found.violation is not None and same(found.violation), (want, found.violation, note)


@st.composite
def symmetric_model(draw) -> str:
    """Interchangeable workers: one procedure, each started with a cell of its own (equal
    ones) and a shared cell; they store and compare thread ids as lock owners do."""
    lines = [
        *CELL_HEADER,
        "def worker(c, d):",
        "    e = d",
        "    t = 0",
    ]
    for _ in range(draw(st.integers(1, 3))):
        lines += ["    " + ln for ln in draw(cell_stmt())]
    if draw(st.booleans()):
        lines += ["    d.who = me()", "    if d.who == me():", "        c.w = 1"]
    helper = draw(st.booleans())
    if helper:  # a thread named after its spawner's id, as xe's exec names its job
        lines += ["    spawn(helper, c, name=f'h{me()}')"]
    lines.append("")
    if helper:
        lines += ["def helper(c):", "    c.v = (c.v + 1) % 3", ""]
    k = draw(st.integers(2, 3))
    lines.append("def init():")
    lines.append("    shared = new(Cell, m=new(Mutex), s=new(RwSem))")
    lines.append("    shared.peer = shared")
    for i in range(k):
        lines.append("    mine = new(Cell, m=new(Mutex), s=new(RwSem), peer=shared)")
        lines.append(f"    spawn(worker, mine, shared, name='w{i}')")
    lines += ["", "@invariant", "def inv():",
              f"    return all(not (o.v == {draw(st.integers(1, 2))} and o.w == {draw(st.integers(1, 2))}) for o in objects(Cell))", ""]
    if draw(st.booleans()):
        lines += ["@final", "def fin():", f"    return any(o.v != {draw(st.integers(1, 2))} for o in objects(Cell))", ""]
    return "\n".join(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(symmetric_model())
def test_symmetry_keeps_verdicts_and_traces_replay(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "symmetric_model.py"
        path.write_text(text, encoding="utf-8")
        model = load_model(str(path), {}, "none")
        note = textwrap.indent(text, "  ")
        literal = explore(model, CheckOptions(reduction="none"))
        assert literal.verdict in (HOLDS, VIOLATED), note
        for reduction in ("none", "por"):
            sym = explore(model, CheckOptions(reduction=reduction, symmetry=True, store="exact"))
            assert sym.verdict == literal.verdict, (reduction, literal.violation, sym.violation, note)
            if reduction == "none" and literal.verdict == HOLDS:
                assert sym.stats.states <= literal.stats.states, note
            if sym.verdict == VIOLATED:
                check_replays(model, sym)
