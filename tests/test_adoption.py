"""Adopting the checker elsewhere: specs/ and models/ copied as they are, the pre-commit hook
on a repository's first commit, the GitHub workflow and the README's copy of it."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from mmnotif_check.cli import cli
from mmnotif_check.gate import discover
from mmnotif_check.lang.loader import KERNEL_DIR, load_sources
from mmnotif_check.spec import load_spec

REPO = Path(__file__).resolve().parent.parent


def test_every_spec_uses_only_models_and_the_kernel_library() -> None:
    models = (REPO / "models").resolve()
    for path in discover([str(REPO / "specs")]):
        spec = load_spec(path)
        for src in load_sources(spec.model):
            where = src.path.resolve()
            assert models in where.parents or KERNEL_DIR in where.parents, f"{path.name} uses {where}"


@pytest.fixture
def fresh_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new git repository (no commit yet) with the classic specs and their models copied
    from this repository's specs/ and models/ as the README says."""
    root = tmp_path / "driver"
    (root / "specs").mkdir(parents=True)
    (root / "models").mkdir()
    for name in ("classic_peterson.toml", "classic_racy_lock.toml"):
        shutil.copy(REPO / "specs" / name, root / "specs" / name)
    for name in ("peterson.py", "racy_lock.py"):
        shutil.copy(REPO / "models" / name, root / "models" / name)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)  # staged, as pre-commit sees them
    monkeypatch.chdir(root)
    return root


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (h,) = [x for x in hooks if x["id"] == "mmnotif-check-gate"]
    return h  # type: ignore[no-any-return]


def test_the_pre_commit_hook_works_on_a_first_commit(fresh_repo: Path) -> None:
    h = hook()
    argv = shlex.split(h["entry"]) + list(h.get("args", []))
    assert argv[0] == "mmnotif-check" and "--changed-since" in argv and "--jobs" in argv
    result = CliRunner().invoke(cli, [*argv[1:], "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.stdout  # every spec: nothing to compare with yet
    # and its file pattern matches the copied layout
    assert re.search(h["files"], "specs/classic_peterson.toml") and re.search(h["files"], "models/peterson.py")


def test_changed_since_head_after_the_first_commit_selects_only_what_changed(fresh_repo: Path) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "commit", "-q", "-m", "first"], cwd=fresh_repo, check=True, env=env)
    result = CliRunner().invoke(cli, ["gate", "--changed-since", "HEAD", "--no-cache"])
    assert result.exit_code == 0 and "nothing changed since HEAD" in result.stdout
    (fresh_repo / "models" / "racy_lock.py").write_text(
        (fresh_repo / "models" / "racy_lock.py").read_text() + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["gate", "--changed-since", "HEAD", "--no-cache"])
    assert result.exit_code == 0 and "1 passed, 0 failed" in result.stdout and "classic_racy_lock" in result.stdout


def workflow() -> dict[str, Any]:
    return yaml.safe_load((REPO / ".github" / "workflows" / "verify.yml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def readme_workflow() -> dict[str, Any]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    (snippet,) = [b for b in blocks if "jobs:" in b]
    return yaml.safe_load(snippet)  # type: ignore[no-any-return]


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


@pytest.mark.parametrize("which", ["workflow", "readme"])
def test_the_workflow_keeps_the_cache_and_has_time_limits(which: str) -> None:
    wf = workflow() if which == "workflow" else readme_workflow()
    # superseded runs of the main branch are not cancelled (they save the cache)
    cancel = str(wf["concurrency"]["cancel-in-progress"])
    assert "pull_request" in cancel and cancel != "True"
    for name, job in wf["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"job {name} has no timeout-minutes"
        for step in _steps(job):
            if str(step.get("uses", "")).startswith("actions/setup-python"):
                assert step["with"].get("cache") == "pip", f"job {name}: no pip cache"
    gate = wf["jobs"]["gate"]
    uses = [str(s.get("uses", "")) for s in _steps(gate)]
    assert not any(u.startswith("actions/cache@") for u in uses)  # that one saves only on success
    restore = uses.index("actions/cache/restore@v4")
    save = uses.index("actions/cache/save@v4")
    gate_steps = [i for i, s in enumerate(_steps(gate)) if "mmnotif-check gate" in str(s.get("run", ""))
                  or "make gate" in str(s.get("run", ""))]
    assert restore < min(gate_steps) and save > max(gate_steps)
    assert "always()" in _steps(gate)[save]["if"]
    for i in gate_steps:  # the step's limit is below the job's, so saving the cache still runs
        assert _steps(gate)[i]["timeout-minutes"] < gate["timeout-minutes"]


def test_the_readme_snippet_has_the_workflows_permissions() -> None:
    assert readme_workflow()["permissions"] == workflow()["permissions"]


def test_the_readme_pre_commit_example_parses_and_names_the_hook() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "repos:" in b]
    (config,) = blocks
    (repo,) = config["repos"]
    assert [h["id"] for h in repo["hooks"]] == [hook()["id"]]
