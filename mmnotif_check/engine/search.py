"""Explicit-state exploration: one shared loop, the search policy as a frontier.

BFS finds a shortest counterexample: states are expanded in order of the number of
literal steps (statements) that reach them, so after the first violation of length ``n``
the loop finishes the states below ``n`` that could still yield a shorter one (a deadlock
found when expanding them).  Under a reduction a transition may stand for several
literal steps, and the shortest path of the reduced graph need not be a shortest
execution.  DFS (LIFO frontier) stops at the first violation.

The :class:`~mmnotif_check.engine.store.Trail` keeps, per stored state, its parent and the
code of the step that produced it, so a discovery is a path of codes that the system turns
into literal steps (:meth:`literal_path`) and the trace builder replays.

Partial-order reduction: when the system offers an ample set for a state, only those
steps are explored; otherwise the state is fully expanded.  The system keeps the cycle
proviso itself (lang/reduce.py), so the reduced graph, and the number of states, is the
same for BFS, DFS and any number of workers.
"""

from __future__ import annotations

import dataclasses
import gc
import random
import resource
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from mmnotif_check.engine.interface import (
    STEP_COST_SHIFT,
    Inconclusive,
    PropertyFailure,
    S,
    StepFailure,
    TransitionSystem,
)
from mmnotif_check.engine.memory import RunMemory
from mmnotif_check.engine.minimize import minimize, replay
from mmnotif_check.engine.result import HOLDS, INCONCLUSIVE, VIOLATED, Result, Stats, Violation
from mmnotif_check.engine.store import (
    BitstateStore,
    ExactStore,
    FingerprintStore,
    Trail,
    make_store,
)
from mmnotif_check.interrupts import interrupt_name
from mmnotif_check.options import CheckOptions

ProgressFn = Callable[[Stats], None]
CHECK_EVERY = 16  # expansions between two looks at the clock (a slow model's states take long)
MEMORY_EVERY = 512  # expansions between two looks at the memory (a read of /proc)


def peak_memory_kib() -> int:
    """The process's lifetime peak resident set (KiB); a search reports its own memory
    instead (:class:`~mmnotif_check.engine.memory.RunMemory`)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def property_violation(f: PropertyFailure) -> Violation:
    return Violation(kind=f.kind, property=f.property, message=f.message, location=f.location, witness=f.witness,
                     context=f.context)


def step_violation(f: StepFailure) -> Violation:
    return Violation(
        kind=f.kind,
        property=f.property,
        message=f.message,
        location=f.location,
        text=f.text,
        thread=f.thread,
        witness=f.witness,
        context=f.context,
    )


def deadlock_violation(system: Any, state: Any) -> Violation:
    blocked = tuple(system.blocked_threads(state))
    names = ", ".join(b.name for b in blocked if not b.daemon)
    return Violation(
        kind="deadlock",
        property="deadlock",
        message=f"deadlock: no thread can step and {names} has not returned",
        blocked=blocked,
    )


class _Frontier:
    """The states still to expand, with their ids and depths: by depth (literal steps),
    oldest first (BFS), or a stack (DFS).  BFS keeps states and ids in parallel deques per
    depth, so a waiting state costs two pointers (and its id)."""

    def __init__(self, bfs: bool) -> None:
        self.bfs = bfs
        self.size = 0
        self.states: dict[int, deque[Any]] = {}
        self.ids: dict[int, deque[int]] = {}
        self.cur = 0
        self.stack: list[tuple[Any, int, int]] = []

    def push(self, state: Any, sid: int, depth: int) -> None:
        self.size += 1
        if not self.bfs:
            self.stack.append((state, sid, depth))
            return
        states = self.states.get(depth)
        if states is None:
            states = self.states[depth] = deque()
            self.ids[depth] = deque()
        states.append(state)
        self.ids[depth].append(sid)
        if depth < self.cur:
            self.cur = depth

    def pop(self) -> tuple[Any, int, int]:
        self.size -= 1
        if not self.bfs:
            return self.stack.pop()
        states = self.states.get(self.cur)
        while not states:
            self.states.pop(self.cur, None)
            self.ids.pop(self.cur, None)
            self.cur += 1
            states = self.states.get(self.cur)
        return states.popleft(), self.ids[self.cur].popleft(), self.cur


class _Budget(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def explore(
    system: TransitionSystem[S],
    options: CheckOptions,
    progress: ProgressFn | None = None,
    progress_every: float = 1.0,
    accept: Callable[[Violation], bool] | None = None,
) -> Result:
    """Search the state space of ``system`` under ``options``; never overstates.

    With ``accept``, the search goes on past violations it does not accept (the first one
    is kept) until it finds one it accepts: the gate looks for the violation a spec
    expects, which a reduced search need not meet first.  The result reports the accepted
    violation, else the first one found.
    """
    configure = getattr(system, "set_reduction", None)
    symmetric = getattr(system, "set_symmetry", None)
    if symmetric is not None:
        symmetric(options.symmetry)
    if configure is not None and getattr(system, "reduction", None) != options.reduction:
        configure(options.reduction)
    enabled = gc.isenabled()
    gc.disable()  # states are acyclic tuples: the cyclic collector only costs time here
    memory = RunMemory()  # this run's own memory, whatever the process did before
    try:
        result = _search(system, options, progress, progress_every, accept, memory)
        if result.stopped:  # Ctrl-C, SIGTERM: report what was found, at once
            return result
        if (result.verdict == VIOLATED and not result.shortest and configure is not None
                and (options.strategy == "bfs" or options.shortest)):
            result = shorten(system, options, result, accept, progress, progress_every, memory)
        if result.verdict == VIOLATED and not result.shortest and not result.stopped and hasattr(system, "transitions"):
            result = _leave_steps_out(system, options, result, accept)
        return result
    finally:
        if enabled:
            gc.enable()


def _leave_steps_out(system: Any, options: CheckOptions, found: Result,
                     accept: Callable[[Violation], bool] | None) -> Result:
    """A counterexample not known to be shortest, with the steps it can do without left out
    (engine/minimize.py)."""
    assert found.path is not None and found.violation is not None
    if len(found.path) <= 2:
        return found
    start = time.perf_counter()
    try:
        path, violation = minimize(system, found.path, found.violation, accept, options.check_deadlock,
                                   options.properties, deadlock_violation)
    except KeyboardInterrupt as exc:  # the violation stands; only the leaving out is cut short
        return dataclasses.replace(found, stopped=True, reason=f"interrupted ({interrupt_name(exc)}) while "
                                   "leaving steps out of the counterexample")
    except MemoryError:
        return dataclasses.replace(found, reason="out of memory while leaving steps out of the counterexample")
    if len(path) >= len(found.path):
        return found
    complete = getattr(system, "complete", None)
    if complete is not None:
        violation = complete(violation)
    stats = dataclasses.replace(found.stats, seconds=found.stats.seconds + time.perf_counter() - start,
                                extra=(*found.stats.extra, ("steps_left_out", len(found.path) - len(path))))
    return dataclasses.replace(found, path=path, violation=violation, stats=stats)


SHORTEN_MIN_STATES = 20_000
SHORTEN_SHARE = 4  # the bounded literal search may store a quarter of what the search stored


def shorten(system: Any, options: CheckOptions, found: Result, accept: Callable[[Violation], bool] | None,
            progress: ProgressFn | None, progress_every: float, memory: RunMemory | None = None) -> Result:
    """Look for a shorter counterexample than ``found`` (from a reduced search) with a
    breadth-first search of the literal semantics bounded by its length.  The search is
    bounded by a quarter of the states the search that found ``found`` stored (at least
    :data:`SHORTEN_MIN_STATES`), or not at all with ``--shortest``: when it completes, the
    result is a shortest counterexample (and, without ``accept``, the very one a search
    without reduction reports)."""
    assert found.path is not None
    length = len(found.path) - 1
    budget = None if options.shortest else max(SHORTEN_MIN_STATES, found.stats.states // SHORTEN_SHARE)
    if length == 0:
        return dataclasses.replace(found, shortest=True)
    literal = options.with_(reduction="none", strategy="bfs", max_depth=length - 1, max_states=budget,
                            store=options.store)
    try:
        system.set_reduction("none")
        short = _explore(system, literal, progress, progress_every, accept, memory)
    finally:
        system.set_reduction(options.reduction)
    extra = (*found.stats.extra, ("shortening_states", short.stats.states))
    stats = dataclasses.replace(found.stats, extra=extra, seconds=found.stats.seconds + short.stats.seconds,
                                peak_memory_kib=max(found.stats.peak_memory_kib, short.stats.peak_memory_kib))
    wanted = accept or (lambda v: True)
    assert found.violation is not None
    if str(short.reason).startswith("interrupted"):  # stop at once with the best one known
        better = short.violation is not None and wanted(short.violation)
        return dataclasses.replace(short if better else found, stats=stats, shortest=False, stopped=True,
                                   reason=f"{short.reason} while looking for a shorter counterexample",
                                   verdict=VIOLATED)
    if short.violation is not None and (wanted(short.violation) or not wanted(found.violation)):
        return dataclasses.replace(short, stats=stats, shortest=True)
    return dataclasses.replace(found, stats=stats, shortest=short.exhausted)


def _search(system: Any, options: CheckOptions, progress: ProgressFn | None, progress_every: float,
            accept: Callable[[Violation], bool] | None, memory: RunMemory) -> Result:
    """The first search of a run: in one process, or in workers (engine/parallel.py)."""
    if options.workers > 1 or options.cluster is not None:
        from mmnotif_check.engine.parallel import explore_parallel, parallel_note

        note = parallel_note(system, options)
        if note is None:
            return explore_parallel(system, options, progress, progress_every, accept)
        result = _explore(system, options, progress, progress_every, accept, memory)
        return dataclasses.replace(result, stats=dataclasses.replace(result.stats, notes=(*result.stats.notes, note)))
    return _explore(system, options, progress, progress_every, accept, memory)


def _explore(system: Any, options: CheckOptions, progress: ProgressFn | None, progress_every: float,
             accept: Callable[[Violation], bool] | None, memory: RunMemory | None = None) -> Result:
    start = time.perf_counter()
    meter = memory if memory is not None else RunMemory()
    max_memory_kib = options.max_memory_mb * 1024 if options.max_memory_mb is not None else None
    only = options.properties
    bfs = options.strategy != "dfs"
    store = make_store(options.store)
    seen: Any = store.seen if isinstance(store, ExactStore) else None
    add_fp: Callable[[int], bool] | None = None
    has_fp: Callable[[int], bool] | None = None
    if isinstance(store, FingerprintStore | BitstateStore):
        add_fp, has_fp = store.add_fingerprint, store.contains_fingerprint
    fp_mask = FingerprintStore.MASK
    trail = Trail()
    parents = trail.parent
    trail_codes = trail.code
    frontier = _Frontier(bfs)
    push = frontier.push
    pop = frontier.pop
    transitions = 0
    max_depth = 0
    cut = False
    best: tuple[int, int, int, Violation] | None = None  # (length, parent sid, last code, violation)
    check_invariants = system.check_invariants
    is_terminal = system.is_terminal
    check_finals = system.check_finals
    expand = system.expand
    ample = system.ample
    reduced = getattr(system, "reduction", "none") == "por"

    def stats() -> Stats:
        extra_fn = getattr(system, "statistics", None)
        return Stats(
            extra=tuple(extra_fn()) if extra_fn is not None else (),
            states=len(store),
            transitions=transitions,
            max_depth=max_depth,
            seconds=time.perf_counter() - start,
            peak_memory_kib=meter.peak_kib(),
            frontier=frontier.size,
            reduction=getattr(system, "reduction", "none"),
            store=store.name,
            omission_probability=store.omission_probability(),
            notes=tuple(getattr(system, "notes", ())),
        )

    other: tuple[int, int, int, Violation] | None = None  # the first violation not accepted

    def offer(length: int, parent: int, code: int, violation: Violation) -> None:
        nonlocal best, other
        if accept is not None and not accept(violation):
            if other is None:
                other = (length, parent, code, violation)
            return
        if best is None or length < best[0]:
            best = (length, parent, code, violation)

    has_invariants = bool(getattr(system, "invariants", True))
    has_finals = bool(getattr(system, "finals", True))

    def check_new(state: Any, sid: int, d: int) -> None:
        failure = check_invariants(state, only) if has_invariants else None
        if failure is None and has_finals and is_terminal(state):
            failure = check_finals(state, only)
        if failure is not None:
            offer(d, sid, -1, property_violation(failure))

    # Breadth-first rounds: round d expands the states of depth d.  A state keeps the depth
    # of the round that first stores it, the least of the steps that reach it in that round
    # (a merged step costs its literal steps, so a later one may be shorter): what a state's
    # depth is, and so which round expands it, does not depend on the order of the round's
    # expansions; nor does when the search stops generating successors after a violation
    # (the round after the one that found it).  The parallel search (engine/partition.py)
    # keeps the same rules, so both store the same states.
    shuffle = random.Random(options.seed).shuffle if options.seed is not None and not bfs else None
    round_depth = -1
    round_new: dict[Any, tuple[int, int]] = {}  # state -> (id, depth) of the states this round stored
    moved: dict[int, int] = {}  # id -> depth of a state whose depth a later step of its round lowered
    found_round: int | None = None  # the round in which the first violation was found (-1: init)

    def lower(o: Any, parent: int, code: int, nd: int) -> None:
        got = round_new.get(o)
        if got is not None and nd < got[1]:
            nid = got[0]
            round_new[o] = (nid, nd)
            parents[nid] = parent
            trail_codes[nid] = code
            moved[nid] = nd
            push(o, nid, nd)
            check_new(o, nid, nd)

    deadline = start + options.timeout if options.timeout is not None else None
    next_progress = start + progress_every
    reason: str | None = None
    max_states = options.max_states
    try:
        for k, s in enumerate(system.initial_states()):
            if isinstance(s, StepFailure):  # the initialisation itself failed
                offer(0, -1, k, step_violation(s))
                continue
            if not store.add(s):
                continue
            sid = trail.add(-1, k)
            frontier.push(s, sid, 0)
            check_new(s, sid, 0)
        expansions = 0
        while frontier.size and (bfs or best is None):
            state, sid, d = pop()
            if bfs and d != round_depth:  # a new round: the depths of the last one's states are final
                if round_new:
                    max_depth = max(max_depth, max(depth for _, depth in round_new.values()))
                    round_new.clear()
                if best is not None and found_round is None:
                    found_round = round_depth
                if best is not None and d >= best[0]:
                    break  # no state of this round or later can end a shorter counterexample
                round_depth = d
            if moved and moved.get(sid, d) != d:
                continue  # it was reached by a shorter step in the round that stored it
            expansions += 1
            if expansions % CHECK_EVERY == 0:
                now = time.perf_counter()
                if deadline is not None and now >= deadline:
                    frontier.push(state, sid, d)
                    raise _Budget(f"timeout of {options.timeout:g} s")
                if max_memory_kib is not None and expansions % MEMORY_EVERY == 0 and meter.used_kib() > max_memory_kib:
                    frontier.push(state, sid, d)
                    raise _Budget(f"memory budget of {options.max_memory_mb} MiB")
                if progress is not None and now >= next_progress:
                    progress(stats())
                    next_progress = now + progress_every
            chosen = ample(state) if reduced else None
            succs, codes = chosen if chosen is not None else expand(state)
            transitions += len(succs)
            if not succs:
                if options.check_deadlock and not is_terminal(state):
                    offer(d, sid, -1, deadlock_violation(system, state))
                continue
            if shuffle is not None and len(succs) > 1:  # a swarm run's own order of successors
                order = list(range(len(succs)))
                shuffle(order)
                succs, codes = [succs[i] for i in order], [codes[i] for i in order]
            if found_round is not None and found_round < d:
                continue  # only a deadlock at this depth could still be shorter
            if options.max_depth is not None and d >= options.max_depth:
                cut = True
                continue
            for o, code in zip(succs, codes, strict=True):
                nd = d + ((code >> STEP_COST_SHIFT) or 1)
                if type(o) is StepFailure:
                    offer(nd, sid, code, step_violation(o))
                    if best is not None and not bfs:
                        break
                    continue
                if add_fp is not None and has_fp is not None:
                    fp = (hash(o) & fp_mask) or 1
                    if max_states is not None and len(store) >= max_states and not has_fp(fp):
                        frontier.push(state, sid, d)
                        raise _Budget(f"state budget of {max_states} states")
                    if not add_fp(fp):
                        if nd > d + 1:
                            lower(o, sid, code, nd)
                        continue
                else:
                    if o in seen:
                        if nd > d + 1:
                            lower(o, sid, code, nd)
                        continue
                    if max_states is not None and len(seen) >= max_states:
                        frontier.push(state, sid, d)
                        raise _Budget(f"state budget of {max_states} states")
                    seen.add(o)
                nid = len(parents)
                parents.append(sid)
                trail_codes.append(code)
                if bfs:
                    round_new[o] = (nid, nd)
                elif nd > max_depth:
                    max_depth = nd
                push(o, nid, nd)
                check_new(o, nid, nd)
                if best is not None and not bfs:
                    break
            if best is not None and not bfs:
                break
    except _Budget as exc:
        reason = exc.reason
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (mmnotif_check.interrupts)
        reason = f"interrupted ({interrupt_name(exc)})"
    except Inconclusive as exc:
        reason = exc.reason
    except MemoryError:
        frontier = _Frontier(bfs)
        reason = "out of memory"
    if round_new:
        max_depth = max(max_depth, max(depth for _, depth in round_new.values()))
    final_stats = stats()
    if best is None and other is None:
        return conclude(system, options, final_stats, None, None, reason, cut, accept)
    found = best if best is not None else other
    assert found is not None
    _, parent, code, violation = found
    codes_path = trail.path(parent) if parent >= 0 else ()
    if code >= 0:
        codes_path = (*codes_path, code)
    passed_over = other[3] if other is not None and best is not None else None
    return conclude(system, options, final_stats, (codes_path, violation), passed_over, reason, cut, accept)


def conclude(system: Any, options: CheckOptions, stats: Stats, found: tuple[tuple[int, ...], Violation] | None,
             passed_over: Violation | None, reason: str | None, cut: bool,
             accept: Callable[[Violation], bool] | None) -> Result:
    """The result of a search (sequential or parallel) from what it found: ``found`` is the
    path of transition codes to the violation reported and the violation; ``reason`` why
    the search stopped early (None: it finished), ``cut`` whether the depth budget left
    states unexpanded."""
    if found is not None:
        codes_path, violation = found
        path = system.literal_path(codes_path)
        if getattr(system, "canon", None) is not None:  # found on representatives of symmetric states
            path, violation = replay(system, path, violation, accept, options.check_deadlock, options.properties,
                                     deadlock_violation)
        complete = getattr(system, "complete", None)
        if complete is not None:  # e.g. the witness of a symbolic violation, computed once
            violation = complete(violation)
        literal = getattr(system, "reduction", "none") == "none"
        stopped = reason is not None and reason.startswith("interrupted")
        return Result(VIOLATED, stats, violation, path,
                      shortest=options.strategy != "dfs" and literal and passed_over is None and not stopped,
                      passed_over=passed_over, exhausted=reason is None, stopped=stopped,
                      reason=reason if stopped else None)
    if reason is not None:
        return Result(INCONCLUSIVE, stats, reason=reason, exhausted=False)
    if cut:
        return Result(INCONCLUSIVE, stats, reason=f"depth budget of {options.max_depth} steps")
    return Result(HOLDS, stats)
