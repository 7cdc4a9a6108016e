"""Partial-order reduction for compiled models (``--reduce por``, the default).

A thread's next step ``t`` is *safe* in a state when

* it is *invisible*: it writes nothing an ``@invariant`` reads (nor, for a daemon thread,
  anything a ``@final`` reads) and starts no thread; and
* it is *independent* of everything any other thread may still do before ``t``: no
  access of another thread's whole future (:meth:`Footprints.future`) conflicts with
  ``t``'s accesses (same location, one of them a write), unless that access is guarded
  by a lock the other thread must acquire first while ``t``'s thread holds it in a
  conflicting mode (then it cannot happen before ``t``: Lipton's movers).

Two uses (Peled's ample sets; Valmari's stubborn sets are the same idea):

* **merging**: after any step, the thread's following safe steps run in the same
  transition, so a critical section protected by a held lock, or a run of statements on
  data no one else touches, is one transition;
* **ample sets**: in a state where some thread's next step is safe, only that thread's
  steps are explored, provided none of them goes back to a `while` loop's test (the
  cycle proviso), so no other thread's step is postponed forever.

The proviso is static: a cycle of states needs every thread that moves around it to come
back to the same frame, and only a `while` loop brings a thread back (a `for` loop's
frame moves on with its position, a spawn adds a thread for good).  So every cycle of
the reduced graph contains a step back to a loop test, taken from a state where that
step was not in an ample set: a fully expanded one.  Unlike the usual dynamic proviso
("every state the ample set leads to is new") it depends on the state alone, so BFS,
DFS and a parallel search of any number of workers explore the same reduced graph and
store the same number of states.

Together they preserve every deadlock, every assert and run-time error, and every
invariant and final violation (each transition moved before another commutes with it,
and an invisible one cannot change what a property sees).  A counterexample is still a
real execution of the literal semantics (``literal_path``), but a reduced breadth-first
search does not guarantee it is the shortest one.

Symbolic models merge only statements that touch the thread's own stack: a branch on a
symbolic value constrains the shared path condition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mmnotif_check.lang import ir
from mmnotif_check.lang.builtins import (
    LOCK_CLASSES,
    LOCK_PROCEDURES,
    LOCKS_MODULE,
    OWNERSHIP_QUERIES,
)
from mmnotif_check.lang.footprint import QUERY, READ, UNKNOWN, Access, Footprints, kinds_conflict
from mmnotif_check.lang.runtime import StepContext
from mmnotif_check.lang.state import EMPTY_STACK

if TYPE_CHECKING:
    from mmnotif_check.lang.system import CompiledModel, Decoded

# conflict of a step with a thread's future: True (none), False (unconditional), or the
# sets of locks of which the stepping thread must hold one, per conflicting access
Conflict = bool | tuple[frozenset[tuple[int, str]], ...]
REFINE_PASSES = 3
_UNSEEN: Any = object()


class StepInfo:
    __slots__ = ("accesses", "id", "spawns", "visible_daemon", "visible_thread")

    def __init__(self, sid: int, accesses: frozenset[Access], inv: frozenset[Any], fin: frozenset[Any]) -> None:
        self.id = sid
        self.accesses = tuple((loc, kind) for loc, kind, _ in accesses)
        self.spawns = any(loc == ("T",) for loc, _ in self.accesses)
        touched = {_class_level(loc) for loc, kind in self.accesses if kind != READ and kind != QUERY}
        self.visible_thread = bool(touched & inv)
        self.visible_daemon = bool(touched & (inv | fin))


def _in_locks_module(sym: Any) -> bool:
    path = sym.module.src.path
    return bool(path.name == LOCKS_MODULE and path.parent.name == "kernel")


def _class_level(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    if loc[0] == "F":
        return ("F", loc[3], loc[2])
    if loc[0] == "W":
        return ("F", loc[1], loc[2])
    return loc


def _index_key(loc: tuple[Any, ...]) -> Any:
    if loc[0] == "F":
        return loc[2]
    if loc[0] == "W":
        return loc[2]
    return loc


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    if a[0] == "F":
        if b[0] == "F":
            return bool(a[1] == b[1])
        return bool(b[0] == "W" and a[3] == b[1])
    if a[0] == "W":
        if b[0] == "F":
            return bool(b[3] == a[1])
        return bool(b[0] == "W" and a[1] == b[1])
    return a == b


class PartialOrder:
    """Safe steps, merging and ample sets for one compiled model."""

    def __init__(self, model: CompiledModel, selected: frozenset[str] | None) -> None:
        self.model = model
        self.program = model.program
        self.effects = model.effects
        self.symbolic = model.symbolic
        self.lock_classes: dict[int, tuple[int | None, int | None]] = {}
        for cls in self.program.classes:
            path = cls.module.src.path
            if path.name == LOCKS_MODULE and path.parent.name == "kernel" and cls.name in LOCK_CLASSES:
                own, shared = LOCK_CLASSES[cls.name]
                names = [f.name for f in cls.fields]
                self.lock_classes[cls.id] = (
                    names.index(own) + 1 if own in names else None,
                    names.index(shared) + 1 if shared in names else None,
                )
        inv: set[Any] = set()
        fin: set[Any] = set()
        for sym in self.program.invariants:
            if selected is None or sym.name in selected:
                inv |= self.effects.pure_reads.get(sym.id, frozenset())
        for sym in self.program.finals:
            if selected is None or sym.name in selected:
                fin |= self.effects.pure_reads.get(sym.id, frozenset())
        self.inv_reads = frozenset(inv)
        self.fin_reads = frozenset(fin)
        self.fp: Footprints | None = None
        self.steps: dict[tuple[Any, ...], StepInfo] = {}
        self.step_ids: dict[frozenset[Access], int] = {}
        self.futures: dict[int, dict[Any, list[Access]]] = {}
        self.conflict_maps: list[dict[int, Conflict]] = []  # per step info id: stack id -> conflict
        self.sid_info: dict[int, StepInfo] = {}
        self.frame_free: dict[tuple[int, int], StepInfo | None] = {}
        # the same, indexed [fid][pc] for the merge check (None: unknown or frame-dependent)
        self.fixed_info: list[list[StepInfo | None]] = [[None] * len(fn.instrs) for fn in self.program.functions]
        self._cached_state: Any = None
        self._cached: dict[int, list[tuple[tuple[int, ...], Any, int]]] = {}
        self.merge = model._merge_local if self.symbolic else self._make_merge()

    def start(self, initial: list[Any]) -> None:
        """Build the analysis once the initial states (the context heap) are known."""
        interner = self.model.interner
        heap = None
        if initial:
            heaps = []
            for s in initial:
                n = interner.parts(s)[3]
                heaps.append(interner.heap(s, n))
            heap = heaps[0]
            for other in heaps[1:]:
                if self._immutable_projection(other) != self._immutable_projection(heap):
                    heap = None  # init's choices change what the analysis would read
                    break
        globals_init = tuple(g.initial for g in self.program.globals)
        if initial:
            globals_init = interner.parts(initial[0])[0]
        fns = self.program.functions
        lock_fids = frozenset(fn.fid for fn, sym in zip(fns, self.program.syms, strict=True)
                              if _in_locks_module(sym) and sym.name in LOCK_PROCEDURES)
        query_fids = frozenset(fn.fid for fn, sym in zip(fns, self.program.syms, strict=True)
                               if _in_locks_module(sym) and sym.name in OWNERSHIP_QUERIES)
        stacks: list[list[tuple[Any, ...]]] = []
        for st in initial:
            n = interner.parts(st)[3]
            stacks.extend(interner.frames(sid) for sid in st[2 + n :] if sid != EMPTY_STACK)
        # Refine which fields are immutable, object by object: the writes every thread can
        # make from the start, found under the previous (sound) assumptions, are sound too.
        written = None
        for _ in range(REFINE_PASSES):
            fp = Footprints(self.effects, self.lock_classes, heap, globals_init, lock_fids, query_fids, written)
            if heap is None:
                break
            found = fp.writes(stacks)
            if found == written:
                break
            written = found
        self.fp = Footprints(self.effects, self.lock_classes, heap, globals_init, lock_fids, query_fids, written)

    def _immutable_projection(self, heap: tuple[Any, ...]) -> tuple[Any, ...]:
        mutable = self.effects.mutable
        out = []
        for rec in heap:
            ref = rec[0]
            if ("O", ref.c) in mutable:
                continue
            fields = self.program.classes[ref.c].fields
            out.append((ref.i, ref.c, tuple(v for f, v in zip(fields, rec[1:], strict=True)
                                           if ("F", ref.c, f.name) not in mutable)))
        return tuple(out)

    # --------------------------------------------------------------- analysis
    def step_info(self, fid: int, pc: int, locs: tuple[Any, ...] | list[Any], caller: Any) -> StepInfo:
        """What the step from frame ``(fid, pc, locs)`` (returning into ``caller``) touches."""
        ins = self.program.functions[fid].instrs[pc]
        is_return = isinstance(ins, ir.IReturn)
        if not is_return:
            # most statements touch the same locations whatever their locals hold: find
            # that out once per statement and skip the per-frame analysis from then on
            shared = self.frame_free.get((fid, pc), _UNSEEN)
            if shared is _UNSEEN:
                shared = self._frame_free(fid, pc, locs)
            if shared is not None:
                return shared  # type: ignore[no-any-return]
        key: tuple[Any, ...] = (fid, pc, *locs)
        if is_return and caller is not None:
            key = (*key, "<caller>", *caller)
        info = self.steps.get(key)
        if info is None:
            info = self.steps[key] = self._info(self._accesses(fid, pc, tuple(locs), caller))
        return info

    def _accesses(self, fid: int, pc: int, locs: tuple[Any, ...], caller: Any) -> frozenset[Access]:
        assert self.fp is not None
        return self.fp.step(fid, pc, locs, tuple(caller) if caller is not None else None)

    def _info(self, accesses: frozenset[Access]) -> StepInfo:
        sid = self.step_ids.setdefault(accesses, len(self.step_ids))
        if sid == len(self.conflict_maps):
            self.conflict_maps.append({})
        return StepInfo(sid, accesses, self.inv_reads, self.fin_reads)

    def _frame_free(self, fid: int, pc: int, locs: tuple[Any, ...] | list[Any]) -> StepInfo | None:
        """The step's info if its accesses do not depend on the frame's locals: with every
        local unknown the analysis finds no more than with these values (then the
        unknown-locals answer, an over-approximation for every frame, is exact here)."""
        anywhere = self._accesses(fid, pc, (UNKNOWN,) * len(locs), None)
        here = self._accesses(fid, pc, tuple(locs), None)
        info = self._info(anywhere) if anywhere == here else None
        self.frame_free[(fid, pc)] = info
        self.fixed_info[fid][pc] = info
        return info

    def future(self, sid: int) -> dict[Any, list[Access]]:
        fut = self.futures.get(sid)
        if fut is None:
            assert self.fp is not None
            index: dict[Any, list[Access]] = {}
            for acc in self.fp.future(self.model.interner.frames(sid)):
                index.setdefault(_index_key(acc[0]), []).append(acc)
            fut = self.futures[sid] = index
        return fut

    def conflict(self, info: StepInfo, sid: int) -> Conflict:
        """Does ``info`` conflict with the future of the thread whose stack is ``sid``?"""
        cmap = self.conflict_maps[info.id]
        got = cmap.get(sid)
        if got is not None:
            return got
        fut = self.future(sid)
        clauses: set[frozenset[tuple[int, str]]] = set()
        result: Conflict = True
        for loc, kind in info.accesses:
            for rloc, rkind, guards in fut.get(_index_key(loc), ()):
                if kinds_conflict(kind, rkind) and _same(loc, rloc):
                    if not guards:
                        result = False
                        break
                    clauses.add(guards)
            if result is False:
                break
        if result is True and clauses:
            result = tuple(sorted(clauses, key=sorted))
        cmap[sid] = result
        return result

    def holds(self, heap: Any, tid: int, lock: int, mode: str) -> bool:
        """Does thread ``tid`` hold lock object ``lock`` so that acquiring it in ``mode`` blocks?"""
        rec = heap[lock]
        slots = self.lock_classes.get(rec[0].c)
        if slots is None:
            return False
        own, shared = slots
        if own is not None and rec[own] == tid:
            return True
        return shared is not None and mode != "read" and tid in rec[shared]

    def safe(self, info: StepInfo, tid: int, daemon: bool, stacks: tuple[int, ...], extra: Any, heap: Any) -> bool:
        """Is ``info``, the next step of thread ``tid``, safe (see the module doc)?"""
        if info.spawns or (info.visible_daemon if daemon else info.visible_thread):
            return False
        if not info.accesses:
            return True
        cmap = self.conflict_maps[info.id]
        guarded: list[frozenset[tuple[int, str]]] | None = None
        for r, sid in enumerate(stacks):
            if sid == EMPTY_STACK or r == tid:
                continue
            res = cmap.get(sid)
            if res is None:
                res = self.conflict(info, sid)
            if res is True:
                continue
            if res is False:
                return False
            if guarded is None:
                guarded = []
            guarded.extend(res)
        for sid in extra:  # threads the step being merged into started
            res = self.conflict(info, sid)
            if res is False:
                return False
            if res is not True:
                if guarded is None:
                    guarded = []
                guarded.extend(res)
        if guarded is None:
            return True
        holds = self.holds
        return all(any(holds(heap, tid, lock, mode) for lock, mode in guards) for guards in guarded)

    # ------------------------------------------------------------------- uses
    def _make_merge(self) -> Any:
        local = self.effects.local
        local_resume = self.effects.local_resume
        is_return = [[ins.kind == "return" for ins in fn.instrs] for fn in self.program.functions]
        svals = self.model.interner.S.values
        step_info = self.step_info
        safe = self.safe

        fixed = self.fixed_info

        def merge(c: StepContext, fid: int, pc: int, locs: list[Any], pending: list[Any], base: int) -> bool:
            """May the step at (fid, pc) run in the step just taken (see the module doc)?"""
            info = fixed[fid][pc]
            if info is not None:  # a statement whose accesses do not depend on its frame
                return safe(info, c.tid, c.I[c.tid][1], c.stacks, c.spawned, c.H)
            caller = None
            if is_return[fid][pc]:
                if pending:
                    f, p, ls = pending[-1]
                    caller = (f, p, *ls)
                elif base != EMPTY_STACK:
                    caller = svals[base][1:]
                if local[fid][pc] and (caller is None or local_resume[caller[0]].get(caller[1], False)):
                    return True
            elif local[fid][pc]:
                return True
            info = step_info(fid, pc, locs, caller)
            return safe(info, c.tid, c.I[c.tid][1], c.stacks, c.spawned, c.H)

        return merge

    def ample(self, d: Decoded) -> tuple[list[Any], list[int]] | None:
        """The (merged) steps of the first thread whose next step is safe and none of
        whose outcomes went back to a `while` test, with their codes; None if there is
        none (the state is then fully expanded)."""
        from mmnotif_check.lang.system import CODE_SHIFT, COST_SHIFT

        if self.symbolic:
            return None
        state = d.state
        self._cached_state = state
        cache = self._cached = {}
        stacks = state[d.base :]
        svals = self.model.interner.S.values
        sid_info = self.sid_info
        safe = self.safe
        infos = d.I
        for tid in range(len(stacks)):
            sid = stacks[tid]
            if sid == EMPTY_STACK:
                continue
            info = sid_info.get(sid)
            if info is None:
                entry = svals[sid]
                caller = svals[entry[0]][1:] if entry[0] != EMPTY_STACK else None
                info = sid_info[sid] = self.step_info(entry[1], entry[2], entry[3:], caller)
            if not safe(info, tid, infos[tid][1], stacks, (), d.H):
                continue
            ctx = self.model._ctx
            ctx.back = False
            results = self.model.thread_outcomes(d, tid, self.merge)
            cache[tid] = results
            if not results:
                continue  # blocked: an ample set must not be empty
            outs = [o for _, o, _ in results]
            if not ctx.back:
                code = tid << CODE_SHIFT
                return outs, [cost << COST_SHIFT | code | k for k, (_, _, cost) in enumerate(results)]
        return None

    def cached(self, d: Decoded, tid: int) -> list[tuple[tuple[int, ...], Any, int]] | None:
        if self._cached_state is d.state:
            return self._cached.get(tid)
        return None

