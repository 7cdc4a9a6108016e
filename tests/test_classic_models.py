"""Classic models: the checker against hand-written successor functions and golden counts.

For every model and size, three independent sources must agree:

1. the checker (``explore`` on the model file in ``tests/models/``);
2. the hand-written successor function of the same model in ``tests/handwritten.py``,
   explored by its own breadth-first search;
3. the golden literals below (so that a change in either shows up as a regression).

Counts are only comparable for a *complete* exploration: after a violation the checker's
BFS stops early (it finishes only what could still yield a shorter counterexample), so
violated models are also explored with the violated property switched off
(``properties=frozenset()`` or ``check_deadlock=False``) to compare the full state space.
The statistics of the early-stopping runs are pinned as golden literals only.

Hand derivations used below
---------------------------
*max_depth.*  In all these models each step moves one thread forward through its code and
its loop iterations, never back, so every path to a state has the same length and the
deepest reachable state is the one where every thread has returned: ``max_depth`` is the
length of a complete run, the sum of the threads' step counts (``docs/language.md``):

* Peterson: per thread ``ROUNDS`` times (loop header + 6 statements), the exit step of the
  ``for`` and the implicit return: ``7 * ROUNDS + 2``; two threads: ``14 * ROUNDS + 4``.
* racy_lock: 5 statements + implicit return per thread, two threads: ``12``.
* philosophers: per philosopher ``MEALS`` times (header + take + take + eat + put + put),
  the exit step and the return: ``6 * MEALS + 2``; ``N`` philosophers: ``N * (6 * MEALS + 2)``.
* producer/consumer: producer ``ITEMS`` times (header + put) + exit + return
  ``= 2 * ITEMS + 2``; consumer ``ITEMS`` times (``while`` test + take + record) + the final
  false test + return ``= 3 * ITEMS + 2``; total ``5 * ITEMS + 4``.

*Peterson, ROUNDS=0.*  Each thread is a loop exit step and a return: local states
header, end, returned (3 each), independent, so 9 states; a state has one successor per
thread that has not returned: ``2 * (2 * 3) = 12`` transitions; depth ``2 + 2 = 4``.

*Producer/consumer, CAP=1, ITEMS=1.*  Producer local states: header, put, header (exit),
return, returned (5); consumer: test, take, record, test (exit), return, returned (6).
Before the put (2 producer states) the consumer can only be at its first test or blocked at
the take: 4 states; after it (3 producer states) any of the 6 consumer states: 18; in all
22 states.  Transitions: before the put both producer states step (4) and the consumer
steps only from the test (2); after it 2 producer states step in each of 6 (12) and 5
consumer states step in each of 3 (15): ``6 + 12 + 15 = 33``.  Depth ``4 + 5 = 9``.

*Left-first philosophers, deadlock states.*  In a deadlock every philosopher that has not
returned is blocked at a take.  A held fork belongs to a philosopher holding only its left
fork (one holding both is enabled: it eats next), so fork ``j`` is held only by
philosopher ``j``; a philosopher blocked at its left fork ``j`` would wait for itself,
so every live philosopher holds its left fork and waits for its right fork ``j + 1``,
whose holder ``j + 1`` must be live too: all ``N`` are live, each holding its left fork, in
any of its ``MEALS`` iterations: exactly ``MEALS ** N`` deadlock states.  The cheapest is
reached in ``2 * N`` steps (each philosopher: loop header + take left).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import handwritten as hw
import pytest

from mmnotif_check import CheckOptions, CompiledModel, Result, explore, load_model

MODELS = Path(__file__).parent / "models"


@dataclass(frozen=True)
class Counts:
    states: int
    transitions: int
    max_depth: int


@dataclass(frozen=True)
class FullCase:
    """A complete exploration: checker verdict ``holds`` and equal counts everywhere."""

    model: str
    constants: dict[str, Any]
    hand: hw.HandModel
    golden: Counts
    options: CheckOptions = field(default_factory=lambda: CheckOptions(reduction="none"))
    run_length: int | None = None  # hand-derived length of a complete run (= max_depth)

    @property
    def id(self) -> str:
        sizes = ",".join(f"{k}={v}" for k, v in self.constants.items())
        return f"{self.model}[{sizes}]" if sizes else self.model


def _load(model: str, constants: dict[str, Any]) -> CompiledModel:
    return load_model(str(MODELS / f"{model}.py"), constants)


def _left_first(n: int, meals: int, golden: Counts) -> FullCase:
    # The deadlock check is off so that the whole state space is explored.
    return FullCase(
        "philosophers_left_first",
        {"N": n, "MEALS": meals},
        hw.philosophers(n, meals, ordered=False),
        golden,
        CheckOptions(reduction="none", check_deadlock=False),
        n * (6 * meals + 2),
    )


def _ordered(n: int, meals: int, golden: Counts) -> FullCase:
    return FullCase(
        "philosophers_ordered",
        {"N": n, "MEALS": meals},
        hw.philosophers(n, meals, ordered=True),
        golden,
        run_length=n * (6 * meals + 2),
    )


def _peterson(rounds: int, golden: Counts) -> FullCase:
    return FullCase(
        "peterson", {"ROUNDS": rounds}, hw.peterson(rounds), golden, run_length=14 * rounds + 4
    )


def _prodcons(cap: int, items: int, golden: Counts) -> FullCase:
    return FullCase(
        "producer_consumer",
        {"CAP": cap, "ITEMS": items},
        hw.producer_consumer(cap, items),
        golden,
        run_length=5 * items + 4,
    )


NO_PROPERTIES = CheckOptions(reduction="none", properties=frozenset())

FULL_CASES = [
    # Peterson ROUNDS=0 is derived by hand in the module docstring.
    _peterson(0, Counts(9, 12, 4)),
    _peterson(1, Counts(101, 166, 18)),
    _peterson(2, Counts(293, 500, 32)),
    _peterson(3, Counts(585, 1014, 46)),
    _peterson(4, Counts(977, 1708, 60)),
    # racy_lock with its invariant switched off: the whole state space (no deadlock).
    FullCase("racy_lock", {}, hw.racy_lock(), Counts(61, 96, 12), NO_PROPERTIES, 12),
    _left_first(2, 1, Counts(68, 110, 16)),
    _left_first(2, 2, Counts(173, 284, 28)),
    _left_first(3, 1, Counts(552, 1323, 24)),
    _left_first(3, 2, Counts(2247, 5466, 42)),
    _left_first(4, 1, Counts(4560, 14612, 32)),
    _left_first(4, 2, Counts(29745, 96808, 56)),
    _ordered(2, 1, Counts(65, 104, 16)),
    _ordered(2, 2, Counts(161, 260, 28)),
    _ordered(3, 1, Counts(525, 1250, 24)),
    _ordered(3, 2, Counts(2079, 5010, 42)),
    _ordered(4, 1, Counts(4325, 13780, 32)),
    _ordered(4, 2, Counts(27377, 88360, 56)),
    # producer/consumer CAP=1, ITEMS=1 is derived by hand in the module docstring.
    _prodcons(1, 1, Counts(22, 33, 9)),
    _prodcons(1, 3, Counts(47, 73, 19)),
    _prodcons(2, 3, Counts(60, 99, 19)),
    _prodcons(2, 4, Counts(78, 130, 24)),
    _prodcons(3, 5, Counts(115, 199, 29)),
    _prodcons(3, 8, Counts(187, 328, 44)),
]


@pytest.mark.parametrize("case", FULL_CASES, ids=lambda c: c.id)
def test_full_state_space(case: FullCase) -> None:
    """Verdict holds; checker counts == hand-written BFS counts == golden counts."""
    result = explore(_load(case.model, case.constants), case.options)
    assert result.verdict == "holds", result.violation
    got = Counts(result.stats.states, result.stats.transitions, result.stats.max_depth)

    hand = hw.bfs(
        case.hand,
        check_properties=case.options.properties is None,
        check_deadlock=case.options.check_deadlock,
    )
    assert hand.shortest is None
    assert Counts(hand.states, hand.transitions, hand.max_depth) == case.golden
    assert got == case.golden
    if case.run_length is not None:
        assert case.golden.max_depth == case.run_length


SMALL_CASES = [c for c in FULL_CASES if c.golden.states < 3000]


@pytest.mark.parametrize("case", SMALL_CASES, ids=lambda c: c.id)
def test_dfs_explores_the_same_space(case: FullCase) -> None:
    """States and transitions do not depend on the search order; neither does max_depth here,
    because every path to a state of these models has the same length (module docstring)."""
    result = explore(_load(case.model, case.constants), case.options.with_(strategy="dfs"))
    assert result.verdict == "holds"
    assert (result.stats.states, result.stats.transitions, result.stats.max_depth) == (
        case.golden.states,
        case.golden.transitions,
        case.golden.max_depth,
    )


def test_hand_written_deadlock_states() -> None:
    """``MEALS ** N`` deadlock states for left-first philosophers, none when ordered."""
    for n in (2, 3, 4):
        for meals in (1, 2):
            assert hw.bfs(hw.philosophers(n, meals, ordered=False)).deadlocks == meals**n
            assert hw.bfs(hw.philosophers(n, meals, ordered=True)).deadlocks == 0


def test_hand_written_terminal_states() -> None:
    """One terminal state, except Peterson: ``turn`` is left at ``1 - i`` of the thread that
    set it last, either thread can be last once ROUNDS >= 1."""
    assert hw.bfs(hw.peterson(0)).terminals == 1
    assert hw.bfs(hw.peterson(3)).terminals == 2
    assert hw.bfs(hw.racy_lock(), check_properties=False).terminals == 1
    assert hw.bfs(hw.philosophers(3, 2, ordered=True)).terminals == 1
    assert hw.bfs(hw.producer_consumer(2, 4)).terminals == 1


# ------------------------------------------------------------------ counterexamples
@dataclass(frozen=True)
class ViolatedCase:
    model: str
    constants: dict[str, Any]
    hand: hw.HandModel
    kind: str
    prop: str  # the violated property's name
    steps: int  # shortest counterexample, derived by hand
    path: tuple[int, ...]  # golden replay token (first shortest one in BFS order)
    explored: Counts  # golden: what the checker's BFS explored before it stopped

    @property
    def id(self) -> str:
        sizes = ",".join(f"{k}={v}" for k, v in self.constants.items())
        return f"{self.model}[{sizes}]" if sizes else self.model


# racy_lock, shortest counterexample derived by hand: ``in_cs`` counts the threads between
# ``in_cs += 1`` and ``in_cs -= 1``, so ``in_cs <= 1`` fails only once both threads have
# done ``wait_until(not locked)``, ``locked = True`` and ``in_cs += 1``: at least 3 + 3 = 6
# steps.  6 are enough: both pass the wait before either sets ``locked``.  The golden path
# 0/0/1/0/0/1/1 decodes (successor index 0 = t0, 1 = t1 while both can step) as: t0 wait,
# t1 wait, t0 lock, t0 in_cs += 1, t1 lock, t1 in_cs += 1.
#
# left-first philosophers: the only deadlocks have every philosopher holding its left fork
# (module docstring); the cheapest is each philosopher's first loop header and first take:
# 2 * N steps, whatever MEALS is.  The golden path takes phil0's two steps, then phil1's,
# ... (index 0 = the first enabled thread; phil0 is blocked once phil1 holds fork 1).
def _deadlock(n: int, meals: int, path: tuple[int, ...], explored: Counts) -> ViolatedCase:
    """Left-first philosophers: a deadlock after ``2 * N`` steps (derived above)."""
    return ViolatedCase(
        "philosophers_left_first",
        {"N": n, "MEALS": meals},
        hw.philosophers(n, meals, ordered=False),
        "deadlock",
        "deadlock",
        2 * n,
        path,
        explored,
    )


VIOLATED_CASES = [
    ViolatedCase(
        "racy_lock",
        {},
        hw.racy_lock(),
        "invariant",
        "mutual_exclusion",
        6,
        (0, 0, 1, 0, 0, 1, 1),
        Counts(28, 36, 6),
    ),
    _deadlock(2, 1, (0, 0, 0, 1, 1), Counts(19, 26, 5)),
    _deadlock(3, 1, (0, 0, 0, 1, 1, 1, 1), Counts(93, 183, 7)),
    _deadlock(3, 2, (0, 0, 0, 1, 1, 1, 1), Counts(93, 183, 7)),
    _deadlock(4, 1, (0, 0, 0, 1, 1, 1, 1, 1, 1), Counts(515, 1324, 9)),
    _deadlock(4, 2, (0, 0, 0, 1, 1, 1, 1, 1, 1), Counts(519, 1328, 9)),
]


def _replay(model: CompiledModel, path: tuple[int, ...]) -> Hashable:
    """The state a path token leads to, using only the model's successor function."""
    state: Hashable = model.initial_states()[path[0]]
    for k in path[1:]:
        succs = model.successors(state)  # type: ignore[arg-type]
        assert 0 <= k < len(succs)
        state = succs[k]
    return state


@pytest.mark.parametrize("case", VIOLATED_CASES, ids=lambda c: c.id)
def test_shortest_counterexample(case: ViolatedCase) -> None:
    """BFS reports a shortest counterexample of the expected kind, length and path."""
    model = _load(case.model, case.constants)
    result: Result = explore(model, CheckOptions(reduction="none"))
    assert result.verdict == "violated"
    assert result.violation is not None and result.path is not None
    assert (result.violation.kind, result.violation.property) == (case.kind, case.prop)
    assert len(result.path) - 1 == case.steps

    hand = hw.bfs(case.hand, paths=True)
    assert hand.shortest == hw.Violation(case.steps, case.kind, case.prop, case.path)
    assert result.path == case.path
    explored = Counts(result.stats.states, result.stats.transitions, result.stats.max_depth)
    assert hand.explored is not None
    assert explored == Counts(*hand.explored)  # the hand-written search, stopping by the same rule
    assert explored == case.explored

    end = _replay(model, result.path)
    if case.kind == "deadlock":
        assert model.successors(end) == []  # type: ignore[arg-type]
        assert not model.is_terminal(end)  # type: ignore[arg-type]
        n = case.constants["N"]
        assert [b.name for b in result.violation.blocked] == [f"phil{i}" for i in range(n)]
        assert all("forks[(i + 1) % N]" in b.text for b in result.violation.blocked)
    else:
        failure = model.check_invariants(end)  # type: ignore[arg-type]
        assert failure is not None and failure.property == case.prop


def test_dfs_finds_the_violations() -> None:
    """DFS stops at the first violation; the kind is the same, the trace at least as long."""
    for case in VIOLATED_CASES:
        result = explore(_load(case.model, case.constants), CheckOptions(reduction="none", strategy="dfs"))
        assert result.verdict == "violated"
        assert result.violation is not None and result.path is not None
        assert result.violation.kind == case.kind
        assert len(result.path) - 1 >= case.steps


def test_ordered_philosophers_have_no_deadlock_but_left_first_do() -> None:
    """The only difference between the two models is the order of the two takes."""
    for n in (3, 4):
        ordered = explore(_load("philosophers_ordered", {"N": n, "MEALS": 1}), CheckOptions())
        left = explore(_load("philosophers_left_first", {"N": n, "MEALS": 1}), CheckOptions())
        assert ordered.verdict == "holds"
        assert left.verdict == "violated"
