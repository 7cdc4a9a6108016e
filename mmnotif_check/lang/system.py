"""A compiled model as a transition system (the engine's interface).

:class:`CompiledModel` decodes a state (:mod:`.state`), runs one thread's step with the
executor (:mod:`.executor`) for every combination of its ``choose`` picks, encodes the
results, and checks properties (:mod:`.properties`).  Steps are ordered by thread id,
then by the picks in lexicographic order (docs/language.md, "Order of successors").

Reductions (``reduction``): ``none`` runs the literal semantics; ``local`` runs the
statements that touch only the running thread's stack in the step before them;
``por`` (the default) also merges statements that no other thread can observe and
offers ample sets (:mod:`mmnotif_check.lang.reduce`).  Whatever the reduction, the
inspection methods (``successors``, ``transitions``, ``literal_path``) use the literal
semantics, so traces, ``replay`` and ``explore`` show literal steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmnotif_check.engine.interface import (
    STEP_COST_SHIFT,
    BlockedThread,
    Inconclusive,
    PropertyFailure,
    StepFailure,
    StepLabel,
)
from mmnotif_check.errors import InputError, NondeterminismError
from mmnotif_check.lang.effects import Effects
from mmnotif_check.lang.executor import Executable, MergeFn
from mmnotif_check.lang.inspect import Inspector, jsonable
from mmnotif_check.lang.lower import assert_tag
from mmnotif_check.lang.program import Program, compile_program
from mmnotif_check.lang.properties import (
    PATH_CONDITION,
    View,
    check_concrete,
    check_symbolic,
    make_property,
)
from mmnotif_check.lang.runtime import AssertFailed, ModelFault, StepContext, SymmetryBroken
from mmnotif_check.lang.state import EMPTY_STACK, Interner, State
from mmnotif_check.lang.wire import Packer, StableHashes
from mmnotif_check.symbolic import values as symvals

REDUCTIONS = ("none", "local", "por")
# A transition code is (literal steps << COST_SHIFT) | (thread id << CODE_SHIFT) | index
# among the thread's outcomes: the engine orders a breadth-first search by literal steps.
CODE_SHIFT = 20
CODE_MASK = (1 << CODE_SHIFT) - 1
COST_SHIFT = STEP_COST_SHIFT
TID_MASK = (1 << (COST_SHIFT - CODE_SHIFT)) - 1


def canonical_pc(constraints: list[Any]) -> tuple[Any, ...]:
    """A path condition as a canonical tuple: distinct constraints ordered by term id."""
    return tuple(sorted(set(constraints), key=lambda b: b.k))


class Decoded:
    """A state taken apart once, for every step and check made on it."""

    __slots__ = ("G", "H", "I", "P", "base", "n", "state")

    def __init__(self, state: State, interner: Interner) -> None:
        self.state = state
        g, infos, pc, n = interner.parts(state)
        self.G = g
        self.I = infos
        self.P = pc
        self.n = n
        self.base = 2 + n  # index of thread 0's stack id
        self.H = interner.heap(state, n)


class CompiledModel:
    """A model file compiled with constant overrides; implements the engine interface."""

    def __init__(
        self,
        program: Program,
        reduction: str = "por",
        properties: frozenset[str] | None = None,
        solver_timeout_ms: int = symvals.SOLVER_TIMEOUT_MS,
    ) -> None:
        self.program = program
        self.ir = program
        self.reduction = reduction
        self.symbolic = program.symbolic
        self.sym_vars: dict[str, tuple[int, bool]] = {}
        self.solver = symvals.PathSolver(solver_timeout_ms) if program.symbolic else None
        # With a property selection, tagged asserts ("tag: message") not selected are off.
        self.selected = properties
        self.path = program.root
        self.constants = program.constants
        self.functions = program.functions
        self.interner = Interner()
        self._svals = self.interner.S.values  # stack entries by id (the list only grows)
        self.exe = Executable(program, self.interner, properties, self.sym_vars)
        self.stable = StableHashes(self.interner)  # process-independent keys (lang/wire.py)
        self._packer: Packer | None = None
        # how to build this model again in another process (engine/parallel.py)
        self.recipe: ModelRecipe | None = None
        self.global_names = [g.shown for g in program.globals]
        self.class_names = [c.name for c in program.classes]
        self.class_fields = [[f.name for f in c.fields] for c in program.classes]
        self.inspector = Inspector(program.functions, self.global_names, self.class_fields, self.class_names)
        self.invariants = [make_property(s, self.exe.native[s.id]) for s in program.invariants]
        self.finals = [make_property(s, self.exe.native[s.id]) for s in program.finals]
        self.property_names = [p.name for p in self.invariants + self.finals] + sorted(program.assert_tags)
        self.effects = Effects(program)
        self._initial: list[State | StepFailure] | None = None
        self._decoded: Decoded | None = None
        self._fresh: dict[State, tuple[Any, Any, Any]] = {}  # decoded data of the last outcomes
        self._ctx = StepContext()
        self._ctx.model = self
        self.merge: MergeFn | None = None
        self._por: Any = None
        self.symmetry: Any = None  # lang.symmetry.Symmetry while --symmetry is on
        self.canon: Callable[[State], State] | None = None
        self.notes: list[str] = []
        self.set_reduction(reduction)

    def set_symmetry(self, on: bool) -> None:
        """Store one state per class of symmetric states from now on (``--symmetry``)."""
        if bool(on) == (self.symmetry is not None):
            return
        from mmnotif_check.lang.symmetry import Symmetry

        self.exe.tids[0] = bool(on)
        # Thread ids change representation (Tid compares equal to its int), so parts
        # interned before could stand for the new ones: start the tables afresh.
        self.interner.clear()
        self.stable.clear()
        self._initial = None
        self._decoded = None
        self._fresh.clear()
        self.symmetry = Symmetry(self) if on else None
        self.canon = None
        self.notes = []
        self.set_reduction(self.reduction)

    def set_reduction(self, reduction: str) -> None:
        """Explore with this reduction from now on (``none``, ``local`` or ``por``)."""
        if reduction not in REDUCTIONS:
            raise ValueError(f"unknown reduction {reduction!r}")
        self.reduction = reduction
        self._por = None
        self.merge = None
        if reduction == "local":
            self.merge = self._merge_local
        elif reduction == "por":
            from mmnotif_check.lang.reduce import PartialOrder

            self._por = PartialOrder(self, self.selected)
            self.merge = self._por.merge
            if self._initial is not None:
                self._por.start([s for s in self._initial if not isinstance(s, StepFailure)])

    # ------------------------------------------------------------- decoding
    def decode(self, state: State) -> Decoded:
        d = self._decoded
        if d is None or d.state is not state:
            d = self._decoded = Decoded(state, self.interner)
        return d

    def _data(self, state: State) -> tuple[Any, Any, Any]:
        """(globals, heap, thread infos) of ``state``."""
        fresh = self._fresh.get(state)
        if fresh is not None:
            return fresh
        d = self.decode(state)
        return d.G, d.H, d.I

    def frames(self, state: State, tid: int) -> list[tuple[Any, ...]]:
        n = self.interner.parts(state)[3]
        return self.interner.frames(state[2 + n + tid])

    # ----------------------------------------------------------------- steps
    def _merge_local(self, c: StepContext, fid: int, pc: int, locs: list[Any], pending: list[Any], base: int) -> bool:
        """The ``local`` reduction: merge statements that touch only the thread's stack."""
        eff = self.effects
        if not eff.local[fid][pc]:
            return False
        if self.functions[fid].instrs[pc].kind != "return":
            return True
        if pending:
            caller = pending[-1]
        elif base != EMPTY_STACK:
            caller = self.interner.S.values[base][1:]
        else:
            return True
        return bool(eff.local_resume[caller[0]].get(caller[1], False))

    def _reset(self, c: StepContext, g: Any, h: Any, i: Any, stacks: Any, tid: int, atomic: int,
               prefix: Sequence[int], pc: tuple[Any, ...]) -> None:
        """Set the step context up for a step of thread ``tid`` (-1: ``init()``)."""
        c.G = g
        c.H = h
        c.I = i
        c.hd = []
        c.spawned = []
        c.stacks = stacks
        c.tid = tid
        c.dirty = False
        c.atomic = atomic
        c.prefix = prefix
        c.choice_pos = 0
        c.arities = []
        if self.symbolic:
            c.P = list(pc)
            c.solver = self.solver
            symvals.set_active(c)

    def _step(self, d: Decoded, tid: int, prefix: Sequence[int], merge: MergeFn | None) -> State | StepFailure | None:
        state = d.state
        c = self._ctx
        entry = self._svals[state[d.base + tid]]
        G, H, I_ = d.G, d.H, d.I
        self._reset(c, G, H, I_, state[d.base:], tid, 0, prefix, d.P)
        try:
            new_sid = self.exe.run(c, entry[0], entry[1], entry[2], list(entry[3:]), merge,
                                   self.effects.local_no_return if merge is not None else None)
        except AssertFailed as exc:
            return self._failure("assert", exc.message, exc, tid, d, c.P)
        except ModelFault as exc:
            return self._failure("error", str(exc), exc, tid, d, c.P)
        except symvals.SolverUnknown as exc:
            raise Inconclusive(f"solver: {exc}") from exc
        except SymmetryBroken as exc:
            fid, pc = getattr(exc, "where", (entry[1], entry[2]))
            info = self.functions[fid].instrs[pc].info
            raise InputError(info.path, info.line, info.col, f"--symmetry: {exc}; the threads cannot be "
                             "swapped: run without --symmetry") from None
        finally:
            if self.symbolic:  # the step is over: symbolic operations outside it build terms only
                symvals.set_active(None)
        if new_sid is None:
            return None
        g, h, i = c.G, c.H, c.I
        if type(g) is list:
            g = tuple(g)
            gid = self.interner.G.intern(g)
        else:
            gid = state[0]
        pc = canonical_pc(c.P) if self.symbolic else d.P
        mid = state[1] if i is I_ and pc == d.P else self.interner.M.intern((i, pc))
        n = d.n
        if type(h) is tuple and not c.spawned:
            out = list(state)
            out[0] = gid
            out[1] = mid
            out[d.base + tid] = new_sid
            result = tuple(out)
        else:
            rid = self.interner.R.intern
            ids = list(state[2 : d.base])
            if type(h) is list:
                for k in c.hd:
                    if k < n:  # objects the step created are appended below
                        ids[k] = rid(h[k])
                for k in range(n, len(h)):
                    ids.append(rid(h[k]))
                h = tuple(h)
            stacks = list(state[d.base :])
            stacks[tid] = new_sid
            stacks.extend(c.spawned)
            result = (gid, mid, *ids, *stacks)
        self._fresh[result] = (g, h, i)
        return result

    def _failure(self, kind: str, message: str, exc: Exception, tid: int, d: Decoded | None,
                 context_pc: list[Any]) -> StepFailure:
        fid, pc = getattr(exc, "where", (None, None))
        info = self.functions[fid].instrs[pc].info if fid is not None and pc is not None else None
        prop = (assert_tag(message) or message) if kind == "assert" else None
        return StepFailure(
            context=(PATH_CONDITION, *(p.t for p in context_pc)) if self.symbolic else (),
            kind=kind,
            property=prop,
            message=message,
            location=(info.path, info.line) if info else None,
            text=info.text if info else "",
            thread=d.I[tid][0] if d is not None and tid >= 0 else "init",
        )

    def complete(self, v: Any) -> Any:
        """``v`` (a Violation, StepFailure or PropertyFailure) with its witness: concrete
        values of the symbolic variables under its path condition."""
        if not v.context or v.context[0] is not PATH_CONDITION or v.witness or self.solver is None or not self.sym_vars:
            return v
        try:
            witness = tuple(self.solver.witness(list(v.context[1:]), self.sym_vars).items())
        except symvals.SolverUnknown:
            witness = ()
        return dataclasses.replace(v, witness=witness, context=())

    def thread_outcomes(self, d: Decoded, tid: int, merge: MergeFn | None) -> list[tuple[tuple[int, ...], State | StepFailure, int]]:
        """Every outcome of one step of thread ``tid`` with its picks and the number of
        literal steps it took, in pick order."""
        c = self._ctx
        out = self._step(d, tid, (), merge)
        arities = c.arities
        if not arities:  # no choice: one outcome (or blocked)
            return [((), out, c.steps)] if out is not None else []
        results: list[tuple[tuple[int, ...], State | StepFailure, int]] = []
        pending: list[tuple[int, ...]] = []
        prefix: tuple[int, ...] = ()
        while True:
            used = prefix + (0,) * (len(arities) - len(prefix))
            if out is not None:  # None: blocked for this combination of picks
                results.append((used[: len(arities)], out, c.steps))
            # queue alternatives, deepest position first so outcomes come in lexicographic order
            alts = [(*used[:j], v) for j in range(len(prefix), len(arities)) for v in range(arities[j] - 1, 0, -1)]
            pending.extend(sorted(alts, reverse=True))
            if not pending:
                return results
            prefix = pending.pop()
            out = self._step(d, tid, prefix, merge)
            arities = c.arities

    # ------------------------------------------------------ engine interface
    def initial_states(self) -> list[State | StepFailure]:
        """The initial states (one per combination of init()'s choices, duplicates merged),
        or a StepFailure where init() itself fails on that combination."""
        if self._initial is None:
            self._initial = self._compute_initial()
            states = [s for s in self._initial if not isinstance(s, StepFailure)]
            if self.symmetry is not None:
                self.symmetry.start(states)
                self.notes = list(self.symmetry.notes)
                self.canon = self.symmetry.canonical if self.symmetry.perms else None
                if self.canon is not None:
                    self._initial = [s if isinstance(s, StepFailure) else self.canon(s) for s in self._initial]
                    states = [s for s in self._initial if not isinstance(s, StepFailure)]
            if self._por is not None:
                self._por.start(states)
        return self._initial

    def _compute_initial(self) -> list[State | StepFailure]:
        G0 = tuple(g.initial for g in self.program.globals)
        init = self.program.init
        if init is None:
            return [self.interner.encode(G0, (), (), (), ())]
        outcomes: list[State | StepFailure] = []
        c = self._ctx
        pending: list[tuple[int, ...]] = [()]
        while pending:
            prefix = pending.pop()
            self._reset(c, G0, (), (), (), -1, 1, prefix, ())  # init() runs as one atomic step
            try:
                out = self.exe.run(c, EMPTY_STACK, init.id, 0, [None] * self.exe.nslots[init.id], None)
                if out is None:
                    info = self.functions[init.id].instrs[0].info
                    outcomes.append(StepFailure("error", None, "init() blocked on a wait_until", (info.path, info.line), info.text, "init"))
                else:
                    pc = canonical_pc(c.P) if self.symbolic else ()
                    outcomes.append(self.interner.encode(tuple(c.G), c.I, pc, tuple(c.H), c.spawned))
            except AssertFailed as exc:
                outcomes.append(self._failure("assert", exc.message, exc, -1, None, c.P))
            except ModelFault as exc:
                outcomes.append(self._failure("error", str(exc), exc, -1, None, c.P))
            except symvals.SolverUnknown as exc:
                raise Inconclusive(f"solver: {exc}") from exc
            finally:
                if self.symbolic:
                    symvals.set_active(None)
            arities = c.arities
            used = tuple(prefix) + (0,) * (len(arities) - len(prefix))
            alts = [(*used[:j], v) for j in range(len(prefix), len(arities)) for v in range(1, arities[j])]
            pending.extend(sorted(alts, reverse=True))
        seen: dict[Any, None] = {}
        for o in outcomes:
            seen.setdefault(o, None)
        return list(seen)

    def expand(self, state: State) -> tuple[list[State | StepFailure], list[int]]:
        """Every thread's steps (merged as the reduction says), with transition codes."""
        self._fresh.clear()
        d = self.decode(state)
        outs: list[State | StepFailure] = []
        codes: list[int] = []
        stacks = state[d.base :]
        merge = self.merge
        por = self._por
        cached = por._cached if por is not None and por._cached_state is state else {}
        for tid in range(len(stacks)):
            if stacks[tid] == EMPTY_STACK:
                continue
            results = cached.get(tid)
            if results is None:
                results = self.thread_outcomes(d, tid, merge)
            code = tid << CODE_SHIFT
            for k, (_, o, cost) in enumerate(results):
                outs.append(o)
                codes.append(cost << COST_SHIFT | code | k)
        canon = self.canon
        if canon is not None:
            outs = [o if isinstance(o, StepFailure) else canon(o) for o in outs]
        return outs, codes

    def ample(self, state: State) -> tuple[list[State | StepFailure], list[int]] | None:
        """The steps of one thread whose next step is safe and goes back to no loop test
        (see lang/reduce.py), or None."""
        if self._por is None:
            return None
        self._fresh.clear()
        canon = self.canon
        got: tuple[list[State | StepFailure], list[int]] | None = self._por.ample(self.decode(state))
        if got is not None and canon is not None:
            return [o if isinstance(o, StepFailure) else canon(o) for o in got[0]], got[1]
        return got

    def successors(self, state: State) -> list[State | StepFailure]:
        """The literal successors (one statement per step), in the order of the path token."""
        return [o for _, o in self.transitions(state)]

    def transitions(self, state: State) -> list[tuple[StepLabel, State | StepFailure]]:
        self._fresh.clear()
        d = self.decode(state)
        out: list[tuple[StepLabel, State | StepFailure]] = []
        stacks = state[d.base :]
        for tid in range(len(stacks)):
            if stacks[tid] == EMPTY_STACK:
                continue
            entry = self.interner.S.values[stacks[tid]]
            info = self.functions[entry[1]].instrs[entry[2]].info
            name = d.I[tid][0]
            for choices, o, _ in self.thread_outcomes(d, tid, None):
                out.append((StepLabel(tid, name, info, choices), o))
        return out

    def literal_step(self, state: State, tid: int, picks: tuple[int, ...]) -> State | StepFailure | None:
        """The literal step of thread ``tid`` with exactly these ``choose`` picks, or None
        when the thread cannot take it (returned, blocked, other choices)."""
        d = self.decode(state)
        if tid >= len(state) - d.base or state[d.base + tid] == EMPTY_STACK:
            return None
        out = self._step(d, tid, picks, None)
        if len(self._ctx.arities) != len(picks):
            return None
        return out

    def literal_index(self, state: State, tid: int, picks: tuple[int, ...]) -> int:
        """The index of that step among the literal successors of ``state``."""
        for k, (label, _) in enumerate(self.transitions(state)):
            if label.tid == tid and label.choices == picks:
                return k
        raise NondeterminismError(f"thread {tid} has no literal step with the picks {picks}")

    def literal_path(self, codes: Sequence[int]) -> tuple[int, ...]:
        """The literal path (initial index, then literal successor indices) that the
        path of transition codes ``codes`` (initial index first) stands for."""
        inits = self.initial_states()
        if not codes:
            return ()
        out = [codes[0]]
        if isinstance(inits[codes[0]], StepFailure):
            return tuple(out)
        state = inits[codes[0]]
        assert not isinstance(state, StepFailure)
        for n, code in enumerate(codes[1:], start=1):
            tid, k = (code >> CODE_SHIFT) & TID_MASK, code & CODE_MASK
            if self.canon is not None:  # the code is of the canonical state; find its step here
                tid, picks, target = self._symmetric_step(state, tid, k, n)
                reached = self._literal_steps(state, tid, picks, target, out)
                if reached is None:
                    break
                state = reached
                continue
            d = self.decode(state)
            if self.merge is None:  # codes are literal steps already
                trans = self.transitions(state)
                offset = next((j for j, (lab, _) in enumerate(trans) if lab.tid == tid), len(trans))
                if offset + k >= len(trans) or trans[offset + k][0].tid != tid:
                    raise NondeterminismError(f"step {n}: thread {tid} has no step {k}")
                out.append(offset + k)
                nxt = trans[offset + k][1]
                if isinstance(nxt, StepFailure):
                    break
                state = nxt
                continue
            results = self.thread_outcomes(d, tid, self.merge)
            if k >= len(results):
                raise NondeterminismError(f"step {n}: thread {tid} has {len(results)} outcomes, the path takes {k}")
            picks, target, _ = results[k]
            reached = self._literal_steps(state, tid, picks, target, out)
            if reached is None:
                break
            state = reached
        return tuple(out)

    def _symmetric_step(self, state: State, tid: int, k: int, n: int) -> tuple[int, tuple[int, ...], Any]:
        """The step of ``state`` that corresponds to step ``(tid, k)`` of its canonical
        form: (thread, picks, outcome).  Canonical forms are the same for every state of a
        class of symmetric states, so it is the step whose outcome has the same one."""
        assert self.canon is not None
        canon = self.canon
        rep = canon(state)
        results = self.thread_outcomes(self.decode(rep), tid, self.merge)
        if k >= len(results):
            raise NondeterminismError(f"step {n}: thread {tid} has {len(results)} outcomes, the path takes {k}")
        want = results[k][1]
        want_key = (want.kind, want.property, want.location) if isinstance(want, StepFailure) else canon(want)
        d = self.decode(state)
        for t in range(len(state) - d.base):
            if state[d.base + t] == EMPTY_STACK:
                continue
            for picks, o, _ in self.thread_outcomes(d, t, self.merge):
                key = (o.kind, o.property, o.location) if isinstance(o, StepFailure) else canon(o)
                if key == want_key:
                    return t, picks, o
        raise NondeterminismError(f"step {n}: no step of the state corresponds to the symmetric one taken")

    def _literal_steps(self, state: State, tid: int, picks: tuple[int, ...], target: State | StepFailure,
                       out: list[int]) -> State | None:
        """Append the literal steps of thread ``tid`` that lead from ``state`` to ``target``
        (a merged step, taken with ``picks``); the state reached, or None when the steps
        end in a failure."""
        pos = 0
        for _ in range(self.merge_limit + 2):
            trans = self.transitions(state)
            match = None
            for j, (lab, o) in enumerate(trans):
                if lab.tid != tid:
                    continue
                want = picks[pos : pos + len(lab.choices)]
                want = want + (0,) * (len(lab.choices) - len(want))
                if lab.choices == want:  # the picks of one step form a prefix-free tree
                    match = (j, lab, o)
                    break
            if match is None:
                raise NondeterminismError(f"thread {tid} has no literal step with the picks {picks[pos:]}")
            j, lab, o = match
            pos += len(lab.choices)
            out.append(j)
            if isinstance(o, StepFailure):
                return None
            if o == target:
                return o
            state = o
        raise NondeterminismError("a merged step could not be replayed as literal steps")

    @property
    def merge_limit(self) -> int:
        from mmnotif_check.lang.executor import MERGE_LIMIT

        return MERGE_LIMIT

    # ------------------------------------------------------ parallel search
    def owner(self, state: State, workers: int) -> int:
        """Which of ``workers`` partitions owns ``state``: the same in every process."""
        return self.stable.owner(state, workers)

    def pack(self, items: list[tuple[State, int, int, int]]) -> bytes:
        """``(state, parent, code, depth)`` items as bytes another process unpacks."""
        if self._packer is None:
            self._packer = Packer(self.interner, self.exe)
        return self._packer.pack(items)

    def unpack(self, blob: bytes) -> list[tuple[State, int, int, int]]:
        if self._packer is None:
            self._packer = Packer(self.interner, self.exe)
        return self._packer.unpack(blob)

    # ----------------------------------------------------------- properties
    def check_invariants(self, state: State, only: frozenset[str] | None = None) -> PropertyFailure | None:
        return self._check(self.invariants, state, only)

    def check_finals(self, state: State, only: frozenset[str] | None = None) -> PropertyFailure | None:
        return self._check(self.finals, state, only)

    def _check(self, props: list[Any], state: State, only: frozenset[str] | None) -> PropertyFailure | None:
        if not props:
            return None
        g, h, i = self._data(state)
        if self.symbolic:
            assert self.solver is not None
            pc = self.interner.M.values[state[1]][1]
            return check_symbolic(props, g, h, i, pc, self.solver, only)
        return check_concrete(props, View(g, h, i), only)

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
        infos, _ = self.interner.M.values[state[1]]
        base = len(state) - len(infos)
        for k, (_, daemon) in enumerate(infos):
            if not daemon and state[base + k] != EMPTY_STACK:
                return False
        return True

    def blocked_threads(self, state: State) -> list[BlockedThread]:
        infos, _ = self.interner.M.values[state[1]]
        base = len(state) - len(infos)
        out = []
        for k, (name, daemon) in enumerate(infos):
            sid = state[base + k]
            if sid == EMPTY_STACK:
                continue
            entry = self.interner.S.values[sid]
            fid, pc = entry[1], entry[2]
            instrs = self.functions[fid].instrs
            info = instrs[pc].info
            text = info.text
            if info.kind == "atomic" and pc + 1 < len(instrs):
                text = f"{text} {instrs[pc + 1].info.text}"
            out.append(BlockedThread(name, daemon, (info.path, info.line), text))
        return out

    # ---------------------------------------------------------- inspection
    def global_values(self, state: State) -> tuple[Any, ...]:
        """The values of the globals in ``state``, in declaration order."""
        return tuple(self.interner.G.values[state[0]])

    def path_condition(self, state: State) -> tuple[Any, ...]:
        """The symbolic path condition of ``state`` (``()`` for concrete models)."""
        return tuple(self.interner.M.values[state[1]][1])

    def thread_names(self, state: State) -> list[str]:
        return [n for n, _ in self.interner.M.values[state[1]][0]]

    def describe_state(self, state: State) -> dict[str, Any]:
        """A JSON-friendly view of a state: globals, objects, threads (with locals)."""
        d = Decoded(state, self.interner)
        stacks = [self.interner.frames(state[d.base + k]) for k in range(len(d.I))]
        return self.inspector.describe(d.G, d.H, d.I, stacks)

    def diff(self, before: State, after: State, tid: int | None) -> list[tuple[str, Any, Any]]:
        """What a step changed: (name, old, new) for globals, fields, spawned threads,
        locals; the values as JSON values (see :func:`~.inspect.jsonable`)."""
        b = Decoded(before, self.interner)
        a = Decoded(after, self.interner)
        old_top = new_top = None
        same_depth = False
        if tid is not None and tid >= 0:
            ob = self.interner.frames(before[b.base + tid])
            nb = self.interner.frames(after[a.base + tid])
            old_top = ob[-1] if ob else None
            new_top = nb[-1] if nb else None
            same_depth = len(ob) == len(nb)
        changes = self.inspector.diff((b.G, b.H, b.I), (a.G, a.H, a.I), tid, old_top, new_top, same_depth)
        return [(name, jsonable(old), jsonable(new)) for name, old, new in changes]

    def outline(self) -> dict[str, Any]:
        """Constants (with where each is defined), properties and procedures, as data."""
        nodes = self.program.constant_nodes
        constants = [
            {"name": k, "value": v, "defined": f"{nodes[k][0]}:{nodes[k][1]}" if k in nodes else ""}
            for k, v in self.constants.items()
        ]
        props = [{"kind": p.kind, "name": p.name, "message": p.doc, "defined": f"{p.where[0]}:{p.where[1]}"}
                 for p in self.invariants + self.finals]
        props += [{"kind": "assert", "name": n, "message": "", "defined": ""} for n in sorted(self.program.assert_tags)]
        procs = [
            {"name": sym.name, "kind": sym.kind, "params": list(sym.params),
             "defined": f"{sym.module.src.shown}:{sym.node.lineno}"}
            for sym in self.program.syms
            if sym.kind in ("proc", "init")
        ]
        return {"model": self.path, "constants": constants, "properties": props, "procedures": procs}

    def local_names(self, fid: int) -> list[str]:
        return self.functions[fid].local_names

    def trace_facts(self) -> Any:
        """What the counterexample views need about steps and states (lang/tracefacts.py)."""
        from mmnotif_check.lang.tracefacts import TraceFacts

        return TraceFacts(self)


def load_model(
    path: str,
    overrides: Mapping[str, Any] | None = None,
    reduction: str = "por",
    properties: frozenset[str] | None = None,
    solver_timeout_ms: int = symvals.SOLVER_TIMEOUT_MS,
) -> CompiledModel:
    """Compile a model file; raises :class:`InputError` for anything outside the language.

    ``reduction`` chooses how steps are merged and interleavings reduced (verdicts never
    change; see docs/language.md): ``none``, ``local`` or ``por`` (the default).
    """
    program = compile_program(path, overrides)
    try:
        model = CompiledModel(program, reduction, properties, solver_timeout_ms)
    except SyntaxError as exc:  # a compiler bug, never the user's fault; say so clearly
        raise InputError(path, 1, 1, f"internal error compiling the model: {exc}") from None
    model.recipe = ModelRecipe(str(Path(path).resolve()), tuple((overrides or {}).items()), reduction, properties, solver_timeout_ms)
    return model


@dataclass(frozen=True)
class ModelRecipe:
    """What :func:`load_model` was given: enough to build the same model in a worker."""

    path: str
    overrides: tuple[tuple[str, Any], ...]
    reduction: str
    properties: frozenset[str] | None
    solver_timeout_ms: int

    def load(self) -> CompiledModel:
        return load_model(self.path, dict(self.overrides), self.reduction, self.properties, self.solver_timeout_ms)


__all__ = ["REDUCTIONS", "CompiledModel", "ModelRecipe", "State", "load_model"]
