"""The ``mmnotif-check`` command line.

Exit codes: 0 every property holds (exhaustive search); 1 a property is violated;
2 bad input (model, spec, option, trace file); 3 incomplete (a budget was hit first).
"""

from __future__ import annotations

import ast
import contextlib
import errno
import io
import json
import os
import shlex
import sys
from collections.abc import Sequence
from typing import Any

import click

from mmnotif_check import __version__
from mmnotif_check.engine.result import VIOLATED, Result, Stats, format_path, parse_path
from mmnotif_check.engine.search import peak_memory_kib
from mmnotif_check.errors import InputError, NondeterminismError, OverrideError
from mmnotif_check.fsutil import atomic_write_text
from mmnotif_check.interrupts import interrupt_name, terminate_like_interrupt
from mmnotif_check.lang.limits import MAX_INT_BITS, input_problem
from mmnotif_check.lang.loader import display_path
from mmnotif_check.lang.system import load_model
from mmnotif_check.options import REDUCTIONS, STORES, CheckOptions, option_problem
from mmnotif_check.runner import check_model
from mmnotif_check.spec import _Locator, load_spec, properties_error, unknown_property
from mmnotif_check.trace.build import build_trace, follow, violation_at_end
from mmnotif_check.trace.formats import FORMATS, TRACE_FORMATS, render_report
from mmnotif_check.trace.progress import GateProgress, ProgressLine
from mmnotif_check.trace.report import report_dict
from mmnotif_check.trace.text import DETAILS, render_text

CMDLINE = "<command line>"

DETAIL_OPTION = click.option(
    "--detail", type=click.Choice(list(DETAILS)), default="protocol", show_default=True,
    help="protocol: the protocol's steps (each call into the kernel library one line; returns, helpers that "
         "change nothing and branches on constants left out); full: every literal step. Text, HTML, Mermaid "
         "and DOT; JSON and ITF always have every step.")


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
        except (MemoryError, RecursionError):  # the parser's stack: thousands of levels
            raise option_error(f"--set {name}: the value is nested too deeply") from None
        except (ValueError, SyntaxError):
            if raw.lstrip("+-").replace("_", "").isdigit():  # digits Python would not convert
                raise option_error(f"--set {name}: integer too large (more than {MAX_INT_BITS} bits)") from None
            if raw in ("true", "false"):
                value = raw == "true"
            elif raw.replace("-", "").replace("_", "").isalnum():
                value = raw
            else:
                raise option_error(f"--set {name}: {raw!r} is not a literal (int, bool, str, None or a tuple)") from None
        if not _literal_ok(value):
            raise option_error(f"--set {name}: {raw!r} is not a model value (int, bool, str, None or a tuple)")
        problem = input_problem(value)
        if problem is not None:
            raise option_error(f"--set {name}: {problem}")
        if name in out:
            raise option_error(f"--set {name} given twice")
        out[name] = value
    return out


def _literal(v: Any) -> str:
    """A constant as --set writes it (a plain word for simple strings)."""
    if isinstance(v, str) and v and v.replace("-", "").replace("_", "").isalnum():
        return v
    return repr(v)


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
             max_memory: int | None, props: Sequence[str], no_deadlock: bool, reduce: str | None = None,
             store: str | None = None, symmetry: bool | None = None, shortest: bool = False,
             base: CheckOptions | None = None) -> CheckOptions:
    """The options of a run: the command line over ``base`` (a spec's) over the defaults."""
    if bfs and dfs:
        raise option_error("--bfs and --dfs exclude each other")
    for name, key, v in (("--max-states", "max_states", max_states), ("--max-depth", "max_depth", max_depth),
                         ("--max-memory", "max_memory", max_memory), ("--timeout", "timeout", timeout)):
        problem = option_problem(key, v) if v is not None else None  # the rules of spec keys too
        if problem is not None:
            raise option_error(f"{name} {problem}")
    b = base or CheckOptions()
    return CheckOptions(
        strategy="dfs" if dfs else "bfs" if bfs else b.strategy,
        max_states=max_states if max_states is not None else b.max_states,
        max_depth=max_depth if max_depth is not None else b.max_depth,
        timeout=timeout if timeout is not None else b.timeout,
        max_memory_mb=max_memory if max_memory is not None else b.max_memory_mb,
        properties=frozenset(props) if props else b.properties,
        check_deadlock=False if no_deadlock else b.check_deadlock,
        reduction=reduce or b.reduction,
        store=store or b.store,
        symmetry=b.symmetry if symmetry is None else symmetry,
        shortest=shortest or b.shortest,
        solver_timeout_ms=b.solver_timeout_ms,
    )


@cli.command()
@click.argument("target")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a model constant.")
@click.option("--bfs", is_flag=True, help="Breadth-first search (default; shortest counterexamples).")
@click.option("--dfs", is_flag=True, help="Depth-first search.")
@click.option("--max-states", type=int, default=None, metavar="N", help="Stop after storing N states (exit 3).")
@click.option("--max-depth", type=int, default=None, metavar="N", help="Do not expand states deeper than N steps.")
@click.option("--timeout", type=float, default=None, metavar="S", help="Stop after S seconds (exit 3).")
@click.option("--max-memory", type=int, default=None, metavar="MIB", help="Stop when peak memory exceeds MIB.")
@click.option("--property", "props", multiple=True, metavar="NAME",
              help="Check only this invariant, final or named assert (repeatable).")
@click.option("--no-deadlock", is_flag=True, help="Do not report deadlocks.")
@click.option("--reduce", type=click.Choice(REDUCTIONS), default=None,
              help="Reduction (verdicts never change): por (default; partial-order reduction), "
                   "local (merge statements touching only the thread's stack), none (literal).")
@click.option("--store", type=click.Choice(STORES), default=None,
              help="Visited states: fingerprint (default; 64-bit hashes, the omission probability "
                   "is printed) or exact.")
@click.option("--symmetry/--no-symmetry", default=None,
              help="Canonicalise interchangeable threads and objects (default off).")
@click.option("--shortest", is_flag=True,
              help="After a reduced search finds a violation, search for a shortest counterexample.")
@click.option("--solver-timeout", type=int, default=None, metavar="MS",
              help="Z3 time limit per query, default 10000 (unknown: exit 3).")
@click.option("--trace-out", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the JSON report here (atomically), whatever --format prints.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report instead of text.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              help="Output: text, json (= --json), or the counterexample as itf, mermaid, dot or html.")
@DETAIL_OPTION
@click.option("--quiet", "-q", is_flag=True, help="No live progress line on stderr.")
def verify(target: str, sets: Sequence[str], bfs: bool, dfs: bool, max_states: int | None, max_depth: int | None,
           timeout: float | None, max_memory: int | None, props: Sequence[str], no_deadlock: bool,
           reduce: str | None, store: str | None, symmetry: bool | None, shortest: bool,
           solver_timeout: int | None, trace_out: str | None, as_json: bool, fmt: str, detail: str, quiet: bool) -> None:
    """Verify MODEL.py or SPEC.toml: exit 0 holds, 1 violated, 2 bad input, 3 incomplete.

    With a spec, its model, constants, properties and budgets are the defaults and the
    command line overrides them (the spec's expectation is the gate's business).
    """
    try:
        problem = option_problem("solver_timeout_ms", solver_timeout) if solver_timeout is not None else None
        if problem is not None:
            raise option_error(f"--solver-timeout {problem}")
        if as_json and fmt not in ("text", "json"):
            raise option_error(f"--json and --format {fmt} exclude each other (--json is --format json)")
        cli_sets = parse_set(sets)
        option_args = (bfs, dfs, max_states, max_depth, timeout, max_memory, props, no_deadlock, reduce, store,
                       symmetry, shortest)
        model_path, overrides, options, spec_path = target, dict(cli_sets), _options(*option_args), None
        if target.endswith(".toml"):
            spec = load_spec(target)
            spec_path = spec.path
            model_path = display_path(spec.model)
            overrides = {**spec.constants, **cli_sets}
            options = _options(*option_args, base=spec.options)
        if solver_timeout is not None:
            options = options.with_(solver_timeout_ms=solver_timeout)
        sets = [f"{k}={_literal(v)}" for k, v in overrides.items()] if spec_path is not None else list(sets)
        try:
            model = load_model(model_path, overrides, options.reduction, options.properties, options.solver_timeout_ms)
        except OverrideError as err:
            if spec_path is not None and err.name not in cli_sets:
                line, col = _Locator(spec_path.read_text(encoding="utf-8")).find("constants", err.name)
                raise InputError(target, line, col, f"[constants].{err.name}: {err.message}") from None
            raise
        target = model_path
        if options.properties is not None:
            unknown = sorted(options.properties - set(model.property_names))
            if unknown and not props and spec_path is not None:  # the spec's selection: said at its key
                raise properties_error(spec, unknown[0], model.property_names)
            if unknown:
                message = unknown_property(unknown[0], model.property_names).replace(f" '{unknown[0]}'", "", 1)
                raise option_error(f"--property {unknown[0]}: {message.replace('property', 'property of that name', 1)}")
        progress = ProgressLine(sys.stderr, enabled=not quiet, solver=getattr(model, "solver", None))
        progress.begin()
        try:
            outcome = check_model(model, options, progress)
        finally:
            progress.clear()
    except InputError as err:
        fail_input(err)
        return
    except NondeterminismError as err:
        click.echo(f"{target}:1:1: error: {err}", err=True)
        sys.exit(2)
    report = report_dict(target, model.path, model.constants, options, outcome.result, outcome.trace)
    if trace_out is not None:
        try:
            atomic_write_text(trace_out, json.dumps(report, indent=2) + "\n")
        except OSError as exc:
            fail_input(option_error(f"--trace-out {trace_out}: cannot write it: {exc}"))
    if as_json or fmt == "json":
        click.echo(json.dumps(report, indent=2))
    elif fmt in TRACE_FORMATS:
        _echo_trace_format(report, fmt, render_text(target, outcome.result, outcome.trace, list(sets), detail=detail),
                           detail)
    else:
        click.echo(render_text(target, outcome.result, outcome.trace, list(sets), detail=detail))
    if outcome.result.stopped:  # a violation was found, then Ctrl-C, SIGTERM or memory stopped the run
        note = f"{target}: stopped early: {outcome.result.reason}; the violation is real, the run is incomplete"
        if outcome.trace is None and outcome.result.path is not None:
            note += f" (replay token {format_path(outcome.result.path)})"
        click.echo(note, err=True)
    sys.exit(outcome.result.exit_code)


def _echo_trace_format(report: dict[str, Any], fmt: str, text: str, detail: str = "protocol") -> None:
    """A counterexample format on stdout; without a counterexample, the text report on stderr."""
    from pathlib import Path

    if report["verdict"] != VIOLATED or not report["path"]:
        click.echo(text, err=True)
        click.echo(f"(no counterexample: nothing to write as {fmt})", err=True)
        return
    click.echo(render_report(report, fmt, [Path.cwd()], detail=detail), nl=False)


@cli.command()
@click.argument("target")
@click.option("--path", "token", default=None, metavar="TOKEN",
              help="The replay token printed with a counterexample (with MODEL.py).")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="Override a model constant, as verify was given it (with MODEL.py --path; repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report of the replayed trace.")
@DETAIL_OPTION
def replay(target: str, token: str | None, sets: Sequence[str], as_json: bool, detail: str) -> None:
    """Re-execute a counterexample and confirm the violation it ends in.

    TARGET is MODEL.py with --path TOKEN, or a JSON report (TRACE.json, from verify
    --trace-out or --json): its model, constants, reduction and path are replayed and every
    step and the violation compared with the report. Exit 1: the violation is reproduced;
    exit 2: it is not (the message names the step and why).
    """
    if target.endswith(".json"):
        _replay_report(target, token, sets, as_json, detail)
        return
    if token is None:
        fail_input(option_error("replay MODEL.py needs --path TOKEN (or give a TRACE.json report instead)"))
        return
    try:
        overrides = parse_set(sets)
        try:
            path = parse_path(token)
        except ValueError as exc:
            raise option_error(f"--path: {exc}") from None
        model = load_model(target, overrides, "none")
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
        click.echo(render_text(target, result, trace, list(sets), detail=detail))
        click.echo("replay confirmed: the path is a real execution ending in this violation")
    sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--jobs", "-j", type=int, default=1, metavar="N", help="Run specs in N parallel processes.")
@click.option("--junit", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write JUnit XML here (a failure's text has the property, the counterexample and the replay command).")
@click.option("--sarif", "sarif_out", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write SARIF 2.1.0 here (URIs relative to the repository root; the counterexample as a code flow).")
@click.option("--markdown", "md_out", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write a Markdown summary here (e.g. for $GITHUB_STEP_SUMMARY).")
@click.option("--changed-since", "rev", default=None, metavar="REV",
              help="Only specs whose spec or model files (imports included) changed since the git revision REV; "
                   "a change to the checker selects every spec.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=".mmnotif-cache", show_default=True,
              metavar="DIR", help="The result cache: outcomes keyed by the content hash of everything that can "
                                  "change a verdict.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
def gate(paths: Sequence[str], jobs: int, junit: str | None, sarif_out: str | None, md_out: str | None,
         rev: str | None, cache_dir: str, no_cache: bool) -> None:
    """Run every spec (default: specs/) and compare with the expected verdicts.

    PATHS are spec files or directories searched for *.toml. One line per spec as it
    finishes, then a table.

    \b
    Exit status:
      0  every spec is as expected
      1  a spec's outcome differs from its expectation
      2  bad input: a spec, a model or an option (one file:line:col: error: line each)
      3  a spec was inconclusive (a budget or the solver stopped it) without allow_inconclusive
    """
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
    live = GateProgress(sys.stdout, specs, jobs, g.progress_line, click.echo)
    try:
        rows = g.run_gate(specs, jobs=jobs, cache_dir=None if no_cache else Path(cache_dir), on_row=live)
    except g.GateInterrupted as stop:
        live.close()  # what finished is shown (and cached); no report files
        if stop.rows:
            click.echo(g.render_table(stop.rows))
        click.echo(f"interrupted ({interrupt_name(stop)}): {len(stop.rows)} of {stop.total} specs finished"
                   f"{' (their results are cached)' if stop.rows and not no_cache else ''}; "
                   f"{stop.total - len(stop.rows)} did not run", err=True)
        sys.exit(3)
    live.close()
    if specs:
        click.echo(g.render_table(rows))
    for r in rows:
        if r.status == "error":
            click.echo(r.detail, err=True)
    for option, out, render in (("--junit", junit, g.junit_xml), ("--sarif", sarif_out, g.sarif),
                                ("--markdown", md_out, g.markdown)):
        if out:
            try:
                atomic_write_text(out, render(rows))
            except OSError as exc:
                fail_input(option_error(f"{option} {out}: cannot write it: {exc}"))
    sys.exit(g.exit_code(rows))


def _replay_report(target: str, token: str | None, sets: Sequence[str], as_json: bool, detail: str = "protocol") -> None:
    from mmnotif_check.trace.load import load_report
    from mmnotif_check.trace.replay import replay_report

    try:
        if token is not None or sets:
            raise option_error("--path and --set come from the trace file; do not give them with a .json TARGET")
        replayed = replay_report(load_report(target))
    except InputError as err:
        fail_input(err)
        return
    model, result, trace = replayed.model, replayed.result, replayed.trace
    if as_json:
        report = report_dict(target, model.path, model.constants, replayed.options, result, trace)
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(render_text(target, result, trace, [],
                               replay=f"mmnotif-check replay {shlex.quote(target)}", detail=detail))
        click.echo("replay confirmed: the trace is a real execution of the model and ends in this violation")
    if replayed.moved:
        steps = ", ".join(str(n) for n in replayed.moved[:8]) + (" ..." if len(replayed.moved) > 8 else "")
        click.echo(f"note: the statements of step(s) {steps} are on other lines than in {target} "
                   "(the model was edited around them); the lines above are the current ones", err=True)
    sys.exit(1)


@cli.group()
def trace() -> None:
    """Work with JSON reports (verify --trace-out / --json)."""


@trace.command("convert")
@click.argument("report_file", metavar="FILE.json")
@click.option("--to", "fmt", type=click.Choice(list(FORMATS)), required=True, help="The output format.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None,
              help="Write here (atomically) instead of stdout.")
@DETAIL_OPTION
def convert(report_file: str, fmt: str, out: str | None, detail: str) -> None:
    """Convert a JSON report to text, json, itf, mermaid, dot or html."""
    from pathlib import Path

    from mmnotif_check.trace.load import load_report, require_trace

    try:
        loaded = load_report(report_file)
        if fmt in TRACE_FORMATS:
            require_trace(loaded)
        here = Path(report_file).resolve().parent
        text = render_report(loaded.report, fmt, [Path.cwd(), here, *here.parents],
                             replay=f"mmnotif-check replay {shlex.quote(report_file)}", detail=detail)
    except InputError as err:
        fail_input(err)
        return
    if not _emit(text, out):
        return


def _follow_to(model: Any, token: str) -> tuple[tuple[int, ...], Any]:
    """The state a path token leads to (InputError on the command line otherwise)."""
    try:
        path = parse_path(token)
    except ValueError as exc:
        raise option_error(f"--at: {exc}") from None
    try:
        states, steps = follow(model, path)
    except NondeterminismError as exc:
        raise option_error(f"--at {token}: {exc}") from None
    if len(states) < len(path):
        last = steps[-1][1]
        n = len(path) - 1
        what = "init() fails" if n == 0 else f"step {n} fails"
        raise option_error(f"--at {token}: {what} ({last.kind}: {last.message}); there is no state after it")
    return path, states[-1]


@cli.command()
@click.argument("target")
@click.option("--at", "token", default="0", show_default=True, metavar="TOKEN",
              help="A path token: initial state index, then successor indices (0/2/1).")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a model constant.")
@click.option("--json", "as_json", is_flag=True, help="Print the state and the steps as JSON.")
def explore(target: str, token: str, sets: Sequence[str], as_json: bool) -> None:
    """Show the state at a path and the steps enabled there (with the token of each successor)."""
    from mmnotif_check.trace.views import explore_json, render_explore

    try:
        model = load_model(target, parse_set(sets), "none")
        path, state = _follow_to(model, token)
    except InputError as err:
        fail_input(err)
        return
    if as_json:
        click.echo(json.dumps(explore_json(model, target, path, state), indent=2))
    else:
        click.echo(render_explore(model, target, path, state))


@cli.command("list")
@click.argument("target")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a model constant.")
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
def list_model(target: str, sets: Sequence[str], as_json: bool) -> None:
    """List a model's constants, properties, procedures and the threads init() spawns."""
    from mmnotif_check.trace.views import listing, render_listing

    try:
        model = load_model(target, parse_set(sets))
    except InputError as err:
        fail_input(err)
        return
    if as_json:
        click.echo(json.dumps(listing(model), indent=2))
    else:
        click.echo(render_listing(model))


@cli.command()
@click.argument("target")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a model constant.")
@click.option("--max-states", type=int, default=2000, show_default=True, metavar="N",
              help="Refuse models with more states.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None,
              help="Write the DOT file here (atomically) instead of stdout.")
def graph(target: str, sets: Sequence[str], max_states: int, out: str | None) -> None:
    """Write the whole reachable state graph of a small model as Graphviz DOT."""
    from mmnotif_check.trace.dot import to_dot
    from mmnotif_check.trace.graph import TooManyStates, graph_stats, state_graph

    try:
        if max_states < 1:
            raise option_error("--max-states must be at least 1")
        model = load_model(target, parse_set(sets), "none")
        try:
            g = state_graph(model, max_states)
        except TooManyStates:
            raise option_error(
                f"{target} has more than {max_states} reachable states: too many to draw "
                "(raise --max-states or make the model smaller with --set)"
            ) from None
    except InputError as err:
        fail_input(err)
        return
    st = graph_stats(g)
    text = to_dot(g, "states")
    if not _emit(text, out):
        return
    click.echo(f"{out}: {st['states']} states, {st['edges']} edges; {st['components']} strongly connected "
               f"components, {st['cyclic_components']} with a cycle ({st['on_cycle']} states on a cycle, "
               f"double border; the largest component has {st['largest_component']}); "
               f"{st['cannot_end']} states cannot reach a terminal state", err=True)


def _emit(text: str, out: str | None) -> bool:
    """Print ``text``, or write it atomically to ``out``; True if it went to a file."""
    if out is None:
        click.echo(text, nl=False)
        return False
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        fail_input(option_error(f"-o {out}: cannot write it: {exc}"))
    return True


def _output_failed(exc: OSError) -> bool:
    """Whether ``exc`` is standard output (or error) refusing the report: a closed pipe, a
    full disk, a file-size limit."""
    return isinstance(exc, BrokenPipeError) or exc.errno in (errno.EPIPE, errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def _finish_output() -> None:
    """Flush standard output now, so that a failure to write it is reported like any other
    output that cannot be written (not as a warning when the interpreter exits)."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        _quiet_stdout()
        with contextlib.suppress(OSError):
            click.echo(f"{CMDLINE}:1:1: error: cannot write to standard output: {exc.strerror or exc}", err=True)
        sys.exit(2)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null: what could not be written is lost anyway, and
    the interpreter must not fail again flushing it at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)


def main(argv: Sequence[str] | None = None) -> None:
    """The ``mmnotif-check`` command: bad input exit 2 (one located line), Ctrl-C, SIGTERM,
    SIGHUP and memory exhaustion exit 3, a checker bug exit 70 (docs/reliability.md)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    with terminate_like_interrupt():
        try:
            try:
                if not args:  # the bare command: its help, like --help
                    click.echo(cli.get_help(click.Context(cli, info_name="mmnotif-check")))
                    sys.exit(0)
                cli.main(args=args, prog_name="mmnotif-check", standalone_mode=False)
            except click.exceptions.Exit as exc:
                sys.exit(exc.exit_code)
            except click.exceptions.NoArgsIsHelpError as exc:  # a command group without a command
                click.echo(exc.ctx.get_help() if exc.ctx is not None else exc.format_message())
                sys.exit(0)
            except click.UsageError as exc:
                click.echo(f"{CMDLINE}:1:1: error: {exc.format_message()}", err=True)
                sys.exit(2)
            except (click.Abort, KeyboardInterrupt) as exc:  # before the search could report
                click.echo(f"mmnotif-check: interrupted ({interrupt_name(exc)})", err=True)
                sys.exit(3)
            except MemoryError:
                click.echo("mmnotif-check: out of memory before the search could report (a budget: give the "
                           "model fewer states with --set, or run it where there is more memory)", err=True)
                sys.exit(3)
            except OSError as exc:
                if not _output_failed(exc):
                    raise
                _quiet_stdout()
                with contextlib.suppress(OSError):
                    click.echo(f"{CMDLINE}:1:1: error: cannot write the output: {exc.strerror or exc}", err=True)
                sys.exit(2)
            except Exception as exc:  # a checker bug: one line, the traceback only on request
                if os.environ.get("MMNOTIF_DEBUG"):
                    raise
                click.echo(f"mmnotif-check: internal error: {type(exc).__name__}: {exc} (set MMNOTIF_DEBUG=1 for the traceback; please report it)", err=True)
                sys.exit(70)
        except SystemExit:
            _finish_output()
            raise
        except KeyboardInterrupt as exc:  # a second signal while the first one was handled
            with contextlib.suppress(OSError):
                click.echo(f"mmnotif-check: interrupted ({interrupt_name(exc)})", err=True)
            sys.exit(3)
