"""One verification run: compile, explore, rebuild the counterexample."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mmnotif_check.engine.result import VIOLATED, Result, Violation
from mmnotif_check.engine.search import ProgressFn, explore
from mmnotif_check.errors import InputError
from mmnotif_check.interrupts import interrupt_name
from mmnotif_check.lang.system import CompiledModel, load_model
from mmnotif_check.options import CheckOptions
from mmnotif_check.trace.build import Trace, build_trace


@dataclass
class Outcome:
    model: CompiledModel
    result: Result
    trace: Trace | None


def check_model(model: CompiledModel, options: CheckOptions, progress: ProgressFn | None = None,
                accept: Callable[[Violation], bool] | None = None) -> Outcome:
    """Explore ``model``; on a violation, replay its path into a trace (see
    :func:`~mmnotif_check.engine.search.explore` for ``accept``)."""
    idle = nothing_runs(model)
    result = explore(model, options, progress, accept=accept)
    if idle is not None:
        result = dataclasses.replace(result, stats=dataclasses.replace(result.stats, notes=(*result.stats.notes, idle)))
    trace = None
    if result.verdict == VIOLATED and result.path is not None and result.violation is not None:
        phase = getattr(progress, "phase", None)  # the live progress line says what happens now
        if phase is not None:
            phase(f"rebuilding the counterexample ({len(result.path) - 1} steps)")
        try:
            trace = build_trace(model, result.path, result.violation, options.properties)
        except KeyboardInterrupt as exc:  # the violation stands; its steps are not rebuilt
            result = dataclasses.replace(result, stopped=True, reason=f"interrupted ({interrupt_name(exc)}) "
                                         "while rebuilding the counterexample (replay its path to see it)")
        except MemoryError:
            result = dataclasses.replace(result, stopped=True, reason="out of memory while rebuilding the "
                                         "counterexample (replay its path to see it)")
    return Outcome(model, result, trace)


def nothing_runs(model: CompiledModel) -> str | None:
    """A model without ``init()`` runs no thread: with no property either, nothing would be
    checked and "holds" would mean nothing, so it is bad input (an empty file, a docstring,
    a library file given by mistake).  With properties, only the initial state is checked:
    the note that says so (None for a model with ``init()``)."""
    if model.program.init is not None:
        return None
    if not model.invariants and not model.finals:
        raise InputError(model.program.sources[-1].shown, 1, 1, "the model has no init() procedure: no thread "
                         "runs and nothing is checked (define 'def init():' that spawns the threads)")
    return "note: the model has no init() procedure: no thread runs, only the initial state was checked"


def run(path: str, overrides: Mapping[str, Any], options: CheckOptions, progress: ProgressFn | None = None) -> Outcome:
    return check_model(load_model(path, overrides, options.reduction, options.properties, options.solver_timeout_ms), options, progress)
