"""Evaluating ``@invariant`` and ``@final`` properties on a state.

A property sees globals and objects, never locals (DESIGN section 4).  Over symbolic
values a property holds only if it holds for every value the path condition allows: it
is evaluated on every feasible branch and the solver is asked whether its negation is
satisfiable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mmnotif_check.engine.interface import Inconclusive, PropertyFailure
from mmnotif_check.lang import runtime
from mmnotif_check.lang.runtime import AssertFailed, ModelFault, StepContext
from mmnotif_check.lang.symbols import FuncSym
from mmnotif_check.symbolic import values as symvals


@dataclass(frozen=True)
class Property:
    name: str
    kind: str  # invariant | final
    doc: str
    fn: Callable[[Any], Any]
    where: tuple[str, int]


def make_property(sym: FuncSym, fn: Callable[[Any], Any]) -> Property:
    return Property(sym.name, sym.kind, sym.doc, fn, (sym.module.src.shown, sym.node.lineno))


class View:
    """Read-only stand-in for a step context when evaluating properties on a state."""

    __slots__ = ("G", "H", "I", "tid")

    def __init__(self, g: Any, h: Any, i: Any) -> None:
        self.G, self.H, self.I = g, h, i
        self.tid = -1


class SymView(StepContext):
    """A property evaluation over a symbolic state: reads the state, forks on branches."""

    def __init__(self, g: Any, h: Any, i: Any, pc: tuple[Any, ...], solver: Any, prefix: tuple[int, ...]) -> None:
        super().__init__()
        self.G, self.H, self.I = g, h, i
        self.P = list(pc)
        self.solver = solver
        self.prefix = prefix
        self.tid = -1


def check_concrete(props: list[Property], view: View, only: frozenset[str] | None) -> PropertyFailure | None:
    for p in props:
        if only is not None and p.name not in only:
            continue
        try:
            ok = p.fn(view)
        except (runtime.SymmetryBroken, MemoryError):
            raise  # MemoryError: out of memory is the engine's budget, not the property's fault
        except (AssertFailed, ModelFault) as exc:
            return PropertyFailure(p.kind, p.name, f"{p.name} raised: {exc}", p.where)
        except Exception as exc:
            return PropertyFailure(p.kind, p.name, f"{p.name}: {runtime.translate_python_error(exc)}", p.where)
        if ok is not True:
            if ok is False:
                return PropertyFailure(p.kind, p.name, p.doc or f"{p.kind} {p.name} is false", p.where)
            return PropertyFailure(p.kind, p.name, f"{p.kind} '{p.name}' returned {ok!r}, not a bool", p.where)
    return None


PATH_CONDITION = "path-condition"  # marks a failure's context: the Z3 terms that follow


def _terms(constraints: list[Any]) -> tuple[Any, ...]:
    return (PATH_CONDITION, *(c.t for c in constraints))


def check_symbolic(props: list[Property], g: Any, h: Any, i: Any, pc: tuple[Any, ...], solver: Any,
                   only: frozenset[str] | None) -> PropertyFailure | None:
    """A property over symbolic values holds only if it holds for every value the path
    condition allows: evaluate it on every feasible branch and ask the solver."""
    for p in props:
        if only is not None and p.name not in only:
            continue
        pending: list[tuple[int, ...]] = [()]
        while pending:
            prefix = pending.pop()
            view = SymView(g, h, i, pc, solver, prefix)
            symvals.set_active(view)
            try:
                ok = p.fn(view)
            except symvals.SolverUnknown as exc:
                raise Inconclusive(f"solver: {exc}") from exc
            except MemoryError:
                raise
            except (AssertFailed, ModelFault) as exc:
                return PropertyFailure(p.kind, p.name, f"{p.name} raised: {exc}", p.where, context=_terms(view.P))
            except Exception as exc:
                return PropertyFailure(p.kind, p.name, f"{p.name}: {runtime.translate_python_error(exc)}", p.where,
                                       context=_terms(view.P))
            finally:
                symvals.set_active(None)
            bad: list[Any] | None = None
            if type(ok) is symvals.SymBool:
                neg = [*view.P, ok.negate()]
                try:
                    if solver.sat([c.t for c in neg]):
                        bad = neg
                except symvals.SolverUnknown as exc:
                    raise Inconclusive(f"solver: {exc}") from exc
            elif ok is False:
                bad = view.P
            elif ok is not True:
                return PropertyFailure(p.kind, p.name, f"{p.kind} '{p.name}' returned {ok!r}, not a bool", p.where)
            if bad is not None:
                return PropertyFailure(p.kind, p.name, p.doc or f"{p.kind} {p.name} is false", p.where,
                                       context=_terms(bad))
            used = tuple(prefix) + (0,) * (len(view.arities) - len(prefix))
            alts = [(*used[:j], v) for j in range(len(prefix), len(view.arities)) for v in range(1, view.arities[j])]
            pending.extend(sorted(alts, reverse=True))
    return None
