"""Shared helpers: write a small model inline, load it, explore it.

Every test that needs a model writes it into ``tmp_path`` with :func:`textwrap.dedent`, so a
test reads top to bottom with its model in front of it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mmnotif_check import CheckOptions, CompiledModel, Result, explore, load_model
from mmnotif_check.runner import check_model
from mmnotif_check.trace.build import Trace

# The pytest plugin collects spec files under paths named on the command line; the bad
# specs of the error corpus are inputs of tests, not specs to check (`pytest tests/`).
collect_ignore_glob = ["corpus/*.toml"]


def write_model_file(directory: Path, text: str, name: str = "m.py") -> Path:
    """Write dedented model text to ``directory/name`` and return the path."""
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@dataclass
class Checked:
    """A model, the result of exploring it, and the rebuilt counterexample (if any)."""

    model: CompiledModel
    result: Result
    trace: Trace | None

    @property
    def states(self) -> int:
        return self.result.stats.states

    @property
    def verdict(self) -> str:
        return self.result.verdict

    @property
    def kind(self) -> str | None:
        return self.result.violation.kind if self.result.violation else None

    def step_texts(self) -> list[str]:
        assert self.trace is not None
        return [s.text for s in self.trace.steps]


class ModelKit:
    """``write``/``load``/``explore``/``check`` a model given as inline text."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def write(self, text: str, name: str = "m.py") -> Path:
        return write_model_file(self.dir, text, name)

    def load(self, text: str, overrides: Mapping[str, Any] | None = None, name: str = "m.py") -> CompiledModel:
        return load_model(str(self.write(text, name)), dict(overrides or {}))

    def explore(self, text: str, strategy: str = "bfs", overrides: Mapping[str, Any] | None = None,
                **options: Any) -> Result:
        """The public API only: ``load_model`` then ``explore``.  Counts pinned by these
        tests are of the literal semantics, so the reduction defaults to ``none``."""
        options.setdefault("reduction", "none")
        return explore(self.load(text, overrides), CheckOptions(strategy=strategy, **options))

    def check(self, text: str, strategy: str = "bfs", overrides: Mapping[str, Any] | None = None,
              **options: Any) -> Checked:
        """Like the CLI: explore (init failures included) and rebuild the trace."""
        options.setdefault("reduction", "none")
        model = self.load(text, overrides)
        outcome = check_model(model, CheckOptions(strategy=strategy, **options))
        return Checked(model, outcome.result, outcome.trace)


@pytest.fixture
def kit(tmp_path: Path) -> ModelKit:
    return ModelKit(tmp_path)


@pytest.fixture
def write_model(tmp_path: Path) -> Callable[..., Path]:
    def _write(text: str, name: str = "m.py") -> Path:
        return write_model_file(tmp_path, text, name)

    return _write
