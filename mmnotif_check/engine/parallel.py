"""A breadth-first search over several processes (``--workers N``) or a Ray cluster
(``--cluster ADDRESS``).

The coordinator (this module, in the calling process) drives partitions
(engine/partition.py) round by round, one round per depth: every partition expands its
states of that depth and sends each successor to the partition that owns it; the
coordinator routes the batches, learns what every partition found, and decides whether
another round is needed (states left below the length of the shortest violation found
so far, no budget hit).  Termination is exact: the search is over when, after a round,
no partition has a state left to expand.

Two backends run the partitions: :class:`LocalPool`, worker processes on this machine
talking through pipes (the default), and ``engine.cluster.RayPool``, Ray actors (the
batches then go from actor to actor through Ray's object store, the coordinator only
passes references).  The counterexample's path is read back from the partitions' trails
and rebuilt by the coordinator's own copy of the model, as in a sequential run.

A worker that dies (killed, out of memory) ends the run inconclusive with a message that
names it; every other worker is stopped, none is left behind.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from mmnotif_check.engine.partition import Found, Summary
from mmnotif_check.engine.result import Result, Stats, Violation
from mmnotif_check.engine.search import ProgressFn, conclude
from mmnotif_check.interrupts import interrupt_name
from mmnotif_check.options import CheckOptions


class WorkerLost(Exception):
    """A worker stopped answering (it died, or failed): the run cannot be completed."""


class Backend(Protocol):
    """Where the partitions run."""

    size: int
    name: str

    def start(self) -> list[Summary]: ...

    def exchange(self, depth: int, deadline: float | None, memory_kib: int | None, found: bool) -> list[Summary]:
        """One round: every partition expands its states of ``depth`` and takes in what
        the others sent it (``found``: an earlier round found a violation)."""
        ...

    def trail_step(self, worker: int, sid: int) -> tuple[int, int]: ...

    def close(self) -> None: ...


def auto_workers() -> int:
    """``--workers auto``: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class LocalPool:
    """Partitions in worker processes of this machine: fresh interpreters running
    ``python -m mmnotif_check.engine.worker``, each on a socket pair with the
    coordinator (they import nothing of the caller's main module, unlike
    multiprocessing's own start methods)."""

    name = "processes"

    def __init__(self, recipe: Any, options: CheckOptions, workers: int,
                 accept: Callable[[Violation], bool] | None) -> None:
        self.size = workers
        self.procs: list[subprocess.Popen[bytes]] = []
        self.conns: list[Connection] = []
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent.parent)  # where this mmnotif_check is
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        try:
            for _ in range(workers):
                here, there = socket.socketpair()
                proc = subprocess.Popen([sys.executable, "-m", "mmnotif_check.engine.worker", str(there.fileno())],
                                        pass_fds=(there.fileno(),), env=env, stdin=subprocess.DEVNULL,
                                        start_new_session=False)
                there.close()
                self.procs.append(proc)
                self.conns.append(Connection(here.detach()))
            for i, conn in enumerate(self.conns):
                conn.send((recipe, options, i, workers, accept))
            for i in range(workers):
                self._answer(i)
        except BaseException:
            self.close()
            raise

    def _answer(self, i: int) -> Any:
        try:
            status, value = self.conns[i].recv()
        except (EOFError, OSError):
            raise WorkerLost(self._obituary(i)) from None
        if status == "error":
            raise WorkerLost(f"worker {i} failed: {value}")
        return value

    def _obituary(self, i: int) -> str:
        proc = self.procs[i]
        try:
            code = proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            code = None
        if code is None:
            return f"worker {i} stopped answering"
        if code < 0:
            import signal

            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"worker {i} was killed ({name})"
        return f"worker {i} exited with status {code}"

    def _call_all(self, method: str, args: list[tuple[Any, ...]]) -> list[Any]:
        for i, conn in enumerate(self.conns):
            try:
                conn.send((method, args[i]))
            except (BrokenPipeError, OSError):
                raise WorkerLost(self._obituary(i)) from None
        return [self._answer(i) for i in range(self.size)]

    def start(self) -> list[Summary]:
        return self._call_all("start", [()] * self.size)

    def exchange(self, depth: int, deadline: float | None, memory_kib: int | None, found: bool) -> list[Summary]:
        blobs = self._call_all("expand", [(depth, deadline, memory_kib, found)] * self.size)
        return self._call_all("receive", [([blobs[u][w] for u in range(self.size)],) for w in range(self.size)])

    def trail_step(self, worker: int, sid: int) -> tuple[int, int]:
        self.conns[worker].send(("trail_step", (sid,)))
        step: tuple[int, int] = self._answer(worker)
        return step

    def close(self) -> None:
        """Stop every worker (they exit when their connection closes; a busy one is
        terminated) and wait for them: none is left behind."""
        for conn in self.conns:
            conn.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=2.0)
                except subprocess.TimeoutExpired:  # pragma: no cover - a worker that ignores SIGTERM
                    proc.kill()
                    proc.wait()
        self.procs = []
        self.conns = []


def make_backend(recipe: Any, options: CheckOptions, accept: Callable[[Violation], bool] | None) -> Backend:
    if options.cluster is not None:
        from mmnotif_check.engine.cluster import RayPool

        return RayPool(options.cluster, recipe, options, options.workers, accept)
    return LocalPool(recipe, options, options.workers, accept)


def explore_parallel(system: Any, options: CheckOptions, progress: ProgressFn | None, progress_every: float,
                     accept: Callable[[Violation], bool] | None) -> Result:
    """A breadth-first search of ``system`` (a compiled model built by ``load_model``) in
    ``options.workers`` partitions; the same verdict and number of states as the
    sequential search, and a counterexample that replays."""
    start = time.perf_counter()
    deadline = time.time() + options.timeout if options.timeout is not None else None
    memory_kib = options.max_memory_mb * 1024 if options.max_memory_mb is not None else None
    system.initial_states()  # the coordinator's copy rebuilds the counterexample
    sums: list[Summary] = []
    reason: str | None = None
    backend: Backend | None = None
    next_progress = start + progress_every
    rounds = 0

    def stats() -> Stats:
        return _stats(system, options, sums, time.perf_counter() - start, backend, rounds)

    try:
        backend = make_backend(system.recipe, options, accept)
        workers = backend.size
        share_kib = memory_kib // workers if memory_kib is not None else None
        sums = backend.start()
        while True:
            best = _first([s.best for s in sums])
            depth = min((s.next_depth for s in sums if s.next_depth is not None), default=None)
            stopped = next((s.stopped for s in sums if s.stopped), None)
            if stopped is not None:
                reason = (f"timeout of {options.timeout:g} s" if stopped == "timeout"
                          else f"memory budget of {options.max_memory_mb} MiB")
                break
            if depth is None or (best is not None and depth >= best.length):
                break
            if options.max_states is not None and sum(s.states for s in sums) >= options.max_states:
                reason = f"state budget of {options.max_states} states"
                break
            if deadline is not None and time.time() >= deadline:
                reason = f"timeout of {options.timeout:g} s"
                break
            if memory_kib is not None and sum(s.memory_kib for s in sums) > memory_kib:
                reason = f"memory budget of {options.max_memory_mb} MiB"
                break
            sums = backend.exchange(depth, deadline, share_kib, best is not None)
            rounds += 1
            if progress is not None and time.perf_counter() >= next_progress:
                progress(stats())
                next_progress = time.perf_counter() + progress_every
        final = stats()
        best = _first([s.best for s in sums])
        other = _first([s.other for s in sums])
        found = best if best is not None else other
        if found is None:
            return conclude(system, options, final, None, None, reason, any(s.cut for s in sums), accept)
        codes = _codes_path(backend, workers, found)
        passed_over = other.violation if other is not None and best is not None else None
        return conclude(system, options, final, (codes, found.violation), passed_over, reason, False, accept)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: the statistics so far
        return Result("inconclusive", stats(), reason=f"interrupted ({interrupt_name(exc)})", exhausted=False,
                      stopped=True)
    except WorkerLost as exc:
        return Result("inconclusive", stats(), reason=f"{exc}; the search is incomplete", exhausted=False)
    finally:
        if backend is not None:
            backend.close()


def _first(found: list[Found | None]) -> Found | None:
    """The violation reported: the shortest, then the first in round and partition order."""
    present = [f for f in found if f is not None]
    return min(present, key=lambda f: (f.length, f.order)) if present else None


def _codes_path(backend: Backend, workers: int, found: Found) -> tuple[int, ...]:
    out: list[int] = []
    if found.code >= 0:
        out.append(found.code)
    gid = found.parent
    while gid >= 0:
        parent, code = backend.trail_step(gid % workers, gid // workers)
        out.append(code)
        gid = parent
    return tuple(reversed(out))


def _stats(system: Any, options: CheckOptions, sums: list[Summary], seconds: float, backend: Backend | None,
           rounds: int) -> Stats:
    probabilities = [s.omission_probability for s in sums if s.omission_probability is not None]
    notes = list(sums[0].notes) if sums else list(getattr(system, "notes", ()))
    where = f"{backend.name} " if backend is not None else ""
    size = backend.size if backend is not None else options.workers
    notes.append(f"parallel search: {size} workers ({where.strip() or 'starting'}), {rounds} rounds")
    extra: dict[str, float] = {}
    for s in sums:
        for k, v in s.extra:
            extra[k] = extra.get(k, 0) + v
    return Stats(
        states=sum(s.states for s in sums),
        transitions=sum(s.transitions for s in sums),
        max_depth=max((s.max_depth for s in sums), default=0),
        seconds=seconds,
        peak_memory_kib=sum(s.peak_kib for s in sums),
        frontier=sum(s.frontier for s in sums),
        extra=tuple(extra.items()),
        reduction=getattr(system, "reduction", "none"),
        store=options.store,
        omission_probability=min(1.0, sum(probabilities)) if probabilities else None,
        notes=tuple(notes),
        workers=tuple(s.states for s in sums),
    )


def parallel_note(system: Any, options: CheckOptions) -> str | None:
    """Why a run asked for workers is sequential instead (None: it can be parallel)."""
    if options.strategy == "dfs":
        return "parallel search: --dfs runs in one process (workers search breadth-first)"
    if getattr(system, "symbolic", False):
        return "parallel search: a model with symbolic values is checked in one process"
    if getattr(system, "recipe", None) is None:
        return "parallel search: this system cannot be rebuilt in a worker; checked in one process"
    return None

