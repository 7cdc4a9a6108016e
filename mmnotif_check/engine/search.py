"""Explicit-state exploration: one shared loop, the search policy as a frontier.

BFS (FIFO frontier) finds a shortest counterexample: after the first violation of
length ``n`` the loop finishes the states of depth below ``n`` that could still yield a
shorter one (a deadlock found when expanding them).  DFS (LIFO frontier) stops at the
first violation.  Each stored state keeps its parent id and the index of the successor
that produced it, so a discovery is a path of successor indices rebuilt by replay.
"""

from __future__ import annotations

import resource
import time
from array import array
from collections import deque
from collections.abc import Callable

from mmnotif_check.engine.interface import (
    Inconclusive,
    PropertyFailure,
    S,
    StepFailure,
    TransitionSystem,
)
from mmnotif_check.engine.result import HOLDS, INCONCLUSIVE, VIOLATED, Result, Stats, Violation
from mmnotif_check.options import CheckOptions

ProgressFn = Callable[[Stats], None]
CHECK_EVERY = 512


def peak_memory_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _from_property(f: PropertyFailure) -> Violation:
    return Violation(kind=f.kind, property=f.property, message=f.message, location=f.location, witness=f.witness)


def _from_step(f: StepFailure) -> Violation:
    return Violation(
        kind=f.kind,
        property=f.property,
        message=f.message,
        location=f.location,
        text=f.text,
        thread=f.thread,
        witness=f.witness,
    )


def deadlock_violation(system: TransitionSystem[S], state: S) -> Violation:
    blocked = tuple(system.blocked_threads(state))
    names = ", ".join(b.name for b in blocked if not b.daemon)
    return Violation(
        kind="deadlock",
        property="deadlock",
        message=f"deadlock: no thread can step and {names} has not returned",
        blocked=blocked,
    )


def step_violation(f: StepFailure) -> Violation:
    return _from_step(f)


class _Budget(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def explore(
    system: TransitionSystem[S],
    options: CheckOptions,
    progress: ProgressFn | None = None,
    progress_every: float = 1.0,
) -> Result:
    """Search the state space of ``system`` under ``options``; never overstates."""
    start = time.perf_counter()
    only = options.properties
    bfs = options.strategy != "dfs"
    visited: dict[S, int] = {}
    parent = array("q")
    index = array("q")
    depth = array("l")
    frontier: deque[tuple[S, int]] = deque()
    transitions = 0
    max_depth = 0
    cut = False
    best: tuple[int, tuple[int, ...], Violation] | None = None

    def path_to(sid: int) -> tuple[int, ...]:
        out = []
        while sid >= 0:
            out.append(index[sid])
            sid = parent[sid]
        return tuple(reversed(out))

    def stats() -> Stats:
        extra_fn = getattr(system, "statistics", None)
        return Stats(
            extra=tuple(extra_fn()) if extra_fn is not None else (),
            states=len(visited),
            transitions=transitions,
            max_depth=max_depth,
            seconds=time.perf_counter() - start,
            peak_memory_kib=peak_memory_kib(),
            frontier=len(frontier),
        )

    def offer(length: int, path: tuple[int, ...], violation: Violation) -> None:
        nonlocal best
        if best is None or length < best[0]:
            best = (length, path, violation)

    def check_new(state: S, sid: int, d: int) -> None:
        failure = system.check_invariants(state, only)
        if failure is None and system.is_terminal(state):
            failure = system.check_finals(state, only)
        if failure is not None:
            offer(d, path_to(sid), _from_property(failure))

    deadline = start + options.timeout if options.timeout is not None else None
    next_progress = start + progress_every
    reason: str | None = None
    try:
        for k, s in enumerate(system.initial_states()):
            if isinstance(s, StepFailure):  # the initialisation itself failed
                offer(0, (k,), _from_step(s))
                continue
            if s in visited:
                continue
            sid = len(visited)
            visited[s] = sid
            parent.append(-1)
            index.append(k)
            depth.append(0)
            frontier.append((s, sid))
            check_new(s, sid, 0)
        expansions = 0
        while frontier and (bfs or best is None):
            state, sid = frontier.popleft() if bfs else frontier.pop()
            d = depth[sid]
            if best is not None and d >= best[0]:
                break
            expansions += 1
            if expansions % CHECK_EVERY == 0:
                now = time.perf_counter()
                if deadline is not None and now >= deadline:
                    frontier.append((state, sid))
                    raise _Budget(f"timeout of {options.timeout:g} s")
                if options.max_memory_mb is not None and peak_memory_kib() > options.max_memory_mb * 1024:
                    frontier.append((state, sid))
                    raise _Budget(f"memory budget of {options.max_memory_mb} MiB")
                if progress is not None and now >= next_progress:
                    progress(stats())
                    next_progress = now + progress_every
            succs = system.successors(state)
            transitions += len(succs)
            if not succs:
                if options.check_deadlock and not system.is_terminal(state):
                    offer(d, path_to(sid), deadlock_violation(system, state))
                continue
            if best is not None:
                continue  # only a deadlock at this depth could still be shorter
            if options.max_depth is not None and d >= options.max_depth:
                cut = True
                continue
            for k, o in enumerate(succs):
                if isinstance(o, StepFailure):
                    offer(d + 1, (*path_to(sid), k), _from_step(o))
                    if best is not None and not bfs:
                        break
                    continue
                if o in visited:
                    continue
                if options.max_states is not None and len(visited) >= options.max_states:
                    frontier.appendleft((state, sid))
                    raise _Budget(f"state budget of {options.max_states} states")
                nid = len(visited)
                visited[o] = nid
                parent.append(sid)
                index.append(k)
                depth.append(d + 1)
                if d + 1 > max_depth:
                    max_depth = d + 1
                frontier.append((o, nid))
                check_new(o, nid, d + 1)
                if best is not None and not bfs:
                    break
            if best is not None and not bfs:
                break
    except _Budget as exc:
        reason = exc.reason
    except KeyboardInterrupt:
        reason = "interrupted (Ctrl-C)"
    except Inconclusive as exc:
        reason = exc.reason
    final_stats = stats()
    if best is not None:
        return Result(VIOLATED, final_stats, best[2], best[1])
    if reason is not None:
        return Result(INCONCLUSIVE, final_stats, reason=reason)
    if cut:
        return Result(INCONCLUSIVE, final_stats, reason=f"depth budget of {options.max_depth} steps")
    return Result(HOLDS, final_stats)
