"""Symmetry reduction (``--symmetry``): interchangeable threads and objects.

Threads that run the same procedure (same daemon flag) are *interchangeable* when
swapping them, together with the objects only they are started with, maps the initial
state onto itself: two CPU threads invalidating equal ranges, say.  Swapping them in any
later state then also gives a state of the model, reached by the same steps with the two
threads exchanged, with the same property values; so only one state per class of
swapped states (the one with the smallest stable key) is stored.

What a swap touches: each thread's call stack moves to the other's position; each
swapped object's record moves to the other's index; every thread id (``me()``, a spawn's
result) and every reference to a swapped object, anywhere in a state, is renamed.  Thread
names are labels of positions and stay where they are.

The model must not tell the swapped threads or objects apart other than through
references and ids.  Thread names are labels of positions too, but a thread spawned after
``init()`` may be named after a thread id (``f"job{me()}"``) that a swap renames, so the
canonical form leaves those names out: with ``--symmetry`` they are not part of a state
(the counterexample, replayed from the initial state, has them all; the check that spawned
names are distinct is the literal run's).  When symmetry is on, arithmetic or ordering on a thread id stops the
run with an error; ``objects(C)`` of a swapped class, whose order would change, turns
symmetry off (with a note) unless it is only counted or fed to ``all``/``any``.
Symmetric models with several initial states or symbolic values are not reduced either.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from mmnotif_check.lang import ir
from mmnotif_check.lang.runtime import Ref, Tid
from mmnotif_check.lang.state import EMPTY_STACK, State

if TYPE_CHECKING:
    from mmnotif_check.lang.system import CompiledModel

MAX_PERMUTATIONS = 720  # 6! : larger groups are cut to their first members


class Perm:
    """One permutation: of thread positions and of object indices."""

    __slots__ = ("objects", "threads")

    def __init__(self, threads: dict[int, int], objects: dict[int, int]) -> None:
        self.threads = threads
        self.objects = objects

    def compose(self, other: Perm) -> Perm:
        """``self`` after ``other``."""
        threads = {k: self.threads.get(v, v) for k, v in other.threads.items()}
        for k, v in self.threads.items():
            threads.setdefault(k, v)
        objects = {k: self.objects.get(v, v) for k, v in other.objects.items()}
        for k, v in self.objects.items():
            objects.setdefault(k, v)
        return Perm({k: v for k, v in threads.items() if k != v}, {k: v for k, v in objects.items() if k != v})


class Symmetry:
    """The symmetries of one model's initial state, and canonical forms of states."""

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self.interner = model.interner
        self.perms: list[Perm] = []
        self.notes: list[str] = []
        self.refs: dict[int, Ref] = {}  # object index -> its reference (objects of init)
        self._records: list[dict[int, int]] = []
        self._stacks: list[dict[int, int]] = []
        self._globals: list[dict[int, int]] = []
        self._initial_threads = 0
        self._nameless: dict[int, int] = {}  # meta id -> the same with spawned names left out

    # -------------------------------------------------------------- detection
    def start(self, initial: list[State]) -> None:
        model = self.model
        if model.symbolic:
            self.notes.append("symmetry: off: a model with symbolic values is not reduced by symmetry")
            return
        if len(initial) != 1:
            self.notes.append(f"symmetry: off: init() gives {len(initial)} initial states (symmetry needs one)")
            return
        s0 = initial[0]
        _, infos, _, n = self.interner.parts(s0)
        heap = self.interner.heap(s0, n)
        self.refs = {rec[0].i: rec[0] for rec in heap}
        stacks = s0[2 + n :]
        self._initial_threads = len(stacks)
        groups: dict[tuple[Any, ...], list[int]] = {}
        for t, sid in enumerate(stacks):
            frames = self.interner.frames(sid)
            if len(frames) == 1:
                groups.setdefault((frames[0][0], infos[t][1]), []).append(t)
        swaps: list[tuple[int, int, Perm]] = []
        for members in groups.values():
            for a, b in itertools.combinations(members, 2):
                perm = self._swap(s0, heap, stacks, a, b)
                if perm is not None and self.apply(s0, perm) == s0:
                    swaps.append((a, b, perm))
        if not swaps:
            self.notes.append("symmetry: no interchangeable threads in this model")
            return
        broken = self._breakers({c for _, _, p in swaps for i in p.objects for c in [self.refs[i].c]})
        if broken:
            self.notes.append(f"symmetry: off: {broken}")
            return
        self.perms = self._group(swaps)
        if not self.perms:
            self.notes.append(f"symmetry: off: more than {MAX_PERMUTATIONS} permutations")
            return
        self.notes.append(f"symmetry: {len(self.perms)} permutations of {len({t for a, b, _ in swaps for t in (a, b)})} "
                          "interchangeable threads")

    def _swap(self, s0: State, heap: tuple[Any, ...], stacks: tuple[int, ...], a: int, b: int) -> Perm | None:
        """The swap of threads ``a`` and ``b`` with the objects their arguments refer to
        (followed through their fields), or None if they cannot correspond."""
        fa = self.interner.frames(stacks[a])[0]
        fb = self.interner.frames(stacks[b])[0]
        omap: dict[int, int] = {}
        todo = list(zip(fa[2:], fb[2:], strict=True))
        while todo:
            x, y = todo.pop()
            if type(x) is Ref and type(y) is Ref:
                if x.c != y.c:
                    return None
                if x.i == y.i or omap.get(x.i) == y.i:
                    continue
                if x.i in omap or y.i in omap.values():
                    return None
                omap[x.i] = y.i
                todo.extend(zip(heap[x.i][1:], heap[y.i][1:], strict=True))
            elif type(x) is tuple and type(y) is tuple and len(x) == len(y):
                todo.extend(zip(x, y, strict=True))
            elif type(x) is not type(y) or x != y:
                return None
        objects = dict(omap)
        for k, v in omap.items():
            objects.setdefault(v, k)
        if any(objects.get(objects[k]) != k for k in objects):
            return None  # not an involution: the arguments do not pair up
        return Perm({a: b, b: a}, objects)

    def _group(self, swaps: list[tuple[int, int, Perm]]) -> list[Perm]:
        """Every permutation the swaps generate (closure under composition), bounded."""
        elements: dict[tuple[Any, ...], Perm] = {}

        def key(p: Perm) -> tuple[Any, ...]:
            return (tuple(sorted(p.threads.items())), tuple(sorted(p.objects.items())))

        frontier = [p for _, _, p in swaps]
        for p in frontier:
            elements[key(p)] = p
        while frontier:
            nxt = []
            for p in frontier:
                for _, _, s in swaps:
                    q = s.compose(p)
                    k = key(q)
                    if k not in elements and (q.threads or q.objects):
                        elements[k] = q
                        nxt.append(q)
            if len(elements) > MAX_PERMUTATIONS:
                return []  # too large a group to enumerate (a partial one would not be a group)
            frontier = nxt
        return list(elements.values())

    def _breakers(self, classes: set[int]) -> str | None:
        """Where the model looks at the order of objects of a swapped class."""
        program = self.model.program
        effects = self.model.effects
        fns = [program.functions[f] for f in sorted(effects.thread_procs)]
        fns += [f for f in program.functions if f.kind in ("pure", "invariant", "final")]
        for fn in fns:
            exprs: list[tuple[ir.Expr, ir.InstrInfo]] = []
            if fn.takes_steps:
                exprs = [(e, ins.info) for ins in fn.instrs for e in ins.exprs()]
            else:
                from mmnotif_check.lang.effects import _stmt_exprs, _walk_stmts

                exprs = [(e, st.info) for st in _walk_stmts(fn.body) for e in _stmt_exprs(st)]
            for e, info in exprs:
                allowed = _order_free_objects(e)
                for node in ir.walk(e):
                    if isinstance(node, ir.Objects) and node.cls in classes and id(node) not in allowed:
                        name = program.classes[node.cls].name
                        return (f"{info.path}:{info.line}: objects({name}) depends on the order of the "
                                f"{name} objects that symmetry would swap")
        return None

    # ----------------------------------------------------------- canonical form
    def canonical(self, state: State) -> State:
        """The member of ``state``'s class (it and its permutations) with the smallest
        stable key (lang/wire.py): every process picks the same one, whatever ids its
        interning tables gave the parts."""
        mid = self._nameless.get(state[1])
        if mid is None:
            mid = self._nameless[state[1]] = self._leave_names_out(state[1])
        if mid != state[1]:
            state = (state[0], mid, *state[2:])
        key = self.model.stable.key
        best, best_key = state, key(state)
        for k, perm in enumerate(self.perms):
            other = self._apply(state, perm, k)
            if other != best:
                other_key = key(other)
                if other_key < best_key:
                    best, best_key = other, other_key
        return best

    def _leave_names_out(self, mid: int) -> int:
        infos, pc = self.interner.M.values[mid]
        first = self._initial_threads
        if len(infos) <= first:
            return mid
        return self.interner.M.intern(((*infos[:first], *[(None, daemon) for _, daemon in infos[first:]]), pc))

    def apply(self, state: State, perm: Perm) -> State:
        return self._apply(state, perm, -1)

    def _apply(self, state: State, perm: Perm, k: int) -> State:
        interner = self.interner
        _, infos, _, n = interner.parts(state)
        m = len(infos)
        if k >= 0:
            while len(self._records) <= k:
                self._records.append({})
                self._stacks.append({})
                self._globals.append({})
            rmemo, smemo, gmemo = self._records[k], self._stacks[k], self._globals[k]
        else:
            rmemo, smemo, gmemo = {}, {}, {}
        gid = gmemo.get(state[0])
        if gid is None:
            gid = gmemo[state[0]] = interner.G.intern(self._value(interner.G.values[state[0]], perm))
        out = [gid, state[1]] + [0] * (n + m)
        objects = perm.objects
        for i in range(n):
            rid = state[2 + i]
            new = rmemo.get(rid)
            if new is None:
                rec = interner.R.values[rid]
                j = objects.get(rec[0].i, rec[0].i)
                new = rmemo[rid] = interner.R.intern((self.refs.get(j, rec[0]), *self._value(rec[1:], perm)))
            out[2 + objects.get(i, i)] = new
        threads = perm.threads
        for t in range(m):
            sid = state[2 + n + t]
            out[2 + n + threads.get(t, t)] = self._stack(sid, perm, smemo)
        return tuple(out)

    def _stack(self, sid: int, perm: Perm, memo: dict[int, int]) -> int:
        if sid == EMPTY_STACK:
            return sid
        got = memo.get(sid)
        if got is None:
            entry = self.interner.S.values[sid]
            parent = self._stack(entry[0], perm, memo)
            got = memo[sid] = self.interner.S.intern((parent, entry[1], entry[2], *self._value(entry[3:], perm)))
        return got

    def _value(self, v: Any, perm: Perm) -> Any:
        t = type(v)
        if t is tuple:
            return tuple([self._value(x, perm) for x in v])
        if t is Ref:
            j = perm.objects.get(v.i)
            return v if j is None else self.refs[j]
        if t is Tid:
            return Tid(perm.threads.get(int(v), int(v)))
        return v


def _order_free_objects(e: ir.Expr) -> set[int]:
    """The ``objects(C)`` nodes of ``e`` whose order cannot matter: the only generator of a
    comprehension consumed by ``all``/``any``, or counted by ``len``."""
    out: set[int] = set()
    for node in ir.walk(e):
        if isinstance(node, ir.BuiltinCall) and node.name in ("all", "any", "len") and len(node.args) == 1:
            arg = node.args[0]
            if isinstance(arg, ir.Objects):
                out.add(id(arg))
            elif isinstance(arg, ir.Comprehension) and len(arg.gens) == 1 and isinstance(arg.gens[0].iter, ir.Objects):
                out.add(id(arg.gens[0].iter))
    return out
