"""A compiled model as a transition system (the engine's interface).

State layout (flat tuples that hash fast; unchanged parts are shared between states):

``(G, H, I, T, P)``
  * ``G`` globals, one value per declared global, in declaration order;
  * ``H`` heap: one record per object in creation order, ``(ref, field1, field2, ...)``;
  * ``I`` thread info: ``(name, daemon)`` per thread, in spawn order (thread id = index);
  * ``T`` thread stacks: per thread a tuple of frames, innermost last; a frame is
    ``(function id, pc, local0, local1, ...)``; a returned thread has ``()``;
  * ``P`` reserved for the symbolic path condition (``()`` for concrete models).

A step is one thread executing one statement (DESIGN section 4): the executor runs
compiled instructions until the thread is back outside every ``with atomic()`` block.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mmnotif_check.engine.interface import BlockedThread, Inconclusive, PropertyFailure, StepFailure
from mmnotif_check.errors import InputError
from mmnotif_check.lang import runtime
from mmnotif_check.lang.compiler import (
    CompiledFunc,
    InstrInfo,
    ProgramIR,
    assert_tag,
    compile_program,
)
from mmnotif_check.lang.effects import EffectAnalysis
from mmnotif_check.lang.runtime import (
    BLOCK,
    CALL,
    RETURN,
    AssertFailed,
    ModelFault,
    Ref,
    StepContext,
)
from mmnotif_check.symbolic import values as symvals

State = tuple[Any, ...]
ATOMIC_INSTRUCTION_LIMIT = 1_000_000
MERGE_LIMIT = 10_000  # local statements merged into one step at most (a local spin stays a spin)


@dataclass(frozen=True)
class StepLabel:
    """Who took a step and which statement it started at."""

    tid: int
    thread: str
    info: InstrInfo
    choices: tuple[int, ...]


class _View:
    """Read-only stand-in for a step context when evaluating properties on a state."""

    __slots__ = ("G", "H", "I", "T", "tid")

    def __init__(self, state: State) -> None:
        self.G, self.H, self.I, self.T = state[0], state[1], state[2], state[3]
        self.tid = -1


class _SymView(StepContext):
    """A property evaluation over a symbolic state: reads the state, forks on branches."""

    def __init__(self, state: State, solver: Any, prefix: tuple[int, ...]) -> None:
        super().__init__()
        self.G, self.H, self.I, self.T = state[0], state[1], state[2], state[3]
        self.P = list(state[4])
        self.solver = solver
        self.prefix = prefix
        self.tid = -1


class CompiledModel:
    """A model file compiled with constant overrides; implements the engine interface."""

    def __init__(
        self,
        ir: ProgramIR,
        reduction: str = "none",
        properties: frozenset[str] | None = None,
        solver_timeout_ms: int = symvals.SOLVER_TIMEOUT_MS,
    ) -> None:
        self.ir = ir
        self.reduction = reduction
        self.symbolic = ir.symbolic
        self.sym_vars: dict[str, tuple[int, bool]] = {}
        self.solver = symvals.PathSolver(solver_timeout_ms) if ir.symbolic else None
        # With a property selection, tagged asserts ("tag: message") not selected are off.
        self.selected = properties
        self.path = ir.root
        self.constants = ir.constants
        self.funcs: list[CompiledFunc] = ir.funcs
        self.global_names = [g.shown for g in ir.globals]
        self.class_names = [c.name for c in ir.classes]
        self.class_fields = [[f.name for f in c.fields] for c in ir.classes]
        self._refs: dict[tuple[int, int, int], Ref] = {}
        ns = self._namespace()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(ir.source, f"<mmnotif-check generated from {ir.root}>", "exec"), ns)
        self.code: list[list[Any]] = []
        self.resume: list[dict[int, Any]] = []
        self.infos: list[list[InstrInfo]] = []
        for f in self.funcs:
            self.code.append([ns[n] for n in f.instr_names])
            self.resume.append({pc: ns[n] for pc, n in f.resume_names.items()})
            self.infos.append(f.infos)
        self.nslots = [f.nslots for f in self.funcs]
        self.merge_local = reduction == "local"
        if self.merge_local:
            effects = EffectAnalysis(self.funcs, ir.init.id if ir.init is not None else None)
            self.local = effects.local
            self.local_resume = effects.local_resume
        else:
            self.local = [[False] * len(f.instr_names) for f in self.funcs]
            self.local_resume = [{} for _ in self.funcs]
        self.invariants = [(s.name, s.doc, ns[f"_f{s.id}"], s) for s in ir.invariants]
        self.finals = [(s.name, s.doc, ns[f"_f{s.id}"], s) for s in ir.finals]
        self.property_names = [p[0] for p in self.invariants + self.finals] + sorted(ir.assert_tags)
        self._initial: list[State | StepFailure] | None = None

    # --------------------------------------------------------------- runtime
    def _namespace(self) -> dict[str, Any]:
        model = self
        nslots_ref: list[list[int]] = []
        classes = self.ir.classes
        gcheck = [runtime.make_checker(g.type.kind, _cls_id(g.type.cls), g.type.width) for g in self.ir.globals]
        fcheck = [
            [runtime.make_checker("any", None, None)]
            + [runtime.make_checker(f.type.kind, _cls_id(f.type.cls), f.type.width) for f in c.fields]
            for c in classes
        ]
        field_slots = {name: tuple(slots) for name, slots in self.ir.field_slots.items()}
        defaults = [tuple(f.default for f in c.fields) for c in classes]

        def setg(c: StepContext, k: int, v: Any) -> None:
            v = gcheck[k](v)
            g = c.G
            if type(g) is tuple:
                g = c.G = list(g)
            g[k] = v
            c.dirty = True

        def getf(c: Any, o: Any, name: str) -> Any:
            if type(o) is not Ref:
                if o is None:
                    raise ModelFault(f"None dereference reading field '{name}'")
                raise ModelFault(f"reading field '{name}' of a {runtime.type_name(o)}, not an object")
            slot = field_slots[name][o.c]
            if slot is None:
                raise ModelFault(f"{o.name} has no field '{name}'")
            return c.H[o.i][slot]

        def setf(c: StepContext, o: Any, name: str, v: Any) -> None:
            if type(o) is not Ref:
                if o is None:
                    raise ModelFault(f"None dereference writing field '{name}'")
                raise ModelFault(f"writing field '{name}' of a {runtime.type_name(o)}, not an object")
            slot = field_slots[name][o.c]
            if slot is None:
                raise ModelFault(f"{o.name} has no field '{name}'")
            v = fcheck[o.c][slot](v)
            h = c.H
            if type(h) is tuple:
                h = c.H = list(h)
            rec = h[o.i]
            h[o.i] = (*rec[:slot], v, *rec[slot + 1 :])
            c.dirty = True

        def new(c: StepContext, cls_id: int, kws: tuple[tuple[str, Any], ...]) -> Ref:
            h = c.H
            if type(h) is tuple:
                h = c.H = list(h)
            ordinal = sum(1 for rec in h if rec[0].c == cls_id)
            ref = model._ref(cls_id, len(h), ordinal)
            values = list(defaults[cls_id])
            for name, v in kws:
                slot = field_slots[name][cls_id]
                assert slot is not None
                values[slot - 1] = fcheck[cls_id][slot](v)
            h.append((ref, *values))
            c.dirty = True
            return ref

        def spawn(c: StepContext, fid: int, args: tuple[Any, ...], name: Any, daemon: Any) -> int:
            t = c.T
            if type(t) is tuple:
                t = c.T = list(t)
            i = c.I
            if type(i) is tuple:
                i = c.I = list(i)
            tid = len(t)
            if name is None:
                name = f"{model.funcs[fid].sym.name}-{tid}"
            elif type(name) is not str:
                raise ModelFault(f"spawn(): thread name must be a str, not {runtime.type_name(name)}")
            if any(n == name for n, _ in i):
                raise ModelFault(f"spawn(): a thread named {name!r} already exists")
            pad = (None,) * (nslots_ref[0][fid] - len(args))
            t.append(((fid, 0, *args, *pad),))
            i.append((name, bool(daemon)))
            c.dirty = True
            return tid

        def me(c: Any) -> int:
            if c.tid < 0:
                raise ModelFault("me() has no thread here (it is evaluated outside any thread)")
            return int(c.tid)

        def as_seq(v: Any) -> Any:
            if type(v) is tuple or type(v) is str:
                return v
            raise ModelFault(f"expected a tuple to iterate over, got {runtime.type_name(v)} {v!r}")

        def unpack(v: Any, n: int) -> Any:
            if type(v) is not tuple or len(v) != n:
                raise ModelFault(f"cannot unpack {v!r} into {n} names")
            return v

        def cast_u(v: Any, width: int) -> int:
            return int(v) & ((1 << width) - 1)

        def cast_s(v: Any, width: int) -> int:
            u = int(v) & ((1 << width) - 1)
            return u - (1 << width) if u >= 1 << (width - 1) else u

        procs = [runtime.ProcRef(f.sym.id, f.sym.name, len(f.sym.params)) for f in self.ir.funcs]

        def dyn_target(ref: Any, nargs: int) -> int:
            if type(ref) is not runtime.ProcRef:
                if ref is None:
                    raise ModelFault("call() through a None procedure reference")
                raise ModelFault(f"call() needs a procedure reference, not a {runtime.type_name(ref)}")
            if ref.nparams != nargs:
                raise ModelFault(f"call(): '{ref.name}' takes {ref.nparams} arguments, {nargs} given")
            return int(ref.id)

        selected = self.selected

        def assert_failed(message: str) -> None:
            tag = assert_tag(message)
            if selected is not None and tag is not None and tag not in selected:
                return
            raise AssertFailed(message)

        sym_vars = self.sym_vars

        def make_symbolic(c: StepContext, name: Any, width: int, signed: bool) -> Any:
            if type(name) is not str or not name.isidentifier():
                raise ModelFault(f"symbolic(): the name must be an identifier string, not {name!r}")
            known = sym_vars.get(name)
            if known is not None and known != (width, signed):
                raise ModelFault(f"symbolic(): '{name}' already names a value of another type")
            sym_vars[name] = (width, signed)
            return symvals.make_symbolic(name, width, signed)

        def wrapu(v: Any, width: int) -> Any:
            return v & ((1 << width) - 1) if type(v) is int else v

        def wraps(v: Any, width: int) -> Any:
            if type(v) is not int:
                return v
            v &= (1 << width) - 1
            return v - (1 << width) if v >= 1 << (width - 1) else v

        def sdiv(a: Any, b: Any) -> Any:  # C division truncates toward zero
            if type(a) is int and type(b) is int:
                if b == 0:
                    raise ZeroDivisionError
                q = abs(a) // abs(b)
                return q if (a >= 0) == (b >= 0) else -q
            return a // b

        def smod(a: Any, b: Any) -> Any:  # C remainder has the sign of the dividend
            if type(a) is int and type(b) is int:
                return a - sdiv(a, b) * b
            return a % b

        ns: dict[str, Any] = {
            "_wrapu": wrapu,
            "_wraps": wraps,
            "_sdiv": sdiv,
            "_smod": smod,
            "_symbolic": make_symbolic,
            "_eq": symvals.eq,
            "_ne": symvals.ne,
            "_contains": symvals.contains,
            "_cast": symvals.cast,
            "_assert_failed": assert_failed,
            "_same": lambda a, b: a is b or (type(a) is type(b) and a == b),
            "_P": procs,
            "_dyn_target": dyn_target,
            "_CALL": CALL,
            "_RETURN": RETURN,
            "_BLOCK": BLOCK,
            "_AssertFailed": AssertFailed,
            "_setg": setg,
            "_getf": getf,
            "_setf": setf,
            "_new": new,
            "_spawn": spawn,
            "_me": me,
            "_objects": runtime.objects_of,
            "_choose_args": runtime.choose_args,
            "_set_item": runtime.set_item,
            "_remove": runtime.remove,
            "_discard": runtime.discard,
            "_append": runtime.append,
            "_index_of": runtime.index_of,
            "_range": lambda *a: tuple(range(*a)),
            "_as_seq": as_seq,
            "_unpack": unpack,
            "_cast_u": cast_u,
            "_cast_s": cast_s,
        }
        for name, slots in field_slots.items():
            ns[f"_F_{name}"] = slots
        nslots_ref.append([f.nslots for f in self.ir.funcs])
        return ns

    def _ref(self, cls_id: int, index: int, ordinal: int) -> Ref:
        key = (cls_id, index, ordinal)
        ref = self._refs.get(key)
        if ref is None:
            ref = self._refs[key] = Ref(cls_id, index, f"{self.class_names[cls_id]}#{ordinal}")
        return ref

    # ------------------------------------------------------------ executor
    def _run(
        self, c: StepContext, stack: tuple[Any, ...], fid: int, pc: int, locs: list[Any]
    ) -> tuple[Any, ...] | None:
        """Run from (fid, pc) until the step ends; the thread's new stack, or None if blocked.

        The step ends after one instruction at atomic depth 0, or when the base frame
        returns.  Raises AssertFailed / ModelFault (with ``where`` set) on failures.
        """
        code = self.code
        resume = self.resume
        budget = ATOMIC_INSTRUCTION_LIMIT
        merged = 0
        try:
            while True:
                r = code[fid][pc](c, locs)
                if r >= 0:
                    pc = r
                elif r == CALL:
                    callee, args = c.call  # type: ignore[misc]
                    stack = (*stack, (fid, pc, *locs))
                    fid = callee
                    pc = 0
                    n = self.nslots[callee] - len(args)
                    locs = args + [None] * n if n else args
                elif r == RETURN:
                    if not stack:
                        return ()
                    top = stack[-1]
                    stack = stack[:-1]
                    fid = top[0]
                    pc = top[1]
                    locs = list(top[2:])
                    pc = resume[fid][pc](c, locs, c.retval)
                else:  # BLOCK
                    if c.dirty:
                        raise ModelFault(
                            "wait_until blocked in the middle of an atomic block (only its first "
                            "statement may block)"
                        )
                    return None
                if c.atomic == 0:
                    # The local reduction runs following statements that touch only this
                    # thread's stack in the same step (see lang/effects.py).
                    if not self.local[fid][pc] or merged >= MERGE_LIMIT:
                        return (*stack, (fid, pc, *locs))
                    if self.infos[fid][pc].kind == "return" and stack:
                        caller = stack[-1]
                        if not self.local_resume[caller[0]].get(caller[1], False):
                            return (*stack, (fid, pc, *locs))
                    merged += 1
                    continue
                budget -= 1
                if budget == 0:
                    raise ModelFault("an atomic block ran for too long (an endless loop?)")
        except (AssertFailed, ModelFault) as exc:
            exc.where = (fid, pc)  # type: ignore[union-attr]
            raise
        except symvals.SolverUnknown as exc:
            raise Inconclusive(f"solver: {exc}") from exc
        except RecursionError as exc:
            fault = ModelFault("recursion too deep")
            fault.where = (fid, pc)  # type: ignore[attr-defined]
            raise fault from exc
        except Exception as exc:  # a Python error inside generated code
            fault = ModelFault(runtime.translate_python_error(exc))
            fault.where = (fid, pc)  # type: ignore[attr-defined]
            raise fault from exc

    def _step(self, state: State, tid: int, prefix: Sequence[int], c: StepContext) -> State | StepFailure | None:
        G, H, I_, T, P = state
        frames = T[tid]
        top = frames[-1]
        c.G = G
        c.H = H
        c.I = I_
        c.T = T
        c.tid = tid
        c.dirty = False
        c.atomic = 0
        c.prefix = prefix
        c.choice_pos = 0
        c.arities = []
        if self.symbolic:
            c.P = list(P)
            c.solver = self.solver
            symvals.set_active(c)
        try:
            new_frames = self._run(c, frames[:-1], top[0], top[1], list(top[2:]))
        except AssertFailed as exc:
            exc.context_pc = c.P  # type: ignore[attr-defined]
            return self._failure("assert", exc.message, exc, tid, state)
        except ModelFault as exc:
            exc.context_pc = c.P  # type: ignore[attr-defined]
            return self._failure("error", str(exc), exc, tid, state)
        if new_frames is None:
            return None
        t: list[Any] = list(c.T) if type(c.T) is tuple else c.T
        t[tid] = new_frames
        g = c.G
        h = c.H
        i = c.I
        return (
            tuple(g) if type(g) is list else g,
            tuple(h) if type(h) is list else h,
            tuple(i) if type(i) is list else i,
            tuple(t),
            canonical_pc(c.P) if self.symbolic else P,
        )

    def _failure(self, kind: str, message: str, exc: Exception, tid: int, state: State) -> StepFailure:
        fid, pc = getattr(exc, "where", (None, None))
        info = self.infos[fid][pc] if fid is not None and pc is not None else None
        prop = (assert_tag(message) or message) if kind == "assert" else None
        witness: tuple[tuple[str, int], ...] = ()
        if self.symbolic and self.solver is not None and self.sym_vars:
            ctx = getattr(exc, "context_pc", None)
            terms = [p.t for p in (ctx if ctx is not None else state[4])]
            witness = tuple(self.solver.witness(terms, self.sym_vars).items())
        return StepFailure(
            witness=witness,
            kind=kind,
            property=prop,
            message=message,
            location=(info.path, info.line) if info else None,
            text=info.text if info else "",
            thread=state[2][tid][0] if tid >= 0 else "init",
        )

    def _expand(self, state: State, tid: int) -> Iterator[tuple[tuple[int, ...], State | StepFailure]]:
        """Every outcome of one step of thread ``tid``, in choice order."""
        c = StepContext()
        c.model = self
        pending: list[tuple[int, ...]] = [()]
        while pending:
            prefix = pending.pop()
            out = self._step(state, tid, prefix, c)
            arities = c.arities
            used = tuple(prefix) + (0,) * (len(arities) - len(prefix))
            if out is not None:  # None: blocked (for this combination of choices)
                yield used[: len(arities)], out
            # queue alternatives, deepest position first so outcomes come in lexicographic order
            alts = []
            for j in range(len(prefix), len(arities)):
                for v in range(arities[j] - 1, 0, -1):
                    alts.append((*used[:j], v))
            # pending is a stack: push so that the smallest alternative pops first
            for alt in sorted(alts, reverse=True):
                pending.append(alt)

    # ------------------------------------------------------ engine interface
    def initial_states(self) -> list[State | StepFailure]:
        """The initial states (one per combination of init()'s choices, duplicates merged),
        or a StepFailure where init() itself fails on that combination."""
        if self._initial is None:
            self._initial = self._compute_initial()
        return self._initial

    def _compute_initial(self) -> list[State | StepFailure]:
        G0 = tuple(g.initial for g in self.ir.globals)
        base: State = (G0, (), (), (), ())
        init = self.ir.init
        if init is None:
            return [base]
        outcomes: list[State | StepFailure] = []
        c = StepContext()
        c.model = self
        pending: list[tuple[int, ...]] = [()]
        while pending:
            prefix = pending.pop()
            c.G, c.H, c.I, c.T = base[0], base[1], base[2], base[3]
            c.tid = -1
            c.dirty = False
            c.atomic = 1
            c.prefix = prefix
            c.choice_pos = 0
            c.arities = []
            if self.symbolic:
                c.P = []
                c.solver = self.solver
                symvals.set_active(c)
            try:
                out = self._run(c, (), init.id, 0, [None] * self.nslots[init.id])
                if out is None:
                    info = self.infos[init.id][0]
                    outcomes.append(StepFailure("error", None, "init() blocked on a wait_until", (info.path, info.line), info.text, "init"))
                else:
                    g, h, i, t = c.G, c.H, c.I, c.T
                    pc = canonical_pc(c.P) if self.symbolic else ()
                    outcomes.append((tuple(g), tuple(h), tuple(i), tuple(t), pc))
            except AssertFailed as exc:
                exc.context_pc = c.P  # type: ignore[attr-defined]
                outcomes.append(self._failure("assert", exc.message, exc, -1, base))
            except ModelFault as exc:
                exc.context_pc = c.P  # type: ignore[attr-defined]
                outcomes.append(self._failure("error", str(exc), exc, -1, base))
            arities = c.arities
            used = tuple(prefix) + (0,) * (len(arities) - len(prefix))
            alts = [(*used[:j], v) for j in range(len(prefix), len(arities)) for v in range(1, arities[j])]
            pending.extend(sorted(alts, reverse=True))
        seen: dict[Any, None] = {}
        for o in outcomes:
            seen.setdefault(o, None)
        return list(seen)

    def successors(self, state: State) -> list[State | StepFailure]:
        out: list[State | StepFailure] = []
        T = state[3]
        for tid in range(len(T)):
            if T[tid]:
                out.extend(o for _, o in self._expand(state, tid))
        return out

    def transitions(self, state: State) -> list[tuple[StepLabel, State | StepFailure]]:
        out: list[tuple[StepLabel, State | StepFailure]] = []
        T = state[3]
        for tid in range(len(T)):
            frames = T[tid]
            if not frames:
                continue
            info = self.infos[frames[-1][0]][frames[-1][1]]
            for choices, o in self._expand(state, tid):
                out.append((StepLabel(tid, state[2][tid][0], info, choices), o))
        return out

    def check_invariants(self, state: State, only: frozenset[str] | None = None) -> PropertyFailure | None:
        return self._check(self.invariants, "invariant", state, only)

    def check_finals(self, state: State, only: frozenset[str] | None = None) -> PropertyFailure | None:
        return self._check(self.finals, "final", state, only)

    def _check(self, props: list[Any], kind: str, state: State, only: frozenset[str] | None) -> PropertyFailure | None:
        if not props:
            return None
        if self.symbolic:
            return self._check_symbolic(props, kind, state, only)
        view = _View(state)
        for name, doc, fn, sym in props:
            if only is not None and name not in only:
                continue
            try:
                ok = fn(view)
            except (AssertFailed, ModelFault) as exc:
                return PropertyFailure(kind, name, f"{name} raised: {exc}", (sym.module.src.shown, sym.node.lineno))
            except Exception as exc:
                return PropertyFailure(kind, name, f"{name}: {runtime.translate_python_error(exc)}", (sym.module.src.shown, sym.node.lineno))
            if ok is not True:
                if ok is False:
                    return PropertyFailure(kind, name, doc or f"{kind} {name} is false", (sym.module.src.shown, sym.node.lineno))
                return PropertyFailure(kind, name, f"{kind} '{name}' returned {ok!r}, not a bool", (sym.module.src.shown, sym.node.lineno))
        return None

    def _check_symbolic(self, props: list[Any], kind: str, state: State, only: frozenset[str] | None) -> PropertyFailure | None:
        """A property over symbolic values holds only if it holds for every value the path
        condition allows: evaluate it on every feasible branch and ask the solver."""
        assert self.solver is not None
        for name, doc, fn, sym in props:
            if only is not None and name not in only:
                continue
            where = (sym.module.src.shown, sym.node.lineno)
            pending: list[tuple[int, ...]] = [()]
            while pending:
                prefix = pending.pop()
                view = _SymView(state, self.solver, prefix)
                symvals.set_active(view)
                try:
                    ok = fn(view)
                except symvals.SolverUnknown as exc:
                    raise Inconclusive(f"solver: {exc}") from exc
                except (AssertFailed, ModelFault) as exc:
                    return PropertyFailure(kind, name, f"{name} raised: {exc}", where, self._witness(view.P))
                except Exception as exc:
                    return PropertyFailure(kind, name, f"{name}: {runtime.translate_python_error(exc)}", where, self._witness(view.P))
                finally:
                    symvals.set_active(None)
                bad: list[Any] | None = None
                if type(ok) is symvals.SymBool:
                    neg = [*view.P, ok.negate()]
                    try:
                        if self.solver.sat([p.t for p in neg]):
                            bad = neg
                    except symvals.SolverUnknown as exc:
                        raise Inconclusive(f"solver: {exc}") from exc
                elif ok is False:
                    bad = view.P
                elif ok is not True:
                    return PropertyFailure(kind, name, f"{kind} '{name}' returned {ok!r}, not a bool", where)
                if bad is not None:
                    return PropertyFailure(kind, name, doc or f"{kind} {name} is false", where, self._witness(bad))
                used = tuple(prefix) + (0,) * (len(view.arities) - len(prefix))
                alts = [(*used[:j], v) for j in range(len(prefix), len(view.arities)) for v in range(1, view.arities[j])]
                pending.extend(sorted(alts, reverse=True))
        return None

    def _witness(self, constraints: list[Any]) -> tuple[tuple[str, int], ...]:
        if self.solver is None or not self.sym_vars:
            return ()
        return tuple(self.solver.witness([p.t for p in constraints], self.sym_vars).items())

    def statistics(self) -> list[tuple[str, float]]:
        """Solver statistics of a symbolic model (empty for concrete models)."""
        if self.solver is None:
            return []
        return [
            ("solver_calls", self.solver.calls),
            ("solver_cache_hits", self.solver.hits),
            ("solver_seconds", round(self.solver.seconds, 3)),
        ]

    def is_terminal(self, state: State) -> bool:
        for (_, daemon), frames in zip(state[2], state[3], strict=True):
            if frames and not daemon:
                return False
        return True

    def blocked_threads(self, state: State) -> list[BlockedThread]:
        out = []
        for (name, daemon), frames in zip(state[2], state[3], strict=True):
            if not frames:
                continue
            fid, pc = frames[-1][0], frames[-1][1]
            info = self.infos[fid][pc]
            text = info.text
            if info.kind == "atomic" and pc + 1 < len(self.infos[fid]):
                text = f"{text} {self.infos[fid][pc + 1].text}"
            out.append(BlockedThread(name, daemon, (info.path, info.line), text))
        return out

    # ---------------------------------------------------------- inspection
    def thread_names(self, state: State) -> list[str]:
        return [n for n, _ in state[2]]

    def describe_state(self, state: State) -> dict[str, Any]:
        """A JSON-friendly view of a state: globals, objects, threads (with locals)."""
        G, H, I_, T, _ = state
        objs: dict[str, dict[str, Any]] = {}
        for rec in H:
            ref = rec[0]
            objs[ref.name] = {f: jsonable(v) for f, v in zip(self.class_fields[ref.c], rec[1:], strict=True)}
        threads = []
        for (name, daemon), frames in zip(I_, T, strict=True):
            stack = []
            for fr in frames:
                f = self.funcs[fr[0]]
                info = self.infos[fr[0]][fr[1]]
                locs = {n: jsonable(v) for n, v in zip(f.local_names, fr[2:], strict=True) if not n.startswith("<")}
                stack.append({"function": f.sym.name, "at": f"{info.path}:{info.line}", "locals": locs})
            threads.append({"name": name, "daemon": daemon, "done": not frames, "stack": stack})
        return {
            "globals": {n: jsonable(v) for n, v in zip(self.global_names, G, strict=True)},
            "objects": objs,
            "threads": threads,
        }

    def diff(self, before: State, after: State, tid: int | None) -> list[tuple[str, Any, Any]]:
        """What a step changed: (name, old, new) for globals, fields, spawned threads, locals."""
        changes: list[tuple[str, Any, Any]] = []
        for n, a, b in zip(self.global_names, before[0], after[0], strict=True):
            if a != b or type(a) is not type(b):
                changes.append((n, a, b))
        old_heap = before[1]
        for k, rec in enumerate(after[1]):
            ref = rec[0]
            if k >= len(old_heap):
                changes.append((ref.name, None, "new " + self.class_names[ref.c]))
                continue
            orec = old_heap[k]
            if orec is rec:
                continue
            for f, a, b in zip(self.class_fields[ref.c], orec[1:], rec[1:], strict=True):
                if a != b or type(a) is not type(b):
                    changes.append((f"{ref.name}.{f}", a, b))
        for k in range(len(before[2]), len(after[2])):
            changes.append((f"thread {after[2][k][0]}", None, "spawned"))
        if tid is not None and tid >= 0:
            ob, nb = before[3][tid], after[3][tid]
            if ob and nb and len(ob) == len(nb) and ob[-1][0] == nb[-1][0]:
                f = self.funcs[nb[-1][0]]
                for n, a, b in zip(f.local_names, ob[-1][2:], nb[-1][2:], strict=True):
                    if not n.startswith("<") and (a != b or type(a) is not type(b)):
                        changes.append((n, a, b))
            if ob and not nb:
                changes.append((f"thread {after[2][tid][0]}", "running", "returned"))
        return changes


def canonical_pc(constraints: list[Any]) -> tuple[Any, ...]:
    """A path condition as a canonical tuple: distinct constraints ordered by term id."""
    return tuple(sorted(set(constraints), key=lambda b: b.k))


def _cls_id(cls: str | None) -> int | None:
    return int(cls) if cls is not None else None


def jsonable(v: Any) -> Any:
    """Model values as JSON values: tuples become lists, references their names."""
    if isinstance(v, Ref | runtime.ProcRef):
        return v.name
    if isinstance(v, symvals.Sym | symvals.SymBool):
        return f"<{v!r}>"
    if isinstance(v, tuple):
        return [jsonable(x) for x in v]
    return v


REDUCTIONS = ("none", "local")


def load_model(
    path: str,
    overrides: Mapping[str, Any] | None = None,
    reduction: str = "none",
    properties: frozenset[str] | None = None,
    solver_timeout_ms: int = symvals.SOLVER_TIMEOUT_MS,
) -> CompiledModel:
    """Compile a model file; raises :class:`InputError` for anything outside the language.

    ``reduction="local"`` merges statements that touch only the running thread's stack
    into the step before them (same verdicts, fewer states; see lang/effects.py).
    """
    ir = compile_program(path, overrides)
    try:
        return CompiledModel(ir, reduction, properties, solver_timeout_ms)
    except SyntaxError as exc:  # a compiler bug, never the user's fault; say so clearly
        raise InputError(path, 1, 1, f"internal error compiling the model: {exc}") from exc
