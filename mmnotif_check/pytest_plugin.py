"""The pytest plugin (entry point ``pytest11``, name ``mmnotif_check``).

* ``pytest specs/`` collects every spec file (a ``.toml`` file with a ``[spec]`` table)
  under the paths given on the command line as one test item, which passes when the spec's
  outcome is as its ``[expect]`` table says (as the gate judges it) and otherwise fails
  with the property, the counterexample (its protocol view) and the replay command.
  Spec files are collected only under paths named on the command line, or under the
  directories of the ``mmnotif_specs`` ini option: a test suite's own ``testpaths`` never
  picks up every spec by accident.  ``--mmnotif-cache DIR`` reuses the gate's result
  cache.
* The ``model_checker`` fixture checks models from a test: ``model_checker.check(path or
  source, **options)`` returns a :class:`~mmnotif_check.api.CheckResult` (``source`` text
  is written to a temporary file first), with ``assert_holds()`` and
  ``assert_violated(property)`` that fail with the counterexample.

docs/api.md documents both.
"""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

from mmnotif_check.api import CheckResult, check


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mmnotif-check")
    group.addoption("--mmnotif-cache", metavar="DIR", default=None,
                    help="mmnotif-check: cache spec outcomes in DIR like the gate (default: no cache).")
    parser.addini("mmnotif_specs", type="paths", default=[],
                  help="mmnotif-check: directories whose spec files (*.toml with a [spec] table) are always "
                       "collected, besides those under paths given on the command line.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mmnotif_spec: a spec file checked by mmnotif-check")


def _explicit_roots(config: pytest.Config) -> list[Path]:
    roots = [Path(p) for p in config.getini("mmnotif_specs")]
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        for arg in config.args:
            path = Path(arg.split("::", 1)[0])
            roots.append(path if path.is_absolute() else Path(config.invocation_params.dir) / path)
    return [r.resolve() for r in roots]


def _is_spec(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return path.parent.name == "specs"  # a broken spec is still a spec: report it
    return isinstance(data.get("spec"), dict)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".toml":
        return None
    where = file_path.resolve()
    if not any(where == r or r in where.parents for r in _explicit_roots(parent.config)):
        return None
    if not _is_spec(file_path):
        return None
    return SpecFile.from_parent(parent, path=file_path)


class SpecFile(pytest.File):
    def collect(self) -> list[pytest.Item]:
        return [SpecItem.from_parent(self, name=self.path.stem)]


class SpecFailure(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class SpecItem(pytest.Item):
    """One spec: runs it like the gate and compares the outcome with its expectation."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("mmnotif_spec")
        self.row: Any = None

    def runtest(self) -> None:
        from mmnotif_check import gate as g

        cache = self.config.getoption("--mmnotif-cache")
        (row,) = g.run_gate([self.path], cache_dir=Path(cache) if cache else None)
        self.row = row
        self.user_properties.extend([("states", row.states), ("got", row.got), ("cached", row.cached)])
        if row.status == "pass":
            return
        if row.status == "error":
            raise SpecFailure(f"bad input: {row.detail}")
        raise SpecFailure(g.failure_text(row))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, SpecFailure):
            return excinfo.value.text
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"mmnotif-check spec {self.path.name}"


class ModelChecker:
    """The ``model_checker`` fixture: check models written inline or named by path."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.count = 0

    def write(self, source: str, name: str | None = None) -> Path:
        """Write model text (dedented) to a file of the test's temporary directory."""
        self.count += 1
        path = self.dir / (name or f"model_{self.count}.py")
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        return path

    def check(self, model: str | Path, constants: dict[str, Any] | None = None, **options: Any) -> CheckResult:
        """Check a model file or spec, or model source text (anything with a newline)."""
        target = self.write(model) if isinstance(model, str) and "\n" in model else model
        return check(target, constants, **options)

    def assert_holds(self, model: str | Path, constants: dict[str, Any] | None = None, **options: Any) -> CheckResult:
        result = self.check(model, constants, **options)
        result.assert_holds()
        return result

    def assert_violated(self, model: str | Path, property: str | None = None, constants: dict[str, Any] | None = None,
                        **options: Any) -> CheckResult:
        result = self.check(model, constants, **options)
        result.assert_violated(property)
        return result


@pytest.fixture
def model_checker(tmp_path: Path) -> ModelChecker:
    """Check models from a test: ``model_checker.check(source_or_path, **options)``."""
    return ModelChecker(tmp_path)
