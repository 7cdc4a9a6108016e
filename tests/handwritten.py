"""Hand-written successor functions for the classic models, written without the checker.

Every model in ``tests/models/`` is re-implemented here in plain Python, statement by
statement, with the step granularity that ``docs/language.md`` ("What one step is")
defines:

* ``for x in seq:`` is one step per iteration (it binds ``x``) and one more step when the
  sequence is exhausted;
* ``while c:`` is one step per evaluation of ``c``, once per iteration and once more when
  ``c`` has become false;
* ``with atomic(): wait_until(c); ...`` is a single step, enabled only when ``c`` holds
  (otherwise the thread is blocked and contributes no successor);
* every other statement (``x = e``, ``x += e``, ``xs[i] = e``, ``wait_until(c)``) is one step;
* ``global`` declarations and ``@pure`` calls are not steps;
* falling off the end of the thread body is one more step (the implicit ``return``); after
  it the thread has returned.

``init()`` runs atomically before exploration: its effect is the initial state.

State layout
------------
A state is ``(globals, threads)``.  ``globals`` holds the model's globals in declaration
order; ``threads`` has one entry per thread in spawn order (= thread id): ``None`` once the
thread has returned, else a tuple ``(pc, ...locals)``.

The checker's frame stores *every* local: the loop variable and the hidden sequence and
index of a ``for`` loop (both reset to ``None`` when the loop exits; the loop variable
keeps its last value, as in Python).  Here a ``for`` loop is represented by ``k``, the
number of iterations started so far.  At a given ``pc``, ``k`` determines those hidden
locals and vice versa (header with ``k == 0``: nothing bound yet; header with ``k > 0``:
index ``k`` and loop variable ``seq[k - 1]``; after the exit: index cleared, loop variable
``seq[-1]``), so the map between the two representations is a bijection on reachable
states and the reachable state and transition counts must be equal.  Locals that are not
functions of ``(pc, k)`` (``item``, ``got`` in the producer/consumer) are kept explicitly.

Successor order follows the checker's (thread id order; these models never ``choose``), so
the shortest counterexample length found by :func:`bfs` is comparable too.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Globals = tuple[Any, ...]
Local = tuple[Any, ...] | None  # None: the thread has returned
Threads = tuple[Local, ...]
State = tuple[Globals, Threads]
StepFn = Callable[[Globals, int, tuple[Any, ...]], tuple[Globals, Local] | None]
"""``step(globals, tid, local)``: the outcome of thread ``tid``'s next step, None if blocked."""
Property = tuple[str, Callable[[Globals], bool]]


def _put(t: tuple[Any, ...], i: int, v: Any) -> tuple[Any, ...]:
    """``t`` with item ``i`` replaced by ``v`` (the model language's ``xs[i] = v``)."""
    return (*t[:i], v, *t[i + 1 :])


@dataclass(frozen=True)
class HandModel:
    """A transition system given by its initial state and a per-thread step function."""

    name: str
    initial: State
    step: StepFn
    invariants: tuple[Property, ...] = ()
    finals: tuple[Property, ...] = ()

    def successors(self, state: State) -> list[State]:
        """One outcome per enabled thread, in thread id order."""
        g, ts = state
        out: list[State] = []
        for tid, loc in enumerate(ts):
            if loc is None:
                continue
            r = self.step(g, tid, loc)
            if r is not None:
                out.append((r[0], _put(ts, tid, r[1])))
        return out


@dataclass(frozen=True)
class Violation:
    """A shortest violation found by :func:`bfs`: ``steps`` is the trace length."""

    steps: int
    kind: str  # invariant | final | deadlock
    property: str
    path: tuple[int, ...] | None = None  # replay token, with bfs(..., paths=True)


@dataclass(frozen=True)
class BfsResult:
    """Reachable state space statistics.

    ``transitions`` counts successor outcomes over all expanded states (duplicates
    included), which is what the checker's ``stats.transitions`` counts; ``max_depth`` is
    the largest BFS distance of a reachable state from the initial state.
    """

    states: int
    transitions: int
    max_depth: int
    deadlocks: int
    terminals: int
    shortest: Violation | None
    seconds: float
    # what a breadth-first search that stops at a violation has stored and done by then:
    # (states, transitions, max depth).  It works in rounds, one per depth: the round that
    # finds the first violation is finished (every state of its depth expanded, all their
    # successors stored); the rounds after it, while their depth is below the shortest
    # violation's length, only expand (looking for a shorter deadlock) and store nothing.
    explored: tuple[int, int, int] | None = None

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else float(self.states)


def bfs(
    model: HandModel,
    *,
    check_properties: bool = True,
    check_deadlock: bool = True,
    paths: bool = False,
) -> BfsResult:
    """Explore the whole reachable state space breadth first.

    Invariants are checked in every reachable state, finals in every terminal state (all
    threads returned), and a state with no successor that is not terminal is a deadlock.
    The search never stops early: it returns the full counts plus the shortest violation
    (the first one found among those of minimal length).  With ``paths=True`` it also
    remembers, for every state, its BFS parent and the index of the successor leading to
    it, and reports the violation's path (initial index 0, then one successor index per
    step; the checker's replay token).
    """
    start = time.perf_counter()
    parent: dict[State, tuple[State, int] | None] = {}
    step = model.step
    invariants = model.invariants if check_properties else ()
    finals = model.finals if check_properties else ()
    init = model.initial
    seen: set[State] = {init}
    frontier: deque[tuple[State, int]] = deque([(init, 0)])
    transitions = max_depth = deadlocks = terminals = 0
    best: Violation | None = None

    def path_to(state: State) -> tuple[int, ...]:
        out: list[int] = []
        link = parent[state]
        while link is not None:
            state, k = link
            out.append(k)
            link = parent[state]
        return (0, *reversed(out))

    def offer(state: State, steps: int, kind: str, prop: str) -> None:
        nonlocal best
        if best is None or steps < best.steps:
            best = Violation(steps, kind, prop, path_to(state) if paths else None)

    def check(state: State, d: int) -> None:
        nonlocal terminals
        g, ts = state
        terminal = all(loc is None for loc in ts)
        terminals += terminal
        for name, inv in invariants:
            if not inv(g):
                offer(state, d, "invariant", name)
                return
        if terminal:
            for name, fin in finals:
                if not fin(g):
                    offer(state, d, "final", name)
                    return

    if paths:
        parent[init] = None
    check(init, 0)
    round_d = -1
    found_round: int | None = None
    explored: tuple[int, int, int] | None = None
    stop_transitions = 0  # transitions of the rounds after the found one
    while frontier:
        state, d = frontier.popleft()
        if d != round_d:
            if best is not None and found_round is None:
                found_round = round_d
                explored = (len(seen), transitions, max_depth)
            round_d = d
        if found_round is not None and d < best.steps:  # type: ignore[union-attr]
            stop_transitions += sum(1 for tid, loc in enumerate(state[1])
                                    if loc is not None and step(state[0], tid, loc) is not None)
        g, ts = state
        n = 0
        for tid, loc in enumerate(ts):
            if loc is None:
                continue
            r = step(g, tid, loc)
            if r is None:
                continue
            n += 1
            nxt = (r[0], (*ts[:tid], r[1], *ts[tid + 1 :]))
            if nxt not in seen:
                seen.add(nxt)
                if paths:
                    parent[nxt] = (state, n - 1)
                frontier.append((nxt, d + 1))
                if d + 1 > max_depth:
                    max_depth = d + 1
                check(nxt, d + 1)
        transitions += n
        if n == 0 and any(loc is not None for loc in ts):
            deadlocks += 1
            if check_deadlock:
                offer(state, d, "deadlock", "deadlock")
    if explored is None and best is not None:  # found in the last round
        explored = (len(seen), transitions, max_depth)
    elif explored is not None:
        explored = (explored[0], explored[1] + stop_transitions, explored[2])
    return BfsResult(
        states=len(seen),
        transitions=transitions,
        max_depth=max_depth,
        deadlocks=deadlocks,
        terminals=terminals,
        shortest=best,
        seconds=time.perf_counter() - start,
        explored=explored,
    )


# --------------------------------------------------------------------------- peterson
def peterson(rounds: int = 2) -> HandModel:
    """``tests/models/peterson.py``.  Globals ``(flag, turn, in_cs)``; locals ``(pc, k)``.

    Thread ``i``: ``HEAD`` is the ``for r in range(ROUNDS)`` header, then one step per
    statement of the body (``global`` is not a step), back to ``HEAD``; ``RET`` is the
    implicit return after the loop.
    """
    HEAD, SET_FLAG, SET_TURN, WAIT, ENTER, LEAVE, CLEAR, RET = range(8)

    def step(g: Globals, i: int, loc: tuple[Any, ...]) -> tuple[Globals, Local] | None:
        flag, turn, in_cs = g
        pc, k = loc
        if pc == HEAD:  # for r in range(ROUNDS):
            return (g, (SET_FLAG, k + 1)) if k < rounds else (g, (RET, k))
        if pc == SET_FLAG:  # flag[i] = True
            return (_put(flag, i, True), turn, in_cs), (SET_TURN, k)
        if pc == SET_TURN:  # turn = 1 - i
            return (flag, 1 - i, in_cs), (WAIT, k)
        if pc == WAIT:  # wait_until(not flag[1 - i] or turn == i)
            return (g, (ENTER, k)) if (not flag[1 - i] or turn == i) else None
        if pc == ENTER:  # in_cs += 1
            return (flag, turn, in_cs + 1), (LEAVE, k)
        if pc == LEAVE:  # in_cs -= 1
            return (flag, turn, in_cs - 1), (CLEAR, k)
        if pc == CLEAR:  # flag[i] = False
            return (_put(flag, i, False), turn, in_cs), (HEAD, k)
        assert pc == RET
        return g, None

    return HandModel(
        name=f"peterson ROUNDS={rounds}",
        initial=(((False, False), 0, 0), ((HEAD, 0), (HEAD, 0))),
        step=step,
        invariants=(("mutual_exclusion", lambda g: g[2] <= 1),),
    )


# -------------------------------------------------------------------------- racy lock
def racy_lock() -> HandModel:
    """``tests/models/racy_lock.py``.  Globals ``(locked, in_cs)``; locals ``(pc,)``."""
    WAIT, LOCK, ENTER, LEAVE, UNLOCK, RET = range(6)

    def step(g: Globals, i: int, loc: tuple[Any, ...]) -> tuple[Globals, Local] | None:
        locked, in_cs = g
        (pc,) = loc
        if pc == WAIT:  # wait_until(not locked)
            return (g, (LOCK,)) if not locked else None
        if pc == LOCK:  # locked = True
            return (True, in_cs), (ENTER,)
        if pc == ENTER:  # in_cs += 1
            return (locked, in_cs + 1), (LEAVE,)
        if pc == LEAVE:  # in_cs -= 1
            return (locked, in_cs - 1), (UNLOCK,)
        if pc == UNLOCK:  # locked = False
            return (False, in_cs), (RET,)
        assert pc == RET
        return g, None

    return HandModel(
        name="racy_lock",
        initial=((False, 0), ((WAIT,), (WAIT,))),
        step=step,
        invariants=(("mutual_exclusion", lambda g: g[1] <= 1),),
    )


# ----------------------------------------------------------------------- philosophers
def philosophers(n: int = 3, meals: int = 1, *, ordered: bool) -> HandModel:
    """``philosophers_left_first.py`` (``ordered=False``) or ``philosophers_ordered.py``.

    Globals ``(forks, meals)``: the owner of each fork (-1 when free) and the meals eaten
    per philosopher.  Locals ``(pc, k)``.  Philosopher ``i`` takes fork ``first`` then
    ``second`` (each a ``with atomic(): wait_until(free); take`` step), eats (``meals[i] +=
    1``), puts ``second`` then ``first`` down, ``meals`` times.  Left first: ``first = i``,
    ``second = (i + 1) % n``; ordered: the lower-numbered of the two first.
    """
    HEAD, TAKE1, TAKE2, EAT, PUT2, PUT1, RET = range(7)
    pairs = [(i, (i + 1) % n) for i in range(n)]
    order = [(min(p), max(p)) if ordered else p for p in pairs]

    def step(g: Globals, i: int, loc: tuple[Any, ...]) -> tuple[Globals, Local] | None:
        forks, eaten = g
        pc, k = loc
        first, second = order[i]
        if pc == HEAD:  # for m in range(MEALS):
            return (g, (TAKE1, k + 1)) if k < meals else (g, (RET, k))
        if pc == TAKE1:  # with atomic(): wait_until(forks[first] == -1); forks[first] = i
            return ((_put(forks, first, i), eaten), (TAKE2, k)) if forks[first] == -1 else None
        if pc == TAKE2:  # the same for the second fork
            return ((_put(forks, second, i), eaten), (EAT, k)) if forks[second] == -1 else None
        if pc == EAT:  # meals[i] += 1
            return (forks, _put(eaten, i, eaten[i] + 1)), (PUT2, k)
        if pc == PUT2:  # forks[second] = -1
            return (_put(forks, second, -1), eaten), (PUT1, k)
        if pc == PUT1:  # forks[first] = -1
            return (_put(forks, first, -1), eaten), (HEAD, k)
        assert pc == RET
        return g, None

    def neighbours_only(g: Globals) -> bool:
        forks = g[0]
        return all(forks[f] in (-1, f, (f - 1) % n) for f in range(n))

    def everyone_ate(g: Globals) -> bool:
        return all(m == meals for m in g[1])

    variant = "ordered" if ordered else "left_first"
    return HandModel(
        name=f"philosophers_{variant} N={n} MEALS={meals}",
        initial=(((-1,) * n, (0,) * n), ((HEAD, 0),) * n),
        step=step,
        invariants=(("forks_held_by_neighbours", neighbours_only),),
        finals=(("everyone_ate", everyone_ate),),
    )


# ------------------------------------------------------------------ producer/consumer
def producer_consumer(cap: int = 2, items: int = 3) -> HandModel:
    """``tests/models/producer_consumer.py``.  Globals ``(queue, consumed)``.

    Thread 0, the producer, has locals ``(pc, k, item)``: ``HEAD`` is the ``for item in
    range(ITEMS)`` header, ``PUT`` the atomic ``wait_until(len(queue) < CAP); queue =
    append(queue, item)``.  Thread 1, the consumer, has locals ``(pc, got)``: ``LOOP`` is the
    ``while len(consumed) < ITEMS`` test, ``TAKE`` the atomic ``wait_until(len(queue) > 0);
    got = queue[0]; queue = queue[1:]``, ``RECORD`` is ``consumed = append(consumed, got)``.
    """
    HEAD, PUT, LOOP, TAKE, RECORD, RET = range(6)

    def step(g: Globals, tid: int, loc: tuple[Any, ...]) -> tuple[Globals, Local] | None:
        queue, consumed = g
        pc = loc[0]
        if pc == HEAD:  # for item in range(ITEMS):
            _, k, item = loc
            return (g, (PUT, k + 1, k)) if k < items else (g, (RET, k, item))
        if pc == PUT:
            # with atomic(): wait_until(len(queue) < CAP); queue = append(queue, item)
            _, k, item = loc
            return (((*queue, item), consumed), (HEAD, k, item)) if len(queue) < cap else None
        if pc == LOOP:  # while len(consumed) < ITEMS:
            return (g, (TAKE, loc[1])) if len(consumed) < items else (g, (RET, loc[1]))
        if pc == TAKE:
            # with atomic(): wait_until(len(queue) > 0); got = queue[0]; queue = queue[1:]
            return ((queue[1:], consumed), (RECORD, queue[0])) if queue else None
        if pc == RECORD:  # consumed = append(consumed, got)
            return (queue, (*consumed, loc[1])), (LOOP, loc[1])
        assert pc == RET
        return g, None

    def bounded(g: Globals) -> bool:
        return len(g[0]) <= cap

    def in_order(g: Globals) -> bool:
        queue, consumed = g
        return consumed == tuple(range(len(consumed))) and all(
            queue[j] + 1 == queue[j + 1] for j in range(len(queue) - 1)
        )

    def all_consumed(g: Globals) -> bool:
        return bool(g[1] == tuple(range(items)) and g[0] == ())

    return HandModel(
        name=f"producer_consumer CAP={cap} ITEMS={items}",
        initial=(((), ()), ((HEAD, 0, None), (LOOP, None))),
        step=step,
        invariants=(("bounded", bounded), ("in_order", in_order)),
        finals=(("all_consumed", all_consumed),),
    )
