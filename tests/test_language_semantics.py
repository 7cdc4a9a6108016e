"""Pin the semantics of every model-language construct (docs/language.md, "What one step is").

Each test writes a tiny model, then checks exact successor lists, the statements of the
steps taken, and (where the count is small enough to do by hand) the number of reachable
states.  The hand count is written next to the assertion.

States are read through the model (``global_values``, ``frames``, ``describe_state``; the
stored layout is in mmnotif_check/lang/state.py).  Locals, pcs and stacks are part of the
state, so a thread at a different statement is a different state.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from mmnotif_check import CheckOptions, explore
from mmnotif_check.engine.interface import StepFailure
from mmnotif_check.trace.build import build_trace

END_W = "return  # end of w"


def linear_run(model: Any, initial: int = 0) -> tuple[list[str], Any]:
    """Follow a single-threaded model whose every state has exactly one successor.

    Returns the statement text of every step and the last state.
    """
    state = model.initial_states()[initial]
    texts: list[str] = []
    for _ in range(1000):
        trans = model.transitions(state)
        if not trans:
            return texts, state
        assert len(trans) == 1, [(lab.thread, lab.info.text) for lab, _ in trans]
        label, state = trans[0]
        assert not isinstance(state, StepFailure), state
        texts.append(label.info.text)
    raise AssertionError("no end in sight")


def globals_of(model: Any, state: Any) -> tuple[Any, ...]:
    return tuple(model.global_values(state))


# --------------------------------------------------------------------------- assignment


ASSIGN = """
x: int = 0
y: int = 0

def w():
    global x, y
    x = 1
    x += 2
    x, y = y, x
    z: int = 5
    y = y + z

def init():
    spawn(w)
"""


def test_each_assignment_form_is_one_step(kit):
    model = kit.load(ASSIGN)
    s0 = model.initial_states()[0]
    trans = model.transitions(s0)
    assert len(trans) == 1
    label, s1 = trans[0]
    assert (label.thread, label.info.text, label.info.line) == ("w-0", "x = 1", 6)
    assert globals_of(model, s1) == (1, 0)
    texts, last = linear_run(model)
    assert texts == ["x = 1", "x += 2", "x, y = y, x", "z: int = 5", "y = y + z", END_W]
    assert globals_of(model, last) == (0, 8)
    res = kit.explore(ASSIGN)
    # one state per step along a single thread: initial + 6 steps = 7
    assert (res.verdict, res.stats.states, res.stats.transitions, res.stats.max_depth) == ("holds", 7, 6, 6)


def test_two_threads_interleave_statement_by_statement(kit):
    res = kit.explore(
        """
        x: int = 0

        def w():
            global x
            x += 1

        def init():
            spawn(w)
            spawn(w)
        """
    )
    # each thread is at `x += 1`, at its implicit return, or done: 3 * 3 = 9 states
    # (x is determined by the positions).  Each thread that is not done has one step:
    # each thread is not done in 6 of the 9 states -> 12 transitions.
    assert (res.verdict, res.stats.states, res.stats.transitions) == ("holds", 9, 12)


# ------------------------------------------------------------------------- if / elif / else

IF_CHAIN = """
x: int = X
X = 0

def w():
    global x
    if x == 1:
        x = 10
    elif x == 2:
        x = 20
    else:
        x = 30

def init():
    spawn(w)
"""


@pytest.mark.parametrize(
    ("start", "texts", "end"),
    [
        (1, ["if x == 1:", "x = 10", END_W], 10),
        (2, ["if x == 1:", "elif x == 2:", "x = 20", END_W], 20),
        (3, ["if x == 1:", "elif x == 2:", "x = 30", END_W], 30),
    ],
)
def test_if_elif_else_each_test_is_one_step(kit, start, texts, end):
    text = IF_CHAIN.replace("x: int = X\nX = 0", f"X = {start}\nx: int = X")
    model = kit.load(text)
    got, last = linear_run(model)
    assert got == texts
    assert globals_of(model, last) == (end,)
    # a single thread: initial + one state per step
    assert kit.explore(text).stats.states == len(texts) + 1


def test_if_without_else_false_takes_no_extra_step(kit):
    text = """
    x: int = 0

    def w():
        global x
        if x == 1:
            x = 5
        x = 2

    def init():
        spawn(w)
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    assert texts == ["if x == 1:", "x = 2", END_W]
    assert globals_of(model, last) == (2,)
    # initial, after the test, after x = 2, after the return: 4 states
    assert kit.explore(text).stats.states == 4


def test_if_without_else_true_runs_the_branch(kit):
    texts, _ = linear_run(
        kit.load(
            """
            x: int = 1

            def w():
                global x
                if x == 1:
                    x = 5
                x = 2

            def init():
                spawn(w)
            """
        )
    )
    assert texts == ["if x == 1:", "x = 5", "x = 2", END_W]


# ----------------------------------------------------------------------------------- loops


def test_while_tests_once_per_iteration_and_once_more(kit):
    text = """
    x: int = 0

    def w():
        global x
        while x < 2:
            x += 1

    def init():
        spawn(w)
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    assert texts == ["while x < 2:", "x += 1", "while x < 2:", "x += 1", "while x < 2:", END_W]
    assert globals_of(model, last) == (2,)
    # 6 steps on one thread: 7 states
    assert kit.explore(text).stats.states == 7


def test_for_one_step_per_iteration_plus_exit(kit):
    text = """
    x: int = 0

    def w():
        global x
        for i in range(3):
            x += i + 1

    def init():
        spawn(w)
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    head = "for i in range(3):"
    assert texts == [head, "x += i + 1", head, "x += i + 1", head, "x += i + 1", head, END_W]
    assert globals_of(model, last) == (6,)
    # 8 steps on one thread: 9 states
    res = kit.explore(text)
    assert (res.stats.states, res.stats.max_depth) == (9, 8)


def test_for_evaluates_its_sequence_once(kit):
    res = kit.check(
        """
        xs: tuple = (1, 2)
        n: int = 0

        def w():
            global xs, n
            for v in xs:
                xs = xs + (v,)
                n += 1

        def init():
            spawn(w)

        @final
        def two_iterations():
            return n == 2 and xs == (1, 2, 1, 2)
        """
    )
    assert res.verdict == "holds"
    # for, xs=, n+=, for, xs=, n+=, for(exit), return: 8 steps, 9 states
    assert res.states == 9


def test_for_over_tuple_unpacks_targets(kit):
    res = kit.check(
        """
        total: int = 0

        def w():
            global total
            for k, v in enumerate((10, 20)):
                total += k * v

        def init():
            spawn(w)

        @final
        def right_total():
            return total == 20
        """
    )
    assert res.verdict == "holds"


def test_break_is_a_step_and_leaves_the_loop(kit):
    text = """
    x: int = 0

    def w():
        global x
        while True:
            x += 1
            if x == 2:
                break

    def init():
        spawn(w)
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    loop = ["while True:", "x += 1", "if x == 2:"]
    assert texts == [*loop, *loop, "break", END_W]
    assert globals_of(model, last) == (2,)
    # 8 steps: 9 states
    assert kit.explore(text).stats.states == 9


def test_break_out_of_for(kit):
    model = kit.load(
        """
        x: int = 0

        def w():
            global x
            for i in range(5):
                if i == 1:
                    break
                x += 1

        def init():
            spawn(w)
        """
    )
    texts, last = linear_run(model)
    head = "for i in range(5):"
    assert texts == [head, "if i == 1:", "x += 1", head, "if i == 1:", "break", END_W]
    assert globals_of(model, last) == (1,)


def test_continue_is_a_step_and_goes_to_the_loop_head(kit):
    text = """
    x: int = 0

    def w():
        global x
        for i in range(3):
            if i == 1:
                continue
            x += 1

    def init():
        spawn(w)
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    head = "for i in range(3):"
    assert texts == [
        head, "if i == 1:", "x += 1",
        head, "if i == 1:", "continue",
        head, "if i == 1:", "x += 1",
        head, END_W,
    ]
    assert globals_of(model, last) == (2,)
    # 11 steps: 12 states
    assert kit.explore(text).stats.states == 12


def test_pass_is_a_step(kit):
    model = kit.load("def w():\n    pass\n    pass\ndef init():\n    spawn(w)\n")
    texts, _ = linear_run(model)
    assert texts == ["pass", "pass", END_W]


# ------------------------------------------------------------------------------ procedures

CALL = """
x: int = 0

def f(a):
    return a + 1

def w():
    global x
    x = f(41)

def init():
    spawn(w)
"""


def test_call_pushes_and_return_pops_into_the_caller(kit):
    model = kit.load(CALL)
    s0 = model.initial_states()[0]
    assert len(model.frames(s0, 0)) == 1  # one frame
    [(label, s1)] = model.transitions(s0)
    assert label.info.text == "x = f(41)"
    assert len(model.frames(s1, 0)) == 2  # the call step pushed f's frame
    assert globals_of(model, s1) == (0,)  # nothing stored yet
    [(label, s2)] = model.transitions(s1)
    assert label.info.text == "return a + 1"
    assert len(model.frames(s2, 0)) == 1  # popped
    assert globals_of(model, s2) == (42,)  # the return step stored into the caller's target
    texts, _ = linear_run(model)
    assert texts == ["x = f(41)", "return a + 1", END_W]
    # 3 steps: 4 states
    assert kit.explore(CALL).stats.states == 4


def test_return_step_reports_the_callers_store_in_the_trace(kit):
    res = kit.check(
        CALL
        + """
@invariant
def not_42():
    return x != 42
"""
    )
    assert res.verdict == "violated"
    assert res.step_texts() == ["x = f(41)", "return a + 1"]
    assert res.trace.steps[-1].changes == (("x", 0, 42),)


def test_call_statement_and_keyword_and_default_arguments(kit):
    model = kit.load(
        """
        x: int = 0

        def add(a, b=10):
            global x
            x += a + b

        def w():
            add(1)
            add(b=2, a=3)

        def init():
            spawn(w)
        """
    )
    texts, last = linear_run(model)
    end_add = "return  # end of add"
    assert texts == ["add(1)", "x += a + b", end_add, "add(b=2, a=3)", "x += a + b", end_add, END_W]
    assert globals_of(model, last) == (16,)


def test_implicit_return_is_a_step_and_returns_none(kit):
    text = """
    def f():
        pass

    def w():
        y = f()
        assert y is None, "implicit return gives None"

    def init():
        spawn(w)
    """
    model = kit.load(text)
    texts, _ = linear_run(model)
    assert texts == ["y = f()", "pass", "return  # end of f", 'assert y is None, "implicit return gives None"', END_W]
    res = kit.check(text)
    # 5 steps on one thread: 6 states
    assert (res.verdict, res.states) == ("holds", 6)


def test_return_of_a_call_is_call_then_callee_return_then_own_return(kit):
    text = """
    x: int = 0

    def g():
        return 7

    def f():
        return g()

    def w():
        global x
        x = f()

    def init():
        spawn(w)
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    assert texts == ["x = f()", "return g()", "return 7", "return g()", END_W]
    assert globals_of(model, last) == (7,)
    # the stack depths along the way: 1, 2 (f pushed), 3 (g pushed), 2 (g popped), 1, done
    depths = []
    state = model.initial_states()[0]
    while True:
        depths.append(len(model.frames(state, 0)))
        trans = model.transitions(state)
        if not trans:
            break
        state = trans[0][1]
    assert depths == [1, 2, 3, 2, 1, 0]
    # 5 steps: 6 states
    assert kit.explore(text).stats.states == 6


def test_recursive_procedure(kit):
    res = kit.check(
        """
        out: int = 0

        def fact(n):
            if n <= 1:
                return 1
            r = fact(n - 1)
            return n * r

        def w():
            global out
            out = fact(4)

        def init():
            spawn(w)

        @final
        def is_24():
            return out == 24
        """
    )
    assert res.verdict == "holds"


# ---------------------------------------------------------------------------------- atomic

ATOMIC = """
x: int = 0

def f():
    global x
    x += 1
    for i in range(3):
        x += 1

def w():
    global x
    with atomic():
        x = 1
        f()
        x += 10

def init():
    spawn(w)
"""


def test_atomic_block_with_calls_and_loops_is_one_step(kit):
    model = kit.load(ATOMIC)
    texts, last = linear_run(model)
    assert texts == ["with atomic():", END_W]
    assert globals_of(model, last) == (15,)
    # 2 steps: 3 states
    assert kit.explore(ATOMIC).stats.states == 3


def test_atomic_block_trace_shows_one_step_with_all_changes(kit):
    res = kit.check(ATOMIC + "\n@invariant\ndef small():\n    return x < 15\n")
    assert res.verdict == "violated"
    assert res.step_texts() == ["with atomic():"]
    assert res.trace.steps[0].changes == (("x", 0, 15),)


def test_atomic_blocks_of_two_threads_do_not_interleave(kit):
    text = """
    x: int = 0

    def w():
        global x
        with atomic():
            t = x
            x = t + 1

    def init():
        spawn(w)
        spawn(w)

    @final
    def no_lost_update():
        return x == 2
    """
    res = kit.check(text)
    assert res.verdict == "holds"
    # Each thread is before its block (0), at its implicit return with local t (1), or done
    # (d); x is the number of blocks run.  A thread at (1) has t = 0 if it ran first, else 1.
    # (0,0); (1,0) (0,1) (d,0) (0,d): one each; (1,1): t = (0,1) or (1,0): 2;
    # (1,d) and (d,1): the one at its return ran first or second: 2 each; (d,d): 1.
    # 1 + 4 + 2 + 4 + 1 = 12 states (a lost update would need t = (0,0): unreachable).
    assert res.states == 12


def test_atomic_return_inside_block_and_break_inside_block(kit):
    res = kit.check(
        """
        x: int = 0

        def f():
            global x
            with atomic():
                x += 1
                return x

        def w():
            global x
            y = f()
            while True:
                with atomic():
                    x += 10
                    break
            x += y

        def init():
            spawn(w)

        @final
        def done():
            return x == 12
        """
    )
    assert res.verdict == "holds"


# ------------------------------------------------------------------------------ wait_until

WAIT = """
flag: bool = False

def waiter():
    wait_until(flag)

def setter():
    global flag
    flag = True

def init():
    spawn(waiter)
    spawn(setter)
"""


def test_blocked_thread_contributes_no_successor(kit):
    model = kit.load(WAIT)
    s0 = model.initial_states()[0]
    trans = model.transitions(s0)
    assert [(lab.thread, lab.info.text) for lab, _ in trans] == [("setter-1", "flag = True")]
    s1 = trans[0][1]
    assert [lab.thread for lab, _ in model.transitions(s1)] == ["waiter-0", "setter-1"]
    res = kit.explore(WAIT)
    # (waiter, setter) positions: waiter at wait(0)/return(1)/done(d), setter likewise;
    # the waiter can pass only once the setter has run.  Reachable: (0,0) (0,1) (0,d)
    # (1,1) (1,d) (d,1) (d,d) = 7 states; transitions 1+2+1+2+1+1+0 = 8.
    assert (res.verdict, res.stats.states, res.stats.transitions) == ("holds", 7, 8)


def test_wait_until_is_one_step_when_enabled(kit):
    model = kit.load("flag: bool = True\ndef w():\n    wait_until(flag)\ndef init():\n    spawn(w)\n")
    texts, _ = linear_run(model)
    assert texts == ["wait_until(flag)", END_W]


def test_deadlock_is_reported_with_the_blocked_thread(kit):
    res = kit.check(
        """
        x: int = 0

        def w():
            global x
            x = 1
            wait_until(x == 2)

        def init():
            spawn(w, name="stuck")
        """
    )
    assert res.verdict == "violated"
    v = res.result.violation
    assert v.kind == "deadlock"
    assert "stuck" in v.message
    assert [(b.name, b.daemon, b.location[1], b.text) for b in v.blocked] == [
        ("stuck", False, 6, "wait_until(x == 2)")
    ]
    assert res.result.path == (0, 0)
    assert res.step_texts() == ["x = 1"]


def test_deadlock_in_the_initial_state(kit):
    res = kit.check("def w():\n    wait_until(False)\ndef init():\n    spawn(w)\n")
    assert res.kind == "deadlock"
    assert res.result.path == (0,)
    assert res.trace is not None and res.trace.steps == []


def test_deadlock_message_names_non_daemons_and_lists_all_blocked(kit):
    res = kit.check(
        """
        x: int = 0

        def w():
            wait_until(x == 1)

        def init():
            spawn(w, name="a")
            spawn(w, name="d", daemon=True)
        """
    )
    v = res.result.violation
    assert v.kind == "deadlock"
    assert v.message.endswith("and a has not returned")  # daemons are not named
    assert [(b.name, b.daemon) for b in v.blocked] == [("a", False), ("d", True)]


def test_no_deadlock_check_option(kit):
    res = kit.explore("def w():\n    wait_until(False)\ndef init():\n    spawn(w)\n", check_deadlock=False)
    assert res.verdict == "holds"


# ---------------------------------------------------------------------- atomic guard blocking

GUARDED = """
x: int = 0

def a():
    global x
    with atomic():
        wait_until(x == 1)
        x = 2

def b():
    global x
    x = 1

def init():
    spawn(a)
    spawn(b)

@final
def ends_at_2():
    return x == 2
"""


def test_atomic_block_blocks_on_its_leading_wait_until(kit):
    model = kit.load(GUARDED)
    s0 = model.initial_states()[0]
    assert [lab.thread for lab, _ in model.transitions(s0)] == ["b-1"]
    res = kit.check(GUARDED)
    assert res.verdict == "holds"
    # a: before block(0) / at return(1) / done; b: x = 1 (0) / return (1) / done.
    # a can run only after b's step.  (0,0) (0,1) (0,d) (1,1) (1,d) (d,1) (d,d) = 7
    assert res.states == 7


def test_atomic_guard_deadlock_names_the_block_and_its_guard(kit):
    res = kit.check(GUARDED.replace("    spawn(b)\n", ""))
    v = res.result.violation
    assert v.kind == "deadlock"
    assert [(b.name, b.text) for b in v.blocked] == [("a-0", "with atomic(): wait_until(x == 1)")]


def test_atomic_block_blocks_when_a_procedure_it_calls_first_blocks(kit):
    text = """
    locked: bool = LOCKED_INIT
    x: int = 0

    def acquire():
        global locked
        wait_until(not locked)
        locked = True

    def w():
        global x
        with atomic():
            acquire()
            x += 1

    def init():
        spawn(w)
    """
    free = text.replace("LOCKED_INIT", "False")
    model = kit.load(free)
    texts, last = linear_run(model)
    assert texts == ["with atomic():", END_W]
    assert globals_of(model, last) == (True, 1)
    held = text.replace("LOCKED_INIT", "True")
    res = kit.check(held)
    assert res.kind == "deadlock"
    assert res.result.path == (0,)


def test_comments_and_global_are_not_steps(kit):
    model = kit.load(
        """
        x: int = 0

        def w():
            "a string comment"
            global x
            x = 1
            "another comment"
            x = 2

        def init():
            spawn(w)
        """
    )
    texts, last = linear_run(model)
    assert texts == ["x = 1", "x = 2", END_W]
    assert globals_of(model, last) == (2,)


@pytest.mark.parametrize("leader", ['"take the guard"', "global x"])
def test_wait_until_after_a_comment_or_global_is_still_first_in_the_block(kit, leader):
    """Comments and ``global`` are not steps (docs/language.md), so the ``wait_until`` after
    them is the block's first statement.

    Regression (fixed): the compiler rejects this with "wait_until may only be the first
    statement of a 'with atomic()' block".
    """
    res = kit.check(
        f"""
        x: int = 0

        def w():
            global x
            with atomic():
                {leader}
                wait_until(x == 1)
                x = 2

        def init():
            spawn(w)
        """
    )
    assert res.kind == "deadlock"
    assert res.result.path == (0,)


def test_wait_until_blocking_after_a_write_in_an_atomic_block_is_an_error(kit):
    res = kit.check(
        """
        x: int = 0

        def f():
            global x
            x = 1
            wait_until(x == 2)

        def w():
            with atomic():
                f()

        def init():
            spawn(w)
        """
    )
    v = res.result.violation
    assert v.kind == "error"
    assert "wait_until blocked in the middle of an atomic block" in v.message
    assert v.location[1] == 6  # the wait_until inside f
    assert res.trace.steps[-1].failed
    assert res.step_texts() == ["with atomic():"]


# ----------------------------------------------------------------------------------- choose


def test_choose_one_successor_per_value_in_argument_order(kit):
    text = """
    x: int = 0

    def w():
        global x
        x = choose(3, 1, 2)

    def init():
        spawn(w)
    """
    model = kit.load(text)
    trans = model.transitions(model.initial_states()[0])
    assert [lab.choices for lab, _ in trans] == [(0,), (1,), (2,)]
    assert [globals_of(model, s) for _, s in trans] == [(3,), (1,), (2,)]
    # initial, 3 after the choose, 3 after the returns: 7
    res = kit.explore(text)
    assert (res.stats.states, res.stats.transitions) == (7, 6)


def test_choose_over_range_and_over_a_sequence(kit):
    model = kit.load(
        """
        xs: tuple = (5, 7)
        a: int = -1
        b: int = -1

        def w():
            global a, b
            a = choose(range(4))
            b = choose(xs)

        def init():
            spawn(w)
        """
    )
    trans = model.transitions(model.initial_states()[0])
    assert [globals_of(model, s)[1] for _, s in trans] == [0, 1, 2, 3]
    trans2 = model.transitions(trans[0][1])
    assert [globals_of(model, s)[2] for _, s in trans2] == [5, 7]


def test_several_chooses_in_one_step_come_in_lexicographic_order(kit):
    model = kit.load(
        """
        a: int = -1
        b: int = -1

        def w():
            global a, b
            with atomic():
                a = choose(1, 2)
                b = choose(range(a))

        def init():
            spawn(w)
        """
    )
    trans = model.transitions(model.initial_states()[0])
    # b's range depends on a: a=1 -> b in {0}; a=2 -> b in {0, 1}
    assert [lab.choices for lab, _ in trans] == [(0, 0), (1, 0), (1, 1)]
    assert [globals_of(model, s) for _, s in trans] == [(1, 0), (2, 0), (2, 1)]


def test_successors_are_ordered_by_thread_then_choice(kit):
    model = kit.load(
        """
        x: int = 0
        y: int = 0

        def p():
            global x
            x = choose(1, 2)

        def q():
            global y
            y = choose(3, 4)

        def init():
            spawn(p)
            spawn(q)
        """
    )
    trans = model.transitions(model.initial_states()[0])
    assert [(lab.thread, lab.choices, globals_of(model, s)) for lab, s in trans] == [
        ("p-0", (0,), (1, 0)),
        ("p-0", (1,), (2, 0)),
        ("q-1", (0,), (0, 3)),
        ("q-1", (1,), (0, 4)),
    ]


def test_choose_over_nothing_is_an_error(kit):
    res = kit.check("def w():\n    x = choose(range(0))\ndef init():\n    spawn(w)\n")
    v = res.result.violation
    assert (v.kind, v.location[1]) == ("error", 2)
    assert "choose() over an empty sequence" in v.message


def test_choose_in_if_condition(kit):
    model = kit.load(
        """
        x: int = 0

        def w():
            global x
            if choose(True, False):
                x = 1

        def init():
            spawn(w)
        """
    )
    trans = model.transitions(model.initial_states()[0])
    assert len(trans) == 2
    assert [model.transitions(s)[0][0].info.text for _, s in trans] == ["x = 1", END_W]


# ------------------------------------------------------------------------------ init/choose


def test_init_with_choose_gives_one_initial_state_per_pick(kit):
    model = kit.load(
        """
        x: int = 0
        y: int = 0

        def init():
            global x, y
            x = choose(0, 1)
            y = choose(5, 6)
        """
    )
    assert [globals_of(model, s) for s in model.initial_states()] == [(0, 5), (0, 6), (1, 5), (1, 6)]


def test_init_duplicate_picks_are_merged_in_order(kit):
    text = """
    x: int = 0

    def init():
        global x
        x = choose(2, 1, 2, 1)
    """
    model = kit.load(text)
    assert [globals_of(model, s) for s in model.initial_states()] == [(2,), (1,)]
    # no threads: every initial state is terminal, nothing else is reachable
    assert kit.explore(text).stats.states == 2


def test_invariant_violated_in_one_initial_state(kit):
    res = kit.check(
        """
        x: int = 0

        def init():
            global x
            x = choose(1, 2, 3)

        @invariant
        def not_three():
            \"\"\"x is three\"\"\"
            return x != 3
        """
    )
    v = res.result.violation
    assert (v.kind, v.property, v.message) == ("invariant", "not_three", "x is three")
    assert res.result.path == (2,)
    assert res.trace.steps == []
    assert res.trace.initial["globals"] == {"x": 3}


def test_init_runs_atomically_with_loops_and_spawns(kit):
    model = kit.load(
        """
        n: int = 0

        def w():
            pass

        def init():
            global n
            for i in range(3):
                spawn(w)
                n += 1
        """
    )
    [s0] = model.initial_states()
    assert globals_of(model, s0) == (3,)
    assert model.thread_names(s0) == ["w-0", "w-1", "w-2"]


def test_blocked_init_is_an_error(kit):
    """Regression (fixed): crashes with IndexError in trace/build.py ``reproduces`` (see
    test_error_in_init_is_reported)."""
    res = kit.check("x: int = 0\ndef init():\n    wait_until(x == 1)\n")
    assert res.verdict == "violated"
    assert res.kind == "error"
    assert "init() blocked" in res.result.violation.message


def test_error_in_init_is_reported(kit):
    """A run-time error in init() is a violation of kind 'error' with no steps.

    Regression (fixed): ``runner.check_model`` calls ``build_trace(model, (), violation)``, whose
    ``reproduces`` evaluates ``states[-1]`` on an empty list before reaching its init-failure
    branch: IndexError (the CLI prints a traceback).
    """
    res = kit.check("x: int = 0\ndef init():\n    global x\n    x = 1 // x\n")
    assert (res.verdict, res.kind) == ("violated", "error")
    assert "division by zero" in res.result.violation.message
    assert res.result.violation.location[1] == 4


def test_error_in_init_is_not_holds_through_the_public_explore(kit):
    """``explore(load_model(...))`` must not claim HOLDS for a model whose init() fails.

    Regression (fixed): the engine sees zero initial states and returns verdict 'holds' with 0
    states; only mmnotif_check.runner.check_model (the CLI path) looks at init_failure.
    """
    res = kit.explore("x: int = 0\ndef init():\n    global x\n    x = 1 // x\n")
    assert res.verdict == "violated"
    assert res.violation is not None and res.violation.kind == "error"


# ------------------------------------------------------------------------- threads / spawn


def test_spawn_ids_names_and_me(kit):
    text = """
    ids: tuple = (-1, -1, -1)

    def w():
        global ids
        ids[me()] = me()

    def starter():
        global ids
        t = spawn(w)
        ids[0] = t

    def init():
        a = spawn(starter, name="boss")
        b = spawn(w)
        assert (a, b) == (0, 1), "spawn returns the spawn order index"

    @final
    def all_ran():
        return ids == (2, 1, 2)
    """
    model = kit.load(text)
    s0 = model.initial_states()[0]
    assert model.thread_names(s0) == ["boss", "w-1"]
    trans = model.transitions(s0)
    assert [(lab.thread, lab.info.text) for lab, _ in trans] == [("boss", "t = spawn(w)"), ("w-1", "ids[me()] = me()")]
    assert model.thread_names(trans[0][1]) == ["boss", "w-1", "w-2"]
    assert kit.check(text).verdict == "holds"


def test_spawn_in_a_thread_is_one_step(kit):
    res = kit.explore(
        """
        def w():
            pass

        def starter():
            spawn(w)

        def init():
            spawn(starter)
        """
    )
    # (starter, w): (spawn) ; (ret, pass) (done, pass) (ret, ret) (done, ret) (ret, done)
    # (done, done) -> 1 + 6 = 7 states
    assert res.stats.states == 7


def test_duplicate_thread_name_is_an_error(kit):
    res = kit.check(
        """
        def w():
            pass

        def starter():
            spawn(w, name="t")
            spawn(w, name="t")

        def init():
            spawn(starter)
        """
    )
    assert res.step_texts() == ['spawn(w, name="t")', 'spawn(w, name="t")']
    assert res.kind == "error"
    assert "already exists" in res.result.violation.message


def test_daemon_blocked_forever_is_not_a_deadlock(kit):
    res = kit.check(
        """
        x: int = 0

        def d():
            wait_until(x == 5)

        def w():
            global x
            x = 1

        def init():
            spawn(d, daemon=True)
            spawn(w)

        @final
        def set_once():
            return x == 1
        """
    )
    assert res.verdict == "holds"
    # only w moves: x = 1, return -> 3 states
    assert res.states == 3


def test_state_is_terminal_when_all_non_daemons_returned(kit):
    model = kit.load("def d():\n    wait_until(False)\ndef w():\n    pass\ndef init():\n    spawn(d, daemon=True)\n    spawn(w)\n")
    s0 = model.initial_states()[0]
    assert not model.is_terminal(s0)
    texts, last = linear_run(model)
    assert texts == ["pass", END_W]
    assert model.is_terminal(last)


def test_final_is_checked_only_in_terminal_states(kit):
    text = """
    x: int = 0

    def w():
        global x
        x = 1
        x = GOAL

    def init():
        spawn(w)

    @final
    def ends_at_2():
        \"\"\"x did not end at 2\"\"\"
        return x == 2
    """
    ok = kit.check(text.replace("GOAL", "2"))
    assert ok.verdict == "holds"  # x == 1 in between is fine: that state is not terminal
    bad = kit.check(text.replace("GOAL", "3"))
    v = bad.result.violation
    assert (v.kind, v.property, v.message) == ("final", "ends_at_2", "x did not end at 2")
    # the violation shows up once the thread has returned
    assert bad.step_texts() == ["x = 1", "x = 3", END_W]


def test_final_is_checked_while_daemons_still_step(kit):
    res = kit.check(
        """
        x: int = 0

        def d():
            global x
            while True:
                x = 1 - x

        def w():
            pass

        def init():
            spawn(d, daemon=True)
            spawn(w)

        @final
        def x_zero():
            return x == 0
        """
    )
    assert (res.verdict, res.kind) == ("violated", "final")


# ------------------------------------------------------------------------------- objects


def test_new_objects_and_field_access(kit):
    text = """
    class Node:
        val: int = 0
        next: Node | None = None
        tag: str

    head: Node | None = None

    def w():
        global head
        a = new(Node, val=1)
        b = new(Node, val=2, next=a)
        head = b
        b.next.val = 10

    def init():
        spawn(w)

    @final
    def linked():
        nodes = objects(Node)
        return (
            head.val == 2 and head.next.val == 10 and head.next.next is None
            and len(nodes) == 2 and nodes[0].val == 10 and nodes[1] is head
            and nodes[0].tag == ""
        )
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    assert texts == ["a = new(Node, val=1)", "b = new(Node, val=2, next=a)", "head = b", "b.next.val = 10", END_W]
    assert model.describe_state(last)["objects"] == {
        "Node#0": {"val": 10, "next": None, "tag": ""},
        "Node#1": {"val": 2, "next": "Node#0", "tag": ""},
    }
    res = kit.check(text)
    # 5 steps: 6 states
    assert (res.verdict, res.states) == ("holds", 6)


def test_new_as_a_statement_is_one_step(kit):
    res = kit.check(
        """
        class C:
            v: int = 0

        def w():
            new(C)
            new(C, v=1)

        def init():
            spawn(w)

        @final
        def two():
            return len(objects(C)) == 2 and objects(C)[1].v == 1
        """
    )
    assert (res.verdict, res.states) == ("holds", 4)


# ------------------------------------------------------------------------ item assignment


def test_item_assignment_into_fields_globals_and_locals(kit):
    text = """
    class S:
        flag: tuple = (False, False)

    g: tuple = (0, 0, 0)
    loc_seen: tuple = ()

    def w(i):
        global g, loc_seen
        s = new(S)
        s.flag[i] = True
        g[i] = 7
        loc = (1, 2, 3)
        loc[i] = 9
        loc_seen = loc

    def init():
        spawn(w, 1)

    @final
    def stored():
        return objects(S)[0].flag == (False, True) and g == (0, 7, 0) and loc_seen == (1, 9, 3)
    """
    model = kit.load(text)
    texts, _ = linear_run(model)
    assert texts == ["s = new(S)", "s.flag[i] = True", "g[i] = 7", "loc = (1, 2, 3)", "loc[i] = 9", "loc_seen = loc", END_W]
    assert kit.check(text).verdict == "holds"


def test_item_assignment_out_of_range_is_an_error(kit):
    res = kit.check("g: tuple = (0, 0)\ndef w():\n    global g\n    g[2] = 1\ndef init():\n    spawn(w)\n")
    v = res.result.violation
    assert (v.kind, v.location[1]) == ("error", 4)
    assert "out of range" in v.message


def test_nested_item_assignment(kit):
    res = kit.check(
        """
        grid: tuple = ((0, 0), (0, 0))

        def w():
            global grid
            grid[1][0] = 5

        def init():
            spawn(w)

        @final
        def set_one():
            return grid == ((0, 0), (5, 0))
        """
    )
    assert res.verdict == "holds"


# ------------------------------------------------------------------ expressions and builtins


def test_comprehensions_and_builtins(kit):
    text = """
    def w():
        xs = (3, 1, 2)
        assert [x * 2 for x in xs] == (6, 2, 4), "list comprehension makes a tuple"
        assert tuple(x for x in xs if x > 1) == (3, 2), "generator expression"
        assert [(a, b) for a in range(2) for b in range(a)] == ((1, 0),), "nested comprehension"
        assert all(x > 0 for x in xs) and not any(x > 5 for x in xs), "all/any"
        assert len(xs) == 3 and min(xs) == 1 and max(xs) == 3 and sum(xs) == 6, "len/min/max/sum"
        assert max(1, 5, 3) == 5 and min(4, 2) == 2 and sum(xs, 10) == 16, "varargs"
        assert range(1, 7, 2) == (1, 3, 5) and range(3) == (0, 1, 2), "range makes a tuple"
        assert sorted(xs) == (1, 2, 3) and reversed(xs) == (2, 1, 3), "sorted/reversed"
        assert enumerate((7, 8)) == ((0, 7), (1, 8)) and zip((1, 2), (3, 4)) == ((1, 3), (2, 4)), "enumerate/zip"
        assert [1, 2] == (1, 2) and list(xs) == xs and tuple(xs) == xs, "lists are tuples"
        assert remove((1, 2, 1), 1) == (2, 1) and discard((1, 2), 5) == (1, 2), "remove/discard"
        assert append(xs, 4) == (3, 1, 2, 4) and index(xs, 2) == 2, "append/index"
        assert abs(-3) == 3 and bool(0) is False and int(True) == 1 and str(12) == "12", "casts"
        assert f"{xs[0]}-{len(xs)}" == "3-3", "f-string"
        assert xs[1:] == (1, 2) and xs[::-1] == (2, 1, 3), "slices"
        assert 7 // 2 == 3 and 7 % 3 == 1 and 2 ** 5 == 32 and 1 << 3 == 8 and (6 & 3, 6 | 1, 6 ^ 3, ~0) == (2, 7, 5, -1), "arithmetic"
        assert (1 if len(xs) == 3 else 2) == 1 and 2 in xs and 9 not in xs, "conditional, in"

    def init():
        spawn(w)
    """
    res = kit.check(text)
    assert res.verdict == "holds", res.result.violation
    # xs = ..., 17 asserts, return: 19 steps on one thread -> 20 states
    assert res.states == 20


def test_fixed_width_stores_wrap(kit):
    text = """
    class S:
        v: u8 = 0
        sv: s8 = 0

    g: u8 = 255
    h: u16 = 0

    def w():
        global g, h
        s = new(S)
        s.v = 256
        s.sv = 128
        g += 1
        h = 65537

    def init():
        spawn(w)

    @final
    def wrapped():
        s = objects(S)[0]
        return s.v == 0 and s.sv == -128 and g == 0 and h == 1 and u8(300) == 44 and s8(255) == -1
    """
    model = kit.load(text)
    _, last = linear_run(model)
    assert globals_of(model, last) == (0, 1)
    assert model.describe_state(last)["objects"]["S#0"] == {"v": 0, "sv": -128}
    assert kit.check(text).verdict == "holds"


def test_global_initial_value_wraps(kit):
    model = kit.load("g: u8 = 257\n")
    assert globals_of(model, model.initial_states()[0]) == (1,)


def test_pure_function_call_is_not_a_step(kit):
    text = """
    x: int = 0

    @pure
    def tri(n):
        t = 0
        for i in range(n + 1):
            if i % 2 == 0:
                continue
            t += i
        return t

    def w():
        global x
        x = tri(5) + tri(1)

    def init():
        spawn(w)

    @invariant
    def small():
        return tri(x) < 100
    """
    model = kit.load(text)
    texts, last = linear_run(model)
    assert texts == ["x = tri(5) + tri(1)", END_W]
    assert globals_of(model, last) == (10,)
    res = kit.check(text)
    # 2 steps: 3 states
    assert (res.verdict, res.states) == ("holds", 3)


def test_pure_function_may_read_globals_and_objects(kit):
    res = kit.check(
        """
        class C:
            v: int = 0

        limit: int = 3

        @pure
        def total():
            return sum(c.v for c in objects(C))

        def w():
            c = new(C, v=2)
            d = new(C, v=2)

        def init():
            spawn(w)

        @invariant
        def bounded():
            \"\"\"too much\"\"\"
            return total() <= limit
        """
    )
    assert (res.kind, res.result.violation.message) == ("invariant", "too much")
    assert res.step_texts() == ["c = new(C, v=2)", "d = new(C, v=2)"]


# ------------------------------------------------------------------------------ properties


def test_invariant_checked_in_the_initial_state(kit):
    res = kit.check(
        """
        x: int = 5

        def w():
            pass

        def init():
            spawn(w)

        @invariant
        def below_five():
            \"\"\"x reached five\"\"\"
            return x < 5
        """
    )
    v = res.result.violation
    assert (res.verdict, v.kind, v.property, v.message) == ("violated", "invariant", "below_five", "x reached five")
    assert res.result.path == (0,)
    assert res.states == 1
    assert res.trace.steps == []


def test_invariant_without_docstring_has_a_default_message(kit):
    res = kit.check("x: int = 1\n@invariant\ndef zero():\n    return x == 0\n")
    assert res.result.violation.message == "invariant zero is false"


def test_invariant_found_at_shortest_depth_with_bfs(kit):
    res = kit.check(
        """
        x: int = 0
        y: int = 0

        def a():
            global x
            x = 1
            x = 2
            x = 3

        def b():
            global y
            y = 1

        def init():
            spawn(a)
            spawn(b)

        @invariant
        def not_both():
            return not (x >= 1 and y == 1)
        """
    )
    # initial state, a's step (successor 0), then b's step (successor 1 of that state)
    assert res.result.path == (0, 0, 1)
    assert res.step_texts() == ["x = 1", "y = 1"]


def test_bfs_reports_the_shortest_violation_over_all_kinds(kit):
    res = kit.check(
        """
        x: int = 0

        def a():
            global x
            x = 1
            x = 2
            x = 3

        def b():
            pass
            assert False, "b failed"

        def init():
            spawn(a)
            spawn(b)

        @invariant
        def below_three():
            return x < 3
        """
    )
    # the assert fails after 2 steps of b; the invariant needs 3 steps of a
    assert (res.kind, res.result.violation.property) == ("assert", "b failed")
    assert len(res.trace.steps) == 2


def test_property_selection(kit):
    text = """
    x: int = 1

    @invariant
    def p():
        return x == 0

    @invariant
    def q():
        return x == 1
    """
    assert kit.explore(text, properties=frozenset({"q"})).verdict == "holds"
    assert kit.explore(text, properties=frozenset({"p"})).verdict == "violated"


# -------------------------------------------------------------------------- run-time errors

ERRORS = [
    (
        "none-deref-write",
        """
        class S:
            v: int = 0

        def w():
            s = None
            s.v = 1
        """,
        "s.v = 1",
        "None dereference",
    ),
    (
        "none-deref-read",
        """
        class S:
            v: int = 0

        g: S | None = None

        def w():
            y = g.v
        """,
        "y = g.v",
        "None dereference",
    ),
    (
        "none-deref-local-read",
        """
        class S:
            v: int = 0

        def w():
            s = None
            y = s.v
        """,
        "y = s.v",
        "None dereference",
    ),
    (
        "index-out-of-range",
        """
        xs: tuple = (1, 2)

        def w():
            y = xs[2]
        """,
        "y = xs[2]",
        "index out of range",
    ),
    (
        "division-by-zero",
        """
        def w():
            z = 0
            y = 10 // z
        """,
        "y = 10 // z",
        "division by zero",
    ),
    (
        "modulo-by-zero",
        """
        def w():
            z = 0
            y = 10 % z
        """,
        "y = 10 % z",
        "division by zero",
    ),
    (
        "int-into-bool-field",
        """
        class S:
            flag: bool = False

        def w():
            s = new(S)
            s.flag = 1
        """,
        "s.flag = 1",
        "expected a bool",
    ),
    (
        "str-into-int-global",
        """
        n: int = 0

        def w():
            global n
            n = "one"
        """,
        'n = "one"',
        "expected an int",
    ),
    (
        "remove-missing",
        """
        def w():
            y = remove((1, 2), 3)
        """,
        "y = remove((1, 2), 3)",
        "remove()",
    ),
]


@pytest.mark.parametrize(("name", "body", "failing", "phrase"), ERRORS, ids=[e[0] for e in ERRORS])
def test_run_time_error_is_kind_error_and_the_trace_ends_at_the_statement(kit, name, body, failing, phrase):
    text = textwrap.dedent(body) + "\ndef init():\n    spawn(w)\n"
    res = kit.check(text)
    assert res.verdict == "violated"
    v = res.result.violation
    assert v.kind == "error", v
    assert phrase in v.message
    assert v.text == failing
    assert v.thread == "w-0"
    last = res.trace.steps[-1]
    assert last.failed and last.text == failing
    assert last.line == v.location[1]
    assert all(not s.failed for s in res.trace.steps[:-1])


def test_run_time_error_inside_an_atomic_call_points_at_the_inner_statement(kit):
    res = kit.check(
        """
        def f(d):
            y = 1 // d

        def w():
            with atomic():
                f(0)

        def init():
            spawn(w)
        """
    )
    v = res.result.violation
    assert (v.kind, v.text, v.location[1]) == ("error", "y = 1 // d", 2)
    assert res.step_texts() == ["with atomic():"]
    assert res.trace.steps[-1].failed


def test_assert_failure_is_kind_assert_with_its_message(kit):
    res = kit.check(
        """
        x: int = 0

        def w():
            global x
            x = 1
            assert x == 2, f"x is {x}"

        def init():
            spawn(w)
        """
    )
    v = res.result.violation
    assert (res.verdict, v.kind, v.property, v.message) == ("violated", "assert", "x is 1", "x is 1")
    assert res.step_texts() == ["x = 1", 'assert x == 2, f"x is {x}"']
    assert res.trace.steps[-1].failed
    assert res.result.path == (0, 0, 0)


def test_assert_without_message(kit):
    res = kit.check("def w():\n    x = 1\n    assert x == 2\ndef init():\n    spawn(w)\n")
    assert res.kind == "assert"
    assert "x == 2" in res.result.violation.message


def test_error_paths_replay_with_build_trace(kit):
    model = kit.load("def w():\n    z = choose(1, 0)\n    y = 1 // z\ndef init():\n    spawn(w)\n")
    res = explore(model, CheckOptions())
    assert res.path == (0, 1, 0)
    trace = build_trace(model, res.path, res.violation)
    assert [s.text for s in trace.steps] == ["z = choose(1, 0)", "y = 1 // z"]
    assert trace.steps[0].choices == (1,)


# ------------------------------------------------------------------------ state identity


