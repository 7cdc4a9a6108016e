"""networkx: imported only where a graph algorithm runs (``graph``), never on every CLI call."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from mmnotif_check.cli import cli
from mmnotif_check.lang.system import load_model
from mmnotif_check.trace.dot import to_dot
from mmnotif_check.trace.graph import graph_stats, state_graph


def test_the_cli_does_not_import_networkx_or_rich_or_z3() -> None:
    code = "import sys, mmnotif_check.cli, mmnotif_check.trace.formats; print(sorted(m for m in ('networkx', 'rich', 'z3') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


SPIN = """
flag: bool = False
seen: int = 0


def spinner():
    global seen
    while not flag:
        seen = 1 - seen


def setter():
    global flag
    flag = True


def stuck():
    wait_until(seen == 7)


def init():
    spawn(spinner, name="spin")
    spawn(setter, name="set")
"""


def test_graph_finds_cycles_and_states_that_cannot_end(tmp_path: Path) -> None:
    model = tmp_path / "spin.py"
    model.write_text(textwrap.dedent(SPIN), encoding="utf-8")
    g = state_graph(load_model(str(model), {}, "none"), 500)
    st = graph_stats(g)
    assert st["states"] == sum(1 for n in g.nodes if ".fail" not in n)
    assert st["cyclic_components"] >= 1 and st["on_cycle"] >= 2  # the spin loop before flag is set
    assert st["cannot_end"] == 0  # setter can always run, so every state can finish
    assert 'peripheries="2"' in to_dot(g)
    stuck = tmp_path / "stuck.py"
    stuck.write_text(textwrap.dedent(SPIN).replace('spawn(setter, name="set")', 'spawn(stuck, name="stuck")'),
                     encoding="utf-8")
    st = graph_stats(state_graph(load_model(str(stuck), {}, "none"), 500))
    assert st["cannot_end"] == st["states"]  # nobody sets the flag: no state can finish


def test_graph_command_prints_the_statistics(tmp_path: Path) -> None:
    model = tmp_path / "spin.py"
    model.write_text(textwrap.dedent(SPIN), encoding="utf-8")
    result = CliRunner().invoke(cli, ["graph", str(model), "-o", str(tmp_path / "g.dot")])
    assert result.exit_code == 0, result.output
    assert "strongly connected components" in result.stderr and "with a cycle" in result.stderr
