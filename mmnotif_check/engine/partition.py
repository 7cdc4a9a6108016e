"""One worker's share of a parallel breadth-first search (engine/parallel.py drives it).

Every state has one *owner*, the partition its stable key hashes to (lang/wire.py); only
the owner stores it, checks its properties and expands it.  The search runs in rounds,
one per depth (literal steps, as the sequential search counts them): in round ``d`` each
partition expands its states of depth ``d`` (:meth:`Partition.expand`), sending every
successor to its owner, then takes in what the others sent it (:meth:`Partition.receive`),
in partition order, so what it stores and in which order depends on the model and the
number of partitions only.  The reduced graph itself does not depend on the order at all
(the cycle proviso is static: lang/reduce.py), and the rounds follow the sequential
search's rules (engine/search.py: a state's depth is the least with which the round that
first stores it reaches it; after a violation, the next rounds generate no successors),
so the number of states is the same for any number of partitions, one included.

A state's id in a partition is its index in the partition's trail; ``gid = sid * n + p``
names it across partitions (the parent a trail records may be another partition's).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mmnotif_check.engine.interface import STEP_COST_SHIFT, StepFailure
from mmnotif_check.engine.memory import RunMemory
from mmnotif_check.engine.result import Violation
from mmnotif_check.engine.search import deadlock_violation, property_violation, step_violation
from mmnotif_check.engine.store import FingerprintStore, Trail, make_store
from mmnotif_check.options import CheckOptions

CHECK_EVERY = 512  # expansions between looks at the clock and the memory


@dataclass(frozen=True)
class Found:
    """A violation a partition found, with what orders it among all partitions' finds."""

    length: int
    order: tuple[int, int, int]  # (round, partition, sequence in the partition)
    parent: int  # gid of the state it was found in or from (-1: an initial state failed)
    code: int  # the step's code (-1: the state itself is violating; init index if parent < 0)
    violation: Violation


@dataclass(frozen=True)
class Summary:
    """What a partition reports after a round."""

    states: int
    transitions: int
    max_depth: int
    frontier: int
    next_depth: int | None  # the smallest depth with states still to expand
    best: Found | None  # the first accepted violation of least length
    other: Found | None  # the first violation not accepted
    stopped: str | None  # why the round was cut short (a budget), or None
    cut: bool  # states deeper than the depth budget were left unexpanded
    memory_kib: int  # growth of the worker's memory since it started
    peak_kib: int
    omission_probability: float | None
    notes: tuple[str, ...] = field(default=())
    extra: tuple[tuple[str, float], ...] = field(default=())


class Partition:
    """The states one worker owns: store, trail, frontier by depth."""

    def __init__(self, system: Any, options: CheckOptions, index: int, workers: int,
                 accept: Callable[[Violation], bool] | None) -> None:
        self.system = system
        self.options = options
        self.index = index
        self.n = workers
        self.accept = accept
        self.memory = RunMemory()
        symmetric = getattr(system, "set_symmetry", None)
        if symmetric is not None:
            symmetric(options.symmetry)
        if getattr(system, "reduction", options.reduction) != options.reduction:
            system.set_reduction(options.reduction)
        self.reduced = getattr(system, "reduction", "none") == "por"
        self.store = make_store(options.store)
        self.trail = Trail(wide=True)
        self.frontier: dict[int, list[tuple[Any, int]]] = {}
        self.outgoing_own: list[tuple[Any, int, int, int]] = []
        self.transitions = 0
        self.max_depth = 0
        self.cut = False
        self.best: Found | None = None
        self.other: Found | None = None
        self.round = -1
        self.found = 0
        self.frontier_size = 0
        self.round_new: dict[Any, tuple[int, int]] = {}  # state -> (sid, depth), stored this round
        self.moved: dict[int, int] = {}  # sid -> depth, for states a shorter step of their round reached
        self.stopped: str | None = None

    # ------------------------------------------------------------------ rounds
    def start(self) -> Summary:
        """Store the initial states this partition owns (partition 0 reports a failing
        initialisation)."""
        self.round = 0
        for k, s in enumerate(self.system.initial_states()):
            if isinstance(s, StepFailure):
                if self.index == 0:
                    self._offer(0, -1, k, step_violation(s))
                continue
            if self.system.owner(s, self.n) == self.index:
                self._insert(s, -1, k, 0)
        self.round_new.clear()
        return self.summary(None)

    def expand(self, depth: int, deadline: float | None, memory_kib: int | None,
               found: bool = False) -> list[bytes | None]:
        """Expand this partition's states of ``depth``; the successors for each partition
        (None for this one: they stay here until :meth:`receive`).  ``found``: an
        earlier round found a violation, so only deadlocks are looked for."""
        self.round = depth
        system = self.system
        n, me = self.n, self.index
        owner, ample, expand = system.owner, system.ample, system.expand
        reduced = self.reduced
        max_depth = self.options.max_depth
        check_deadlock = self.options.check_deadlock
        outs: list[list[tuple[Any, int, int, int]]] = [[] for _ in range(n)]
        sent: set[Any] = set()
        todo = self.frontier.pop(depth, [])
        self.frontier_size -= len(todo)
        self.stopped = None
        moved = self.moved
        for count, (state, sid) in enumerate(todo):
            if count % CHECK_EVERY == CHECK_EVERY - 1:
                reason = self._budget(deadline, memory_kib)
                if reason is not None:
                    rest = todo[count:]
                    self.frontier[depth] = rest
                    self.frontier_size += len(rest)
                    self.stopped = reason
                    break
            if moved and moved.get(sid, depth) != depth:
                continue  # stored again at a lower depth
            gid = sid * n + me
            chosen = ample(state) if reduced else None
            succs, codes = chosen if chosen is not None else expand(state)
            self.transitions += len(succs)
            if not succs:
                if check_deadlock and not system.is_terminal(state):
                    self._offer(depth, gid, -1, deadlock_violation(system, state))
                continue
            if found:
                continue  # only a deadlock at this depth could still be shorter
            if max_depth is not None and depth >= max_depth:
                self.cut = True
                continue
            for o, code in zip(succs, codes, strict=True):
                nd = depth + ((code >> STEP_COST_SHIFT) or 1)
                if type(o) is StepFailure:
                    self._offer(nd, gid, code, step_violation(o))
                    continue
                if o in sent:  # reached again this round: its owner has it already (at no lower depth)
                    continue
                sent.add(o)
                outs[owner(o, n) if n > 1 else 0].append((o, gid, code, nd))
        self.outgoing_own = outs[me]
        return [None if w == me or not outs[w] else system.pack(outs[w]) for w in range(n)]

    def receive(self, blobs: list[bytes | None]) -> Summary:
        """Take in the successors every partition sent this one (in partition order)."""
        unpack = self.system.unpack
        for w in range(self.n):
            if w == self.index:
                items = self.outgoing_own
                self.outgoing_own = []
            else:
                blob = blobs[w]
                if not blob:
                    continue
                items = unpack(blob)
            for state, parent, code, depth in items:
                self._insert(state, parent, code, depth)
        if self.round_new:
            self.max_depth = max(self.max_depth, max(depth for _, depth in self.round_new.values()))
            self.round_new.clear()
        return self.summary(self.stopped)

    def trail_step(self, sid: int) -> tuple[int, int]:
        """(parent gid, code) of this partition's state ``sid``."""
        return self.trail.parent[sid], self.trail.code[sid]

    # ----------------------------------------------------------------- helpers
    def _insert(self, state: Any, parent: int, code: int, depth: int) -> None:
        if not self.store.add(state):
            got = self.round_new.get(state)
            if got is not None and depth < got[1]:  # a shorter step of the same round
                sid = got[0]
                self.round_new[state] = (sid, depth)
                self.trail.parent[sid] = parent
                self.trail.code[sid] = code
                self.moved[sid] = depth
                self._push(state, sid, depth)
                self._check(state, sid, depth)
            return
        sid = self.trail.add(parent, code)
        self.round_new[state] = (sid, depth)
        self._push(state, sid, depth)
        self._check(state, sid, depth)

    def _push(self, state: Any, sid: int, depth: int) -> None:
        bucket = self.frontier.get(depth)
        if bucket is None:
            bucket = self.frontier[depth] = []
        bucket.append((state, sid))
        self.frontier_size += 1

    def _check(self, state: Any, sid: int, depth: int) -> None:
        system = self.system
        only = self.options.properties
        failure = system.check_invariants(state, only)
        if failure is None and system.is_terminal(state):
            failure = system.check_finals(state, only)
        if failure is not None:
            self._offer(depth, sid * self.n + self.index, -1, property_violation(failure))

    def _offer(self, length: int, parent: int, code: int, violation: Violation) -> None:
        self.found += 1
        found = Found(length, (self.round, self.index, self.found), parent, code, violation)
        if self.accept is not None and not self.accept(violation):
            if self.other is None:
                self.other = found
            return
        if self.best is None or length < self.best.length:
            self.best = found

    def _budget(self, deadline: float | None, memory_kib: int | None) -> str | None:
        if deadline is not None and time.time() >= deadline:
            return "timeout"
        if memory_kib is not None and self.memory.used_kib() > memory_kib:
            return "memory"
        return None

    def summary(self, stopped: str | None) -> Summary:
        extra_fn = getattr(self.system, "statistics", None)
        store = self.store
        return Summary(
            states=len(store),
            transitions=self.transitions,
            max_depth=self.max_depth,
            frontier=self.frontier_size,
            next_depth=min((d for d, b in self.frontier.items() if b), default=None),
            best=self.best,
            other=self.other,
            stopped=stopped,
            cut=self.cut,
            memory_kib=self.memory.used_kib(),
            peak_kib=self.memory.peak_kib(),
            omission_probability=store.omission_probability() if isinstance(store, FingerprintStore) else None,
            notes=tuple(getattr(self.system, "notes", ())),
            extra=tuple(extra_fn()) if extra_fn is not None else (),
        )


def serve_partition(conn: Any) -> None:
    """A local worker process: build the model the first message describes (``(recipe,
    options, index, workers, accept)``), then answer the coordinator's calls (``(method,
    args)`` in, ``("ok", value)`` or ``("error", text)`` out) until it closes the
    connection."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    try:
        import gc

        gc.disable()  # as the sequential search: states are tuples of ints, no cycles
        recipe, options, index, workers, accept = conn.recv()
        partition = Partition(recipe.load(), options, index, workers, accept)
        conn.send(("ok", None))
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            method, args = conn.recv()
        except (EOFError, OSError):
            return  # the coordinator is gone
        try:
            value = getattr(partition, method)(*args)
        except BaseException as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            continue
        conn.send(("ok", value))


