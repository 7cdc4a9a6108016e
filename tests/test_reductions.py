"""The reductions, the stores and symmetry: fewer states, the same verdicts, literal traces.

Counts here are exact (the search is deterministic); the point of each test is written
next to it.  The random-model tests in test_property_random_models.py compare every
reduction with the literal semantics on many generated models.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmnotif_check import CheckOptions, explore, load_model
from mmnotif_check.cli import cli
from mmnotif_check.engine.result import HOLDS, VIOLATED
from mmnotif_check.engine.store import FingerprintStore
from mmnotif_check.runner import check_model
from mmnotif_check.trace.build import build_trace

REPO = Path(__file__).resolve().parent.parent
SEQLOCK = REPO / "bench" / "seqlock.py"
MODELS = Path(__file__).parent / "models"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


# ------------------------------------------------------------------- partial order


def test_seqlock_literal_count_matches_the_hand_written_search():
    """bench/seqlock_hand.py explores bench/seqlock.py statement by statement by hand."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    import seqlock_hand

    states, transitions, _, _ = seqlock_hand.search(1, 1, "model")
    r = explore(load_model(str(SEQLOCK), {"NR": 1, "NW": 1}), CheckOptions(reduction="none"))
    assert (r.verdict, r.stats.states, r.stats.transitions) == (HOLDS, states, transitions)


@pytest.mark.parametrize("reduction", ["local", "por"])
def test_reductions_shrink_the_seqlock_and_keep_its_verdict(reduction):
    model = load_model(str(SEQLOCK), {"NR": 2, "NW": 1})
    literal = explore(model, CheckOptions(reduction="none"))
    reduced = explore(model, CheckOptions(reduction=reduction))
    assert literal.verdict == reduced.verdict == HOLDS
    assert reduced.stats.states < literal.stats.states
    assert reduced.stats.reduction == reduction


LOCKED_SECTIONS = """
from mmnotif_check.kernel.locks import Mutex, mutex_lock, mutex_unlock

class Box:
    a: int = 0
    b: int = 0
    m: Mutex = None

def worker(box):
    mutex_lock(box.m)
    box.a = box.a + 1
    box.b = box.b + 1
    box.a = box.a + 1
    box.b = box.b + 1
    mutex_unlock(box.m)

def init():
    box = new(Box, m=new(Mutex))
    spawn(worker, box)
    spawn(worker, box)

@final
def both_ran():
    return all(x.a == 4 and x.b == 4 for x in objects(Box))
"""


def test_a_section_under_a_held_lock_is_one_transition(kit):
    """Inside the critical section nothing another thread can do before the unlock
    conflicts (its accesses to the box need the mutex first), so the section's statements
    merge into the step that follows the acquire: the reduced graph interleaves only the
    lock operations."""
    model = kit.load(LOCKED_SECTIONS)
    literal = explore(model, CheckOptions(reduction="none"))
    local = explore(model, CheckOptions(reduction="local"))
    por = explore(model, CheckOptions(reduction="por"))
    assert literal.verdict == local.verdict == por.verdict == HOLDS
    assert por.stats.states < local.stats.states <= literal.stats.states
    # a thread's section (4 assignments and the unlock) never interleaves with the other
    # thread's: far fewer states than statements of the two threads combined
    assert por.stats.states <= 20


def test_a_reduced_counterexample_replays_step_by_step(kit):
    """The path of a violation found under por is a path of literal steps."""
    text = LOCKED_SECTIONS.replace("return all(x.a == 4 and x.b == 4", "return all(x.a != 4")
    model = kit.load(text)
    out = check_model(model, CheckOptions(reduction="por"))
    assert out.result.verdict == VIOLATED and out.trace is not None
    literal = explore(model, CheckOptions(reduction="none"))
    assert len(out.trace.steps) == len(literal.path) - 1  # the shortening confirmed the length
    assert out.result.shortest
    again = build_trace(model, out.result.path, out.result.violation)  # literal replay
    assert [s.text for s in again.steps] == [s.text for s in out.trace.steps]


def test_shortest_searches_without_a_budget(kit):
    text = LOCKED_SECTIONS.replace("return all(x.a == 4 and x.b == 4", "return all(x.a != 4")
    res = kit.explore(text, reduction="por", shortest=True)
    assert res.verdict == VIOLATED and res.shortest
    assert dict(res.stats.extra)["shortening_states"] > 0


# ------------------------------------------------------------------------ stores


@pytest.mark.parametrize("model", ["peterson", "philosophers_ordered", "producer_consumer"])
def test_the_fingerprint_store_stores_what_the_exact_store_stores(model):
    m = load_model(str(MODELS / f"{model}.py"), {})
    exact = explore(m, CheckOptions(reduction="none", store="exact"))
    fp = explore(m, CheckOptions(reduction="none", store="fingerprint"))
    assert (exact.stats.states, exact.stats.transitions) == (fp.stats.states, fp.stats.transitions)
    assert exact.stats.omission_probability is None
    n = fp.stats.states
    assert fp.stats.omission_probability == pytest.approx(n * (n - 1) / 2**65)


def test_omission_probability_grows_with_the_square_of_the_states():
    store = FingerprintStore()
    for k in range(1000):
        store.add((k,))
    assert store.omission_probability() == pytest.approx(1000 * 999 / 2**65)


def test_the_report_names_store_reduction_and_probability():
    result = run("verify", MODELS / "peterson.py", "--json")
    report = json.loads(result.stdout)
    assert report["options"]["store"] == "fingerprint" and report["stats"]["store"] == "fingerprint"
    assert report["stats"]["reduction"] == "por"
    assert 0 < report["stats"]["omission_probability"] < 1e-9


# ---------------------------------------------------------------------- symmetry

SYMMETRIC = """
from mmnotif_check.kernel.locks import Mutex, mutex_lock, mutex_unlock

N = 3

class Counter:
    v: int = 0
    m: Mutex = None

class Job:
    n: int = 0

c: Counter = None

def worker(job):
    global c
    i = 0
    while i < 2:
        mutex_lock(c.m)
        t = c.v
        c.v = (t + 1) % 5
        mutex_unlock(c.m)
        job.n += 1
        i += 1

def init():
    global c
    c = new(Counter, m=new(Mutex))
    for k in range(N):
        spawn(worker, new(Job), name=f"w{k}")

@invariant
def bounded():
    return all(j.n <= 2 for j in objects(Job))

@final
def all_done():
    return all(j.n == 2 for j in objects(Job)) and c.v == (2 * N) % 5
"""


@pytest.mark.parametrize("reduction", ["none", "por"])
def test_symmetry_stores_one_state_per_class_of_swapped_states(kit, reduction):
    model = kit.load(SYMMETRIC)
    plain = explore(model, CheckOptions(reduction=reduction, store="exact"))
    sym = explore(model, CheckOptions(reduction=reduction, store="exact", symmetry=True))
    assert plain.verdict == sym.verdict == HOLDS
    # three interchangeable workers: up to 3! = 6 states per class
    assert plain.stats.states / 6 <= sym.stats.states < plain.stats.states / 3
    assert "symmetry: 5 permutations of 3 interchangeable threads" in sym.stats.notes


def test_a_symmetric_counterexample_is_a_real_execution(kit, tmp_path):
    text = SYMMETRIC.replace("and c.v == (2 * N) % 5", "and c.v != (2 * N) % 5")
    path = kit.write(text)
    out = tmp_path / "trace.json"
    result = run("verify", path, "--symmetry", "--trace-out", out)
    assert result.exit_code == 1, result.output
    assert json.loads(out.read_text())["property"] == "all_done"
    replayed = run("replay", out)
    assert replayed.exit_code == 1, replayed.output
    assert "replay confirmed" in replayed.output


SPAWNERS = """
class Job:
    n: int = 0

def helper(job):
    job.n += 1

def worker(job):
    spawn(helper, job, name=f"helper{me()}")
    job.n += 1

def init():
    for k in range(3):
        spawn(worker, new(Job), name=f"w{k}")

@final
def all_done():
    return all(j.n == 2 for j in objects(Job))
"""


def test_threads_named_after_their_spawner_do_not_break_symmetry(kit, tmp_path):
    # each worker spawns a helper named after its own thread id: a representative of a
    # class of swapped states must not have helper names that clash (a false "a thread
    # named ... already exists") nor name a helper after the wrong worker in a trace
    model = kit.load(SPAWNERS)
    plain = explore(model, CheckOptions(reduction="none", store="exact"))
    sym = explore(model, CheckOptions(reduction="none", store="exact", symmetry=True))
    assert plain.verdict == sym.verdict == HOLDS, sym.violation
    assert sym.stats.states < plain.stats.states / 3
    out = tmp_path / "trace.json"
    result = run("verify", kit.write(SPAWNERS.replace("j.n == 2", "j.n != 2")), "--symmetry", "--trace-out", out)
    assert result.exit_code == 1, result.output
    steps = json.loads(out.read_text())["trace"]
    # every helper step is named after the worker that spawned it, as the literal run names it
    spawner = {c["name"].removeprefix("thread "): s["thread"] for s in steps for c in s["changes"]
               if c["new"] == "spawned"}
    tids = {f"w{k}": k for k in range(3)}
    assert spawner and all(name == f"helper{tids[w]}" for name, w in spawner.items()), spawner
    assert "replay confirmed" in run("replay", out).output


def test_symmetry_is_off_when_a_property_looks_at_object_order(kit):
    text = SYMMETRIC.replace("return all(j.n <= 2 for j in objects(Job))", "return objects(Job)[0].n <= 2")
    res = kit.explore(text, symmetry=True)
    assert res.verdict == HOLDS
    assert any(n.startswith("symmetry: off: ") and "objects(Job) depends on the order" in n for n in res.stats.notes)


def test_arithmetic_on_a_thread_id_refuses_symmetry(kit):
    path = kit.write(SYMMETRIC.replace("        job.n += 1\n", "        job.n += 1\n        if me() > 1:\n            pass\n"))
    result = run("verify", path, "--symmetry")
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and ": error: --symmetry: arithmetic or an ordering comparison on a thread id" in lines[0]
    assert run("verify", path).exit_code == 0  # fine without symmetry


def test_no_interchangeable_threads_is_said(kit):
    res = kit.explore((MODELS / "racy_lock.py").read_text().replace('name="t1"', 'name="t1"'), symmetry=True)
    assert res.verdict == VIOLATED
    assert res.stats.notes  # either swapped or why not


# ------------------------------------------------------------------- minimising

RACY_WITH_BYSTANDER = """
locked: bool = False
in_cs: int = 0
noise: int = 0

def worker():
    global locked, in_cs
    wait_until(not locked)
    locked = True
    in_cs += 1
    in_cs -= 1
    locked = False

def bystander():
    global noise
    noise = 1
    noise = 2
    noise = 3

def init():
    spawn(bystander, name="b")
    spawn(worker, name="t0")
    spawn(worker, name="t1")

@invariant
def mutual_exclusion():
    return in_cs <= 1
"""


def test_leaving_steps_out_keeps_the_violation(kit):
    """A counterexample padded with the bystander's three steps loses them again."""
    from mmnotif_check.engine.minimize import minimize
    from mmnotif_check.engine.search import deadlock_violation

    model = kit.load(RACY_WITH_BYSTANDER)
    shortest = explore(model, CheckOptions(reduction="none"))
    assert shortest.verdict == VIOLATED and len(shortest.path) == 7
    # the bystander (thread 0, successor 0 while it runs) first, then the shortest path
    state = model.initial_states()[0]
    padded = [0]
    for _ in range(3):
        padded.append(0)
        state = model.transitions(state)[0][1]
    for k in shortest.path[1:]:
        labels = [lab for lab, _ in model.transitions(state)]
        want = [lab for lab, _ in model.transitions(_walk(model, shortest.path, len(padded) - 4))]
        padded.append(next(j for j, lab in enumerate(labels) if lab.tid == want[k].tid and lab.choices == want[k].choices))
        state = model.transitions(state)[padded[-1]][1]
    assert len(padded) == 10
    path, violation = minimize(model, tuple(padded), shortest.violation, None, True, None, deadlock_violation)
    assert len(path) == 7 and violation.property == "mutual_exclusion"
    assert build_trace(model, path, violation).steps[-1].text == "in_cs += 1"


def _walk(model, path, n):
    state = model.initial_states()[path[0]]
    for k in path[1 : n + 1]:
        state = model.transitions(state)[k][1]
    return state
