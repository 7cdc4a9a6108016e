"""Object-precise footprints: which shared locations a step, or a thread's whole future,
may read and write, and under which locks.

An abstract interpretation of the IR.  A thread's frame gives concrete values to its
locals (object references above all); values the analysis cannot know (a mutable field,
an arithmetic result, a call's return value) are :data:`UNKNOWN`.  Where an unknown
local is dereferenced and its class has few objects, all created by ``init()`` (a
*closed* class), the walk forks, binding the local to each candidate: that keeps the
correlation between, say, a userptr and the lock of its own VM.  Fields that no thread
ever writes (:class:`~mmnotif_check.lang.effects.Effects`) are read from the *context
heap* (the objects ``init()`` created), so ``to_userptr(n)`` or ``u.vm.notifier_lock``
evaluate to concrete objects.

An access is ``(location, kind, guards)``.  Locations are concrete ``("F", index,
field, class)`` or wildcard ``("W", class, field)``, ``("G", k)``, ``("O", class)``,
``("H",)``.  ``guards`` are the locks ``(object index, mode)`` the thread acquires, with a
blocking acquire of the kernel library, on every path before the access: while another
thread holds one of them in a conflicting mode, the access cannot happen.

Kinds: a plain read or write; an *ownership query* (``rwsem_held(sem)``,
``mutex_is_held(m)``: does the running thread hold it?) and a *lock operation's write*
(inside ``down_write``, ``mutex_unlock``, ...).  A lock operation only ever adds or
removes its own thread as a holder, so it cannot change another thread's answer to an
ownership query: those two kinds commute (:func:`kinds_conflict`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mmnotif_check.lang import ir
from mmnotif_check.lang.effects import Effects, Loc
from mmnotif_check.lang.limits import MAX_NESTING, nesting
from mmnotif_check.lang.runtime import ProcRef, Ref


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "?"


UNKNOWN: Any = _Unknown()


class OneOf:
    """One of a few known objects (or None): what a join of references keeps."""

    __slots__ = ("values",)

    def __init__(self, values: frozenset[Any]) -> None:
        self.values = values

    def __eq__(self, other: object) -> bool:
        return type(other) is OneOf and other.values == self.values

    def __hash__(self) -> int:
        return hash(self.values)

    def __repr__(self) -> str:
        return "{" + ", ".join(sorted(map(repr, self.values))) + "}"

    def refs(self) -> list[Ref]:
        return sorted((v for v in self.values if type(v) is Ref), key=lambda r: r.i)
READ, WRITE, QUERY, LOCK_WRITE = 0, 1, 2, 3
FORK_LIMIT = 8  # candidates a dereferenced unknown local may be forked over
SEQ_LIMIT = 32  # longest concrete sequence iterated element by element
WALK_LIMIT = 20_000  # abstract states of one walk before giving up precision
SUMMARY_DEPTH = 40  # nested procedure summaries at most (each walks its callees'): deeper is class-level

Guards = frozenset[tuple[int, str]]
Access = tuple[tuple[Any, ...], int, Guards]
NO_GUARDS: Guards = frozenset()

_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
    "is-none": operator.is_, "is-not-none": operator.is_not,
    "is": lambda a, b: a is b or (type(a) is type(b) and a == b),
    "is not": lambda a, b: not (a is b or (type(a) is type(b) and a == b)),
}


def kinds_conflict(a: int, b: int) -> bool:
    """Do accesses of kinds ``a`` and ``b`` to one location fail to commute?"""
    if a != WRITE and a != LOCK_WRITE and b != WRITE and b != LOCK_WRITE:
        return False  # two reads
    return not ((a == QUERY and b == LOCK_WRITE) or (a == LOCK_WRITE and b == QUERY))


def _concrete(v: Any) -> bool:
    if v is UNKNOWN:
        return False
    if type(v) is tuple:
        return all(_concrete(x) for x in v)
    return type(v) in (int, bool, str, Ref, ProcRef) or v is None


class Precision(Exception):
    """A walk grew too large: the caller falls back to class-level accesses."""


@dataclass
class Summary:
    """What running a procedure from its start may touch (guards relative to its entry)."""

    accesses: set[Access] = field(default_factory=set)
    exit_guards: Guards | None = None  # locks acquired on every path to its return
    ret: Any = UNKNOWN  # what it returns


class Footprints:
    """The analysis for one program, with the context heap of its initial states."""

    def __init__(self, effects: Effects, lock_classes: dict[int, tuple[int | None, int | None]],
                 context_heap: tuple[Any, ...] | None, globals_init: tuple[Any, ...],
                 lock_fids: frozenset[int] = frozenset(), query_fids: frozenset[int] = frozenset(),
                 written: frozenset[tuple[Any, ...]] | None = None) -> None:
        self.effects = effects
        self.program = effects.program
        self.fns = self.program.functions
        self.lock_classes = lock_classes  # class id -> (exclusive-owner slot, shared-holders slot)
        self.lock_fids = lock_fids  # the kernel library's lock operations
        self.query_fids = query_fids  # its ownership queries
        self.heap = context_heap
        self.globals_init = globals_init
        mutable = effects.mutable
        self.mutable_fields = {(loc[1], loc[2]) for loc in mutable if loc[0] == "F"}
        self.mutable_globals = {loc[1] for loc in mutable if loc[0] == "G"}
        self.open_classes = {loc[1] for loc in mutable if loc[0] == "O"}
        self.field_slots = self.program.field_slots
        # object-level writes of every thread (a previous pass): a field of an object no
        # thread writes keeps its initial value, even if other objects' field is written
        self.written = written
        self.summaries: dict[tuple[Any, ...], Summary] = {}
        self.pure_memo: dict[tuple[Any, ...], tuple[frozenset[Access], Any]] = {}
        self.in_progress: set[tuple[Any, ...]] = set()
        self.targets_by_arity: dict[int, list[int]] = {}
        for fid in sorted(effects.thread_procs):
            fn = self.fns[fid]
            if fn.kind == "proc":
                self.targets_by_arity.setdefault(len(fn.params), []).append(fid)
        self.objects_of: dict[int, tuple[Ref, ...]] = {}
        if context_heap is not None:
            for rec in context_heap:
                self.objects_of.setdefault(rec[0].c, ())
                self.objects_of[rec[0].c] += (rec[0],)
        self.class_level: dict[int, frozenset[Access]] = {}

    # ------------------------------------------------------------ locations
    def _field_loc(self, obj: Ref, name: str) -> tuple[Any, ...]:
        return ("F", obj.i, name, obj.c)

    def _immutable_value(self, obj: Ref, name: str) -> Any:
        if self.heap is None or obj.c in self.open_classes:
            return UNKNOWN
        if (obj.c, name) in self.mutable_fields:
            written = self.written
            if written is None or (obj.i, name) in written or (obj.c, name, "*") in written:
                return UNKNOWN
        if obj.i >= len(self.heap) or self.heap[obj.i][0] is not obj:
            return UNKNOWN
        slot = self.field_slots[name][obj.c]
        if slot is None:
            return UNKNOWN
        return self.heap[obj.i][slot]

    def _candidates(self, name: str) -> list[Ref] | None:
        """The objects an unknown reference with field ``name`` may be (closed classes)."""
        if self.heap is None:
            return None
        owners = [c for c, slot in enumerate(self.field_slots.get(name, [])) if slot is not None]
        if any(c in self.open_classes for c in owners):
            return None
        cands = [r for c in owners for r in self.objects_of.get(c, ())]
        return cands if len(cands) <= FORK_LIMIT else None

    def proc_targets(self, name: str) -> list[int] | None:
        """The procedures field ``name`` may refer to: for a field no thread writes, of
        classes whose objects ``init()`` created, the values it holds in the context heap."""
        if self.heap is None:
            return None
        owners = [c for c, slot in enumerate(self.field_slots.get(name, [])) if slot is not None]
        if not owners or any(c in self.open_classes or (c, name) in self.mutable_fields for c in owners):
            return None
        out: set[int] = set()
        for c in owners:
            slot = self.field_slots[name][c]
            assert slot is not None
            for ref in self.objects_of.get(c, ()):
                v = self.heap[ref.i][slot]
                if type(v) is ProcRef:
                    out.add(v.id)
                elif v is not None:
                    return None
        return sorted(out)

    # ------------------------------------------------------------------ walks
    def step(self, fid: int, pc: int, locs: tuple[Any, ...], caller: tuple[Any, ...] | None) -> frozenset[Access]:
        """The accesses of the step a thread takes from frame ``(fid, pc, locs)``."""
        w = _Walk(self, "step", fid)
        try:
            w.frame(fid, pc, list(locs), NO_GUARDS, caller)
        except Precision:
            return self.class_level_step(fid, pc)
        return frozenset(w.acc)

    def future(self, frames: list[tuple[Any, ...]]) -> frozenset[Access]:
        """Every access a thread with these frames (outermost first) may still make."""
        acc: set[Access] = set()
        for k in range(len(frames) - 1, -1, -1):
            fid, pc, *locs = frames[k]
            w = _Walk(self, "future", fid)
            try:
                if k == len(frames) - 1:
                    w.frame(fid, pc, locs, NO_GUARDS, None)
                else:  # a caller: continues when the call at pc returns
                    w.resume(fid, pc, locs, NO_GUARDS)
            except Precision:
                acc |= self.class_level_from(fid)
                continue
            acc |= w.acc
        return frozenset(acc)

    def writes(self, stacks: list[list[tuple[Any, ...]]]) -> frozenset[tuple[Any, ...]]:
        """Every field write threads with these frames may make: ``(object index, field)``,
        or ``(class, field, "*")`` where the object is not known."""
        out: set[tuple[Any, ...]] = set()
        for frames in stacks:
            for loc, kind, _ in self.future(frames):
                if kind in (WRITE, LOCK_WRITE):
                    if loc[0] == "F":
                        out.add((loc[1], loc[2]))
                    elif loc[0] == "W":
                        out.add((loc[1], loc[2], "*"))
        return frozenset(out)

    def summary(self, fid: int, args: tuple[Any, ...]) -> Summary:
        key = (fid, args)
        s = self.summaries.get(key)
        if s is not None:
            return s
        if key in self.in_progress or len(self.in_progress) >= SUMMARY_DEPTH:
            # recursion, or a chain of calls too deep to walk on the stack (a summary walks
            # its callees' summaries): everything the procedure can reach, like the fallback
            return Summary(set(self.class_level_from(fid)), NO_GUARDS)
        self.in_progress.add(key)
        try:
            w = _Walk(self, "future", fid)
            fn = self.fns[fid]
            locs = list(args) + [None] * (fn.nslots - len(args))
            try:
                w.frame(fid, 0, locs, NO_GUARDS, None, count_exit=True)
                s = Summary(w.acc, w.exit_guards if w.exit_guards is not None else NO_GUARDS, join(w.returns))
            except Precision:
                s = Summary(set(self.class_level_from(fid)), NO_GUARDS)
        finally:
            self.in_progress.discard(key)
        self.summaries[key] = s
        return s

    def class_level_from(self, fid: int) -> frozenset[Access]:
        """Wildcard accesses of everything procedure ``fid`` can reach (the fallback)."""
        got = self.class_level.get(fid)
        if got is not None:
            return got
        seen: set[int] = set()
        todo = [fid]
        acc: set[Access] = set()
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            for pc, ins in enumerate(self.fns[f].instrs):
                a = self.effects.instr[f][pc]
                acc |= self._wild(a.reads, False) | self._wild(a.writes, True)
                if isinstance(ins, ir.ICall):
                    r = self.effects.resume[f][pc]
                    acc |= self._wild(r.reads, False) | self._wild(r.writes, True)
                    if ins.call.fid is not None:
                        todo.append(ins.call.fid)
                    else:
                        todo.extend(self.targets_by_arity.get(len(ins.call.args), []))
                for e in ins.exprs():
                    for node in ir.walk(e):
                        if isinstance(node, ir.Spawn):
                            todo.append(node.fid)
        out = frozenset(acc)
        self.class_level[fid] = out
        return out

    def class_level_step(self, fid: int, pc: int) -> frozenset[Access]:
        return self.class_level_from(fid)

    @staticmethod
    def _wild(locs: frozenset[Loc], write: bool) -> set[Access]:
        kind = WRITE if write else READ
        out: set[Access] = set()
        for loc in locs:
            if loc[0] == "F":
                out.add((("W", loc[1], loc[2]), kind, NO_GUARDS))
            else:
                out.add((tuple(loc), kind, NO_GUARDS))
        return out


class _Walk:
    """One abstract walk: from a frame to the end of its step (``step``) or of its
    procedure (``future``), collecting accesses."""

    def __init__(self, fp: Footprints, mode: str, fid: int) -> None:
        self.fp = fp
        self.mode = mode
        self.write_kind = LOCK_WRITE if fid in fp.lock_fids else WRITE
        self.acc: set[Access] = set()
        self.exit_guards: Guards | None = None
        self.returns: list[Any] = []
        self.budget = WALK_LIMIT

    def record(self, loc: tuple[Any, ...], write: bool, guards: Guards) -> None:
        self.acc.add((loc, self.write_kind if write else READ, guards))

    # ------------------------------------------------------------- procedures
    def frame(self, fid: int, pc: int, locs: list[Any], guards: Guards, caller: tuple[Any, ...] | None,
              count_exit: bool = False) -> None:
        fn = self.fp.fns[fid]
        env0 = tuple(_abstract(v) for v in locs)
        start = fn.instrs[pc]
        if self.mode == "step" and not isinstance(start, ir.IAtomic):
            self._instr(fid, pc, env0, guards, caller, single=True)
            return
        end = start.end if self.mode == "step" and isinstance(start, ir.IAtomic) else -1
        seen: set[tuple[int, tuple[Any, ...], Guards]] = set()
        todo: list[tuple[int, tuple[Any, ...], Guards]] = [(pc, env0, guards)]
        while todo:
            item = todo.pop()
            if item in seen:
                continue
            seen.add(item)
            self.budget -= 1
            if self.budget <= 0:
                raise Precision
            p, env, g = item
            if p == end:
                continue
            for nxt in self._instr(fid, p, env, g, caller, single=False, count_exit=count_exit):
                todo.append(nxt)

    def resume(self, fid: int, pc: int, locs: list[Any], guards: Guards) -> None:
        """Continue a caller frame suspended at the call at ``pc`` (the result unknown)."""
        ins = self.fp.fns[fid].instrs[pc]
        assert isinstance(ins, ir.ICall)
        env = tuple(_abstract(v) for v in locs)
        envs = [env]
        if ins.slot >= 0:
            envs = [_set(env, ins.slot, UNKNOWN)]
        elif ins.dest is not None:
            envs = self.store(ins.dest, UNKNOWN, env, guards)
        for e in envs:
            self.frame_from(fid, ins.next, e, guards)

    def frame_from(self, fid: int, pc: int, env: tuple[Any, ...], guards: Guards) -> None:
        self.frame(fid, pc, list(env), guards, None)

    def _instr(self, fid: int, pc: int, env: tuple[Any, ...], g: Guards, caller: tuple[Any, ...] | None,
               single: bool, count_exit: bool = False) -> list[tuple[int, tuple[Any, ...], Guards]]:
        ins = self.fp.fns[fid].instrs[pc]
        out: list[tuple[int, tuple[Any, ...], Guards]] = []
        if isinstance(ins, ir.IAssign):
            for v, e1 in self.ev(ins.value, env, g):
                for e2 in self.store(ins.target, v, e1, g):
                    out.append((ins.next, e2, g))
        elif isinstance(ins, ir.IEval):
            out = [(ins.next, e1, g) for _, e1 in self.ev(ins.value, env, g)]
        elif isinstance(ins, ir.IWait | ir.IAssert):
            e1s = [env]
            for e in ins.exprs():
                e1s = [e2 for e1 in e1s for _, e2 in self.ev(e, e1, g)]
            out = [(ins.next, e1, g) for e1 in e1s]
        elif isinstance(ins, ir.IBranch):
            for v, e1 in self.ev(ins.cond, env, g):
                if v is UNKNOWN or not _concrete(v):
                    out += [(ins.then, e1, g), (ins.orelse, e1, g)]
                else:
                    out.append((ins.then if v else ins.orelse, e1, g))
        elif isinstance(ins, ir.IJump):
            e1 = env
            for s in ins.clear_slots:
                e1 = _set(e1, s, None)
            out = [(ins.target, e1, g)]
        elif isinstance(ins, ir.IFor):
            out = self._for(ins, env, g)
        elif isinstance(ins, ir.ICall):
            out = self._call(ins, env, g, single)
        elif isinstance(ins, ir.IReturn):
            if ins.from_slot >= 0:
                self.returns.append(env[ins.from_slot])
            elif ins.value is not None:
                self.returns.extend(v for v, _ in self.ev(ins.value, env, g))
            else:
                self.returns.append(None)
            if count_exit:
                self.exit_guards = g if self.exit_guards is None else self.exit_guards & g
            if (single or self.mode == "step") and caller is not None:
                self._caller_resume(caller, g)
        elif isinstance(ins, ir.IAtomic):
            out = [(ins.body, env, g)]
        elif isinstance(ins, ir.IAtomicEnd):
            out = [(ins.next, env, g)]
        if single:
            return []
        return out

    def _caller_resume(self, caller: tuple[Any, ...], g: Guards) -> None:
        cfid, cpc, *clocs = caller
        ins = self.fp.fns[cfid].instrs[cpc]
        if isinstance(ins, ir.ICall) and ins.dest is not None:
            self.store(ins.dest, UNKNOWN, tuple(_abstract(v) for v in clocs), g)

    def _for(self, ins: ir.IFor, env: tuple[Any, ...], g: Guards) -> list[tuple[int, tuple[Any, ...], Guards]]:
        out: list[tuple[int, tuple[Any, ...], Guards]] = []
        seqs: list[tuple[Any, Any, tuple[Any, ...]]] = []
        seq = env[ins.seq_slot]
        if seq is None:
            for v, e1 in self.ev(ins.iter, env, g):
                seqs.append((v, 0, e1))
        else:
            seqs.append((seq, env[ins.idx_slot], env))
        for s, k, e1 in seqs:
            if type(s) is tuple and len(s) <= SEQ_LIMIT and type(k) is int:
                if k < len(s):
                    e2 = _set(_set(e1, ins.seq_slot, s), ins.idx_slot, k + 1)
                    for e3 in self.store(ins.target, s[k], e2, g):
                        out.append((ins.body, e3, g))
                else:
                    out.append((ins.exit, _set(_set(e1, ins.seq_slot, None), ins.idx_slot, None), g))
            else:
                e2 = _set(_set(e1, ins.seq_slot, UNKNOWN), ins.idx_slot, UNKNOWN)
                for e3 in self.store(ins.target, UNKNOWN, e2, g):
                    out.append((ins.body, e3, g))
                out.append((ins.exit, _set(_set(e1, ins.seq_slot, None), ins.idx_slot, None), g))
        return out

    def _call(self, ins: ir.ICall, env: tuple[Any, ...], g: Guards, single: bool) -> list[tuple[int, tuple[Any, ...], Guards]]:
        out: list[tuple[int, tuple[Any, ...], Guards]] = []
        call = ins.call
        alts: list[tuple[tuple[Any, ...], tuple[Any, ...], Any]] = [((), env, None)]
        if call.ref is not None:
            alts = [((), e1, v) for v, e1 in self.ev(call.ref, env, g)]
        for a in call.args:
            alts = [((*vals, v), e2, ref) for vals, e1, ref in alts for v, e2 in self.ev(a, e1, g)]
        for args, e1, ref in alts:
            if self.mode == "step" and single:
                continue  # the call step only evaluates its arguments
            targets: list[int]
            if call.fid is not None:
                targets = [call.fid]
            elif type(ref) is ProcRef:
                targets = [ref.id]
            elif type(ref) is OneOf and all(type(v) is ProcRef for v in ref.values):
                targets = sorted(v.id for v in ref.values)
            else:
                found = self.fp.proc_targets(call.ref.name) if isinstance(call.ref, ir.Field) else None
                targets = found if found is not None else self.fp.targets_by_arity.get(len(args), [])
            inner = g
            after = g
            lock = call.lock
            if (lock is not None and lock.action == "acquire" and args and type(args[0]) is Ref
                    and args[0].c in self.fp.lock_classes):
                inner = g | {(args[0].i, lock.mode)}
                after = inner
            rets = []
            for t in targets:
                s = self.fp.summary(t, args)
                for loc, w, gg in s.accesses:
                    self.acc.add((loc, w, gg | inner))
                if s.exit_guards:
                    after = after | s.exit_guards
                rets.append(s.ret)
            ret = join(rets)
            if ins.slot >= 0:
                out.append((ins.next, _set(e1, ins.slot, ret), after))
            elif ins.dest is not None:
                for e2 in self.store(ins.dest, ret, e1, after):
                    out.append((ins.next, e2, after))
            else:
                out.append((ins.next, e1, after))
        return out

    # ------------------------------------------------------------------ stores
    def store(self, t: ir.Target, v: Any, env: tuple[Any, ...], g: Guards) -> list[tuple[Any, ...]]:
        if isinstance(t, ir.StoreLocal):
            return [_set(env, t.slot, v)]
        if isinstance(t, ir.StoreGlobal):
            self.record(("G", t.index), True, g)
            return [env]
        if isinstance(t, ir.StoreField):
            out = []
            for ov, e1 in self.ev(t.obj, env, g, deref=t.name):
                self._field_access(ov, t.name, t.classes, True, g)
                out.append(e1)
            return out
        if isinstance(t, ir.StoreItem):
            out = []
            for _, e1 in self.ev(t.base_value, env, g):
                for _, e2 in self.ev(t.index, e1, g):
                    out.extend(self.store(t.base, UNKNOWN, e2, g))
            return out
        if isinstance(t, ir.StoreTuple):
            envs = [env]
            for k, elt in enumerate(t.elts):
                item = v[k] if type(v) is tuple and len(v) == len(t.elts) else UNKNOWN
                envs = [e2 for e1 in envs for e2 in self.store(elt, item, e1, g)]
            return envs
        raise AssertionError(t)  # pragma: no cover

    def _field_access(self, ov: Any, name: str, classes: tuple[int, ...], write: bool, g: Guards) -> Any:
        if type(ov) is Ref:
            self.record(self.fp._field_loc(ov, name), write, g)
            return self.fp._immutable_value(ov, name)
        if type(ov) is OneOf:
            values = []
            for ref in ov.refs():
                self.record(self.fp._field_loc(ref, name), write, g)
                values.append(self.fp._immutable_value(ref, name))
            return join(values)
        if ov is UNKNOWN:
            for c in classes:
                self.record(("W", c, name), write, g)
        return UNKNOWN

    # ------------------------------------------------------------- expressions
    def ev(self, e: ir.Expr | None, env: tuple[Any, ...], g: Guards, deref: str | None = None,
           comp: dict[Any, Any] | None = None) -> list[tuple[Any, tuple[Any, ...]]]:
        """Abstract values of ``e`` with the environment each holds in (a walk forks where
        an unknown local is dereferenced: ``deref`` names the field about to be read)."""
        if e is None:
            return [(None, env)]
        if isinstance(e, ir.Const):
            return [(e.value, env)]
        if isinstance(e, ir.Local):
            v = env[e.slot]
            if deref is not None:
                cands: list[Any] | None = None
                if v is UNKNOWN:
                    cands = self.fp._candidates(deref)
                elif type(v) is OneOf:
                    cands = v.refs()
                if cands is not None:
                    return [(c, _set(env, e.slot, c)) for c in cands]
            return [(v, env)]
        if isinstance(e, ir.CompVar):
            return [((comp or {}).get((e.depth, e.name), UNKNOWN), env)]
        if isinstance(e, ir.Global):
            self.record(("G", e.index), False, g)
            if e.index in self.fp.mutable_globals:
                return [(UNKNOWN, env)]
            return [(self.fp.globals_init[e.index], env)]
        if isinstance(e, ir.ProcValue):
            fn = self.fp.fns[e.fid]
            return [(ProcRef(e.fid, fn.name, len(fn.params)), env)]
        if isinstance(e, ir.Field):
            out = []
            for ov, e1 in self.ev(e.obj, env, g, deref=e.name, comp=comp):
                out.append((self._field_access(ov, e.name, e.classes, False, g), e1))
            return out
        if isinstance(e, ir.PureCall):
            alts: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = [((), env)]
            for a in e.args:
                alts = [((*vals, v), e2) for vals, e1 in alts for v, e2 in self.ev(a, e1, g, comp=comp)]
            out = []
            query = e.fid in self.fp.query_fids
            for vals, e1 in alts:
                accs, ret = self.pure(e.fid, vals)
                for loc, kind, _ in accs:
                    self.acc.add((loc, QUERY if query and kind == READ else kind, g))
                out.append((ret, e1))
            return out
        if isinstance(e, ir.New):
            self.record(("O", e.cls), True, g)
            self.record(("H",), True, g)
            env1 = env
            for _, x in e.fields:
                env1 = self._effects_only(x, env1, g, comp)
            return [(UNKNOWN, env1)]
        if isinstance(e, ir.Objects):
            self.record(("O", e.cls), False, g)
            if self.fp.heap is not None and e.cls not in self.fp.open_classes:
                return [(self.fp.objects_of.get(e.cls, ()), env)]
            return [(UNKNOWN, env)]
        if isinstance(e, ir.Spawn):
            self.record(("T",), True, g)
            alts2: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = [((), env)]
            for a in e.args:
                alts2 = [((*vals, v), e2) for vals, e1 in alts2 for v, e2 in self.ev(a, e1, g, comp=comp)]
            env1 = env
            for label in (e.name, e.daemon):
                if label is not None:
                    env1 = self._effects_only(label, env1, g, comp)
            for vals, _ in alts2:
                for loc, kind, _gg in self.fp.summary(e.fid, vals).accesses:
                    self.acc.add((loc, kind, NO_GUARDS))  # the new thread holds no lock
            return [(UNKNOWN, alts2[0][1] if len(alts2) == 1 else env)]
        if isinstance(e, ir.Comprehension):
            return [(UNKNOWN, self._comprehension(e, env, g, comp))]
        if isinstance(e, ir.Compare | ir.BoolOp | ir.UnaryOp | ir.IfExp | ir.TupleExpr | ir.Index | ir.BuiltinCall | ir.Choose):
            return self._combine(e, env, g, comp)
        # arithmetic, slices, f-strings, casts, me(), symbolic(): only their reads matter
        return [(UNKNOWN, self._effects_only(e, env, g, comp))]

    def _effects_only(self, e: ir.Expr, env: tuple[Any, ...], g: Guards, comp: dict[Any, Any] | None) -> tuple[Any, ...]:
        for child in e.children():
            results = self.ev(child, env, g, comp=comp)
            env = results[0][1] if len(results) == 1 else env
        return env

    def _combine(self, e: ir.Expr, env: tuple[Any, ...], g: Guards, comp: dict[Any, Any] | None) -> list[tuple[Any, tuple[Any, ...]]]:
        """Evaluate the children (every one: a short-circuit may skip none of their reads)
        and compute the value when all of them are concrete."""
        vals: list[Any] = []
        for child in e.children():
            results = self.ev(child, env, g, comp=comp)
            if len(results) == 1:
                v, env = results[0]
            else:
                v = UNKNOWN
            vals.append(v)
        if not all(_concrete(v) for v in vals):
            if isinstance(e, ir.TupleExpr) and not any(e.starred):
                return [(_bounded(tuple(vals)), env)]  # a tuple of abstract values (unpacked later)
            return [(UNKNOWN, env)]
        try:
            value = _bounded(_compute(e, vals))
        except Exception:
            value = UNKNOWN
        if isinstance(e, ir.Choose) and value is not UNKNOWN:
            picks = value[0] if len(value) == 1 and type(value[0]) is tuple else value
            if len(picks) <= FORK_LIMIT:
                return [(p, env) for p in picks] or [(UNKNOWN, env)]
            return [(UNKNOWN, env)]
        return [(value, env)]

    def _comprehension(self, e: ir.Comprehension, env: tuple[Any, ...], g: Guards, comp: dict[Any, Any] | None) -> tuple[Any, ...]:
        scopes: list[dict[Any, Any]] = [dict(comp or {})]
        for gen in e.gens:
            nxt: list[dict[Any, Any]] = []
            for sc in scopes:
                results = self.ev(gen.iter, env, g, comp=sc)
                seq = results[0][0] if len(results) == 1 else UNKNOWN
                items = list(seq) if type(seq) is tuple and len(seq) <= SEQ_LIMIT else [UNKNOWN]
                for item in items or [UNKNOWN]:
                    sc2 = dict(sc)
                    _bind_pattern(gen.target, item, sc2)
                    for cond in gen.ifs:
                        self.ev(cond, env, g, comp=sc2)
                    nxt.append(sc2)
            scopes = nxt[: SEQ_LIMIT * 4]
        for sc in scopes:
            self.ev(e.elt, env, g, comp=sc)
        return env

    # ------------------------------------------------------------ pure functions
    def pure(self, fid: int, args: tuple[Any, ...]) -> tuple[frozenset[Access], Any]:
        key = (fid, args)
        memo = self.fp.pure_memo.get(key)
        if memo is not None:
            return memo
        if key in self.fp.in_progress:
            return self._pure_fallback(fid)
        self.fp.in_progress.add(key)
        try:
            w = _Walk(self.fp, "future", fid)
            fn = self.fp.fns[fid]
            env: dict[str, Any] = {p: a for p, a in zip(fn.params, args, strict=False)}
            for name in fn.local_names:
                env.setdefault(name, None)
            try:
                rets, end = w.block(fn.body, env)
                if end != "return":
                    rets.append(None)  # falling off the end returns None
                result = (frozenset(w.acc), join(rets))
            except Precision:
                result = self._pure_fallback(fid)
        finally:
            self.fp.in_progress.discard(key)
        self.fp.pure_memo[key] = result
        return result

    def _pure_fallback(self, fid: int) -> tuple[frozenset[Access], Any]:
        reads = self.fp.effects.pure_reads.get(fid, frozenset())
        return frozenset(Footprints._wild(reads, False)), UNKNOWN

    def block(self, stmts: list[ir.Stmt], env: dict[str, Any]) -> tuple[list[Any], str]:
        """Walk structured (pure) statements, updating ``env``: the values returned, and
        how the block certainly ends (``normal``, ``return``, ``break``, ``continue``)."""
        rets: list[Any] = []
        for st in stmts:
            self.budget -= 1
            if self.budget <= 0:
                raise Precision
            if isinstance(st, ir.SAssign):
                assert isinstance(st.value, ir.Expr)
                self._pstore(st.target, self._pev(st.value, env), env)
            elif isinstance(st, ir.SIf):
                c = self._pev(st.test, env)
                if c is not UNKNOWN and _concrete(c):
                    r, end = self.block(st.body if c else st.orelse, env)
                    rets += r
                    if end != "normal":
                        return rets, end
                    continue
                e1, e2 = dict(env), dict(env)
                r1, end1 = self.block(st.body, e1)
                r2, end2 = self.block(st.orelse, e2)
                rets += r1 + r2
                for k in env:
                    a, b = e1.get(k, UNKNOWN), e2.get(k, UNKNOWN)
                    env[k] = a if a is b or (type(a) is type(b) and a == b) else UNKNOWN
                if end1 == end2 and end1 != "normal":
                    return rets, end1
            elif isinstance(st, ir.SFor):
                seq = self._pev(st.iter, env)
                if type(seq) is tuple and len(seq) <= SEQ_LIMIT:
                    for item in seq:
                        self._pstore(st.target, item, env)
                        r, end = self.block(st.body, env)
                        rets += r
                        if end == "return":
                            return rets, end
                        if end == "break":
                            break
                    continue
                for name in _assigned(st.body):
                    env[name] = UNKNOWN
                self._pstore(st.target, UNKNOWN, env)
                r, _ = self.block(st.body, dict(env))
                rets += r
            elif isinstance(st, ir.SWhile):
                for name in _assigned(st.body):
                    env[name] = UNKNOWN
                self._pev(st.test, env)
                r, _ = self.block(st.body, dict(env))
                rets += r
            elif isinstance(st, ir.SReturn):
                assert not isinstance(st.value, ir.ProcCall)
                rets.append(self._pev(st.value, env) if st.value is not None else None)
                return rets, "return"
            elif isinstance(st, ir.SAssert):
                self._pev(st.cond, env)
                self._pev(st.message, env)
            elif isinstance(st, ir.SJump) and st.what in ("break", "continue"):
                return rets, st.what
        return rets, "normal"

    def _pev(self, e: ir.Expr, env: dict[str, Any]) -> Any:
        names = {node.slot: node.name for node in ir.walk(e) if isinstance(node, ir.Local)}
        slots = max(names, default=-1) + 1
        tup = [UNKNOWN] * slots
        for slot, name in names.items():
            tup[slot] = env.get(name, UNKNOWN)
        results = self.ev(e, tuple(tup), NO_GUARDS)
        return results[0][0] if len(results) == 1 else join([v for v, _ in results])

    def _pstore(self, t: ir.Target, v: Any, env: dict[str, Any]) -> None:
        if isinstance(t, ir.StoreLocal):
            env[t.name] = v
        elif isinstance(t, ir.StoreTuple):
            for k, elt in enumerate(t.elts):
                self._pstore(elt, v[k] if type(v) is tuple and len(v) == len(t.elts) else UNKNOWN, env)


def _compute(e: ir.Expr, vals: list[Any]) -> Any:
    if isinstance(e, ir.Compare):
        ok = True
        for k, op in enumerate(e.ops):
            ok = ok and bool(_CMP[op](vals[k], vals[k + 1]))
        return ok
    if isinstance(e, ir.BoolOp):
        if e.op == "and":
            r: Any = True
            for v in vals:
                r = v
                if not v:
                    break
            return r
        r = False
        for v in vals:
            r = v
            if v:
                break
        return r
    if isinstance(e, ir.UnaryOp):
        return (not vals[0]) if e.op == "not " else UNKNOWN
    if isinstance(e, ir.IfExp):
        return vals[1] if vals[0] else vals[2]
    if isinstance(e, ir.TupleExpr):
        out: list[Any] = []
        for v, s in zip(vals, e.starred, strict=True):
            if s:
                if type(v) is not tuple:
                    return UNKNOWN
                out.extend(v)
            else:
                out.append(v)
        return tuple(out)
    if isinstance(e, ir.Index):
        base, idx = vals
        if type(base) is tuple and type(idx) is int and -len(base) <= idx < len(base):
            return base[idx]
        return UNKNOWN
    if isinstance(e, ir.BuiltinCall):
        if e.name == "len" and type(vals[0]) is tuple:
            return UNKNOWN  # a count: never needed, and it would keep walks apart
        if e.name in ("tuple", "list") and len(vals) == 1 and type(vals[0]) is tuple:
            return vals[0]
        if e.name == "reversed" and type(vals[0]) is tuple:
            return tuple(reversed(vals[0]))
        return UNKNOWN
    if isinstance(e, ir.Choose):
        return tuple(vals)
    return UNKNOWN


def _bounded(v: Any) -> Any:
    """``v``, or UNKNOWN for a tuple nested deeper than the model's values may be (a walk
    that builds ``x = (x,)`` in a loop would otherwise nest without end)."""
    if type(v) is tuple and nesting(v) > MAX_NESTING:
        return UNKNOWN
    return v


def _bind_pattern(p: ir.CompPattern, v: Any, scope: dict[Any, Any]) -> None:
    if p.var is not None:
        scope[(p.var.depth, p.var.name)] = v
        return
    for k, q in enumerate(p.elts):
        _bind_pattern(q, v[k] if type(v) is tuple and len(v) == len(p.elts) else UNKNOWN, scope)


def _abstract(v: Any) -> Any:
    """A frame value as the analysis sees it (symbolic values are unknown)."""
    if v is None or type(v) in (int, bool, str, Ref, ProcRef):
        return v
    if type(v) is tuple:
        return tuple(_abstract(x) for x in v) if len(v) <= SEQ_LIMIT else UNKNOWN
    return UNKNOWN


def _set(env: tuple[Any, ...], slot: int, v: Any) -> tuple[Any, ...]:
    if env[slot] is v:
        return env
    lst = list(env)
    lst[slot] = v
    return tuple(lst)


def join(values: list[Any]) -> Any:
    """The least abstract value covering ``values``: the value itself, a :class:`OneOf` of
    a few references (and None), or :data:`UNKNOWN`."""
    if not values:
        return UNKNOWN
    first = values[0]
    if all(v is first or (type(v) is type(first) and v == first) for v in values[1:]):
        return first
    if all(type(v) is tuple and len(v) == len(first) for v in values):
        return tuple(join([v[k] for v in values]) for k in range(len(first)))
    flat: set[Any] = set()
    for v in values:
        if type(v) is OneOf:
            flat |= v.values
        elif v is None or type(v) in (Ref, ProcRef):
            flat.add(v)
        else:
            return UNKNOWN
    if len(flat) == 1:
        return next(iter(flat))
    return OneOf(frozenset(flat)) if len(flat) <= FORK_LIMIT else UNKNOWN


def _assigned(stmts: list[ir.Stmt]) -> set[str]:
    out: set[str] = set()

    def targets(t: ir.Target) -> None:
        if isinstance(t, ir.StoreLocal):
            out.add(t.name)
        elif isinstance(t, ir.StoreTuple):
            for x in t.elts:
                targets(x)

    for st in stmts:
        if isinstance(st, ir.SAssign | ir.SFor):
            targets(st.target)
        if isinstance(st, ir.SIf):
            out |= _assigned(st.body) | _assigned(st.orelse)
        elif isinstance(st, ir.SWhile | ir.SFor):
            out |= _assigned(st.body)
    return out
