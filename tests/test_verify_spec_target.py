"""``mmnotif-check verify SPEC.toml``: the spec gives the defaults, the command line wins."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mmnotif_check.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_spec_that_holds_exits_0():
    result = run("verify", str(ROOT / "specs/classic_peterson.toml"), "--reduce", "none")
    assert result.exit_code == 0, result.output
    assert "HOLDS" in result.output
    assert "states 585 " in result.output  # ROUNDS = 3 comes from the spec


def test_a_violated_spec_reports_its_property_and_a_replayable_command():
    result = run("verify", str(ROOT / "specs/xe_deferred_tlb_force_alone_fault.toml"), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["property"] == "tlb_submitted_implies_inuse"
    assert report["constants"]["FORCE"] == [0]
    assert report["options"]["strategy"] == "bfs"


def test_command_line_constants_override_the_spec():
    result = run("verify", str(ROOT / "specs/classic_peterson.toml"), "--set", "ROUNDS=1", "--reduce", "none")
    assert result.exit_code == 0, result.output
    assert "states 101 " in result.output  # ROUNDS = 1 (golden count in test_classic_models)


def test_command_line_budget_overrides_the_spec():
    result = run("verify", str(ROOT / "specs/classic_peterson.toml"), "--max-states", "10")
    assert result.exit_code == 3
    assert "INCONCLUSIVE" in result.output


def test_a_spec_reduction_is_used(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'[spec]\nmodel = "{ROOT / "tests/models/peterson.py"}"\nreduction = "local"\n'
        '[constants]\nROUNDS = 2\n[expect]\nverdict = "holds"\n'
    )
    result = run("verify", str(spec))
    assert result.exit_code == 0, result.output
    assert "states 173 " in result.output  # fewer than the 293 without the reduction


def test_a_bad_constant_in_the_spec_points_at_its_line(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'[spec]\nmodel = "{ROOT / "tests/models/peterson.py"}"\n[constants]\nROUND = 2\n[expect]\nverdict = "holds"\n'
    )
    result = run("verify", str(spec))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{spec}:4:1: error: [constants].ROUND: unknown constant 'ROUND'")
    assert "did you mean 'ROUNDS'" in lines[0]


def test_check_options_may_stand_in_a_check_table(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'[spec]\nmodel = "{ROOT / "tests/models/peterson.py"}"\n'
        '[check]\nproperties = ["mutual_exclusion"]\nmax_states = 10\n[expect]\nverdict = "inconclusive"\n'
    )
    result = run("gate", str(spec), "--no-cache")
    assert result.exit_code == 0, result.output
    both = tmp_path / "both.toml"
    both.write_text(
        f'[spec]\nmodel = "{ROOT / "tests/models/peterson.py"}"\nstrategy = "bfs"\n'
        '[check]\nstrategy = "dfs"\n[expect]\nverdict = "holds"\n'
    )
    result = run("gate", str(both), "--no-cache")
    assert result.exit_code == 2
    assert f"{both}:5:1: error: [check].strategy is also given in [spec]" in result.output
