"""The ``mmnotif-check`` command line.

Exit codes: 0 every property holds (exhaustive search); 1 a property is violated;
2 bad input (model, spec, option, trace file); 3 incomplete (a budget was hit first).
"""

from __future__ import annotations

import ast
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from mmnotif_check import __version__
from mmnotif_check.engine.result import VIOLATED, Result, Stats, parse_path
from mmnotif_check.engine.search import peak_memory_kib
from mmnotif_check.errors import InputError, NondeterminismError, OverrideError
from mmnotif_check.fsutil import atomic_write_text
from mmnotif_check.lang.model import load_model
from mmnotif_check.options import CheckOptions
from mmnotif_check.runner import check_model
from mmnotif_check.trace.build import build_trace, violation_at_end
from mmnotif_check.trace.report import report_dict
from mmnotif_check.trace.text import render_text

CMDLINE = "<command line>"


def option_error(message: str) -> InputError:
    return InputError(CMDLINE, 1, 1, message)


def parse_set(items: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; values are Python literals (true/false and bare words allowed)."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise option_error(f"--set {item!r}: expected NAME=VALUE, e.g. --set VMS=2")
        raw = raw.strip()
        value: Any
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            if raw in ("true", "false"):
                value = raw == "true"
            elif raw.replace("-", "").replace("_", "").isalnum():
                value = raw
            else:
                raise option_error(f"--set {name}: {raw!r} is not a literal (int, bool, str, None or a tuple)") from None
        if not _literal_ok(value):
            raise option_error(f"--set {name}: {raw!r} is not a model value (int, bool, str, None or a tuple)")
        if name in out:
            raise option_error(f"--set {name} given twice")
        out[name] = value
    return out


def _literal_ok(v: Any) -> bool:
    if v is None or isinstance(v, bool | int | str):
        return True
    if isinstance(v, tuple):
        return all(_literal_ok(x) for x in v)
    return False


def fail_input(err: InputError) -> None:
    if isinstance(err, OverrideError):
        err = option_error(f"--set {err.name}: {err.message}")
    click.echo(err.render(), err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mmnotif-check")
def cli() -> None:
    """Model checker for Linux kernel MMU-notifier concurrency protocols."""


def _options(bfs: bool, dfs: bool, max_states: int | None, max_depth: int | None, timeout: float | None,
             max_memory: int | None, props: Sequence[str], no_deadlock: bool, reduce: str = "none") -> CheckOptions:
    if bfs and dfs:
        raise option_error("--bfs and --dfs exclude each other")
    for name, v in (("--max-states", max_states), ("--max-depth", max_depth), ("--max-memory", max_memory)):
        if v is not None and v < 0:
            raise option_error(f"{name} must not be negative")
    if timeout is not None and timeout <= 0:
        raise option_error("--timeout must be positive")
    return CheckOptions(
        strategy="dfs" if dfs else "bfs",
        max_states=max_states,
        max_depth=max_depth,
        timeout=timeout,
        max_memory_mb=max_memory,
        properties=frozenset(props) if props else None,
        check_deadlock=not no_deadlock,
        reduction=reduce,
    )


@cli.command()
@click.argument("target")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a model constant.")
@click.option("--bfs", is_flag=True, help="Breadth-first search (default; shortest counterexamples).")
@click.option("--dfs", is_flag=True, help="Depth-first search.")
@click.option("--max-states", type=int, default=None, help="Stop after storing N states (exit 3).")
@click.option("--max-depth", type=int, default=None, help="Do not expand states deeper than N steps.")
@click.option("--timeout", type=float, default=None, help="Stop after S seconds (exit 3).")
@click.option("--max-memory", type=int, default=None, metavar="MIB", help="Stop when peak memory exceeds MIB.")
@click.option("--property", "props", multiple=True, help="Check only this invariant/final (repeatable).")
@click.option("--no-deadlock", is_flag=True, help="Do not report deadlocks.")
@click.option("--reduce", type=click.Choice(["none", "local"]), default="none",
              help="local: run statements that touch only the thread's own stack in the step before them.")
@click.option("--trace-out", type=click.Path(dir_okay=False), default=None, help="Write the JSON report here.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report instead of text.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def verify(target: str, sets: Sequence[str], bfs: bool, dfs: bool, max_states: int | None, max_depth: int | None,
           timeout: float | None, max_memory: int | None, props: Sequence[str], no_deadlock: bool,
           reduce: str, trace_out: str | None, as_json: bool, fmt: str) -> None:
    """Verify MODEL.py: exit 0 holds, 1 violated, 2 bad input, 3 incomplete."""
    try:
        options = _options(bfs, dfs, max_states, max_depth, timeout, max_memory, props, no_deadlock, reduce)
        overrides = parse_set(sets)
        model = load_model(target, overrides, options.reduction, options.properties)
        if options.properties is not None:
            unknown = sorted(options.properties - set(model.property_names))
            if unknown:
                raise option_error(
                    f"--property {unknown[0]}: the model has no invariant or final of that name "
                    f"(known: {', '.join(model.property_names) or 'none'})"
                )
        outcome = check_model(model, options)
    except InputError as err:
        fail_input(err)
        return
    except NondeterminismError as err:
        click.echo(f"{target}:1:1: error: {err}", err=True)
        sys.exit(2)
    report = report_dict(target, model.path, model.constants, options, outcome.result, outcome.trace)
    if trace_out is not None:
        atomic_write_text(trace_out, json.dumps(report, indent=2) + "\n")
    if as_json or fmt == "json":
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(render_text(target, outcome.result, outcome.trace, list(sets), options.reduction))
    sys.exit(outcome.result.exit_code)


@cli.command()
@click.argument("target")
@click.option("--path", "token", required=True, help="The replay token printed with a counterexample.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE")
@click.option("--reduce", type=click.Choice(["none", "local"]), default="none")
@click.option("--json", "as_json", is_flag=True)
def replay(target: str, token: str, sets: Sequence[str], reduce: str, as_json: bool) -> None:
    """Re-execute a counterexample path and confirm the violation it ends in."""
    try:
        overrides = parse_set(sets)
        try:
            path = parse_path(token)
        except ValueError as exc:
            raise option_error(f"--path: {exc}") from None
        model = load_model(target, overrides, reduce)
    except InputError as err:
        fail_input(err)
        return
    try:
        violation = violation_at_end(model, path)
        if violation is None:
            click.echo(f"{target}:1:1: error: replay of {token} is a real execution but ends in no violation", err=True)
            sys.exit(2)
        trace = build_trace(model, path, violation)
    except NondeterminismError as err:
        click.echo(f"{target}:1:1: error: replay failed: {err}", err=True)
        sys.exit(2)
    result = Result(VIOLATED, Stats(0, 0, len(path) - 1, 0.0, peak_memory_kib()), violation, path)
    if as_json:
        click.echo(json.dumps(report_dict(target, model.path, model.constants, CheckOptions(), result, trace), indent=2))
    else:
        click.echo(render_text(target, result, trace, list(sets), reduce))
        click.echo("replay confirmed: the path is a real execution ending in this violation")
    sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--jobs", "-j", type=int, default=1, help="Run specs in N parallel processes.")
@click.option("--junit", type=click.Path(dir_okay=False), default=None, help="Write JUnit XML here.")
@click.option("--sarif", "sarif_out", type=click.Path(dir_okay=False), default=None, help="Write SARIF 2.1.0 here.")
@click.option("--markdown", "md_out", type=click.Path(dir_okay=False), default=None, help="Write a Markdown summary here.")
@click.option("--changed-since", "rev", default=None, help="Only specs whose spec or model files changed since REV.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=".mmnotif-cache", show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
def gate(paths: Sequence[str], jobs: int, junit: str | None, sarif_out: str | None, md_out: str | None,
         rev: str | None, cache_dir: str, no_cache: bool) -> None:
    """Run every spec (default: specs/) and compare with the expected verdicts."""
    from pathlib import Path

    from mmnotif_check import gate as g

    try:
        if jobs < 1:
            raise option_error("--jobs must be at least 1")
        specs = g.discover(list(paths) or ["specs"])
        if rev is not None:
            specs = g.select_changed(specs, rev, Path.cwd())
    except InputError as err:
        fail_input(err)
        return
    if not specs:
        click.echo("no specs to run" + (f" (nothing changed since {rev})" if rev else ""))
    rows = g.run_gate(specs, jobs=jobs, cache_dir=None if no_cache else Path(cache_dir))
    if specs:
        click.echo(g.render_table(rows))
    for r in rows:
        if r.status == "error":
            click.echo(r.detail, err=True)
    if junit:
        atomic_write_text(junit, g.junit_xml(rows))
    if sarif_out:
        atomic_write_text(sarif_out, g.sarif(rows))
    if md_out:
        atomic_write_text(md_out, g.markdown(rows))
    sys.exit(g.exit_code(rows))


def main(argv: Sequence[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="mmnotif-check", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        click.echo(f"{CMDLINE}:1:1: error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.Abort:
        sys.exit(3)
    except KeyboardInterrupt:
        sys.exit(3)
    except Exception as exc:  # a checker bug: one line, the traceback only on request
        if os.environ.get("MMNOTIF_DEBUG"):
            raise
        click.echo(f"mmnotif-check: internal error: {type(exc).__name__}: {exc} (set MMNOTIF_DEBUG=1 for the traceback; please report it)", err=True)
        sys.exit(70)
