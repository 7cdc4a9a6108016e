"""The parallel search's partitions as Ray actors (``--cluster ADDRESS`` or ``RAY_ADDRESS``).

Ray is an optional dependency (``pip install 'mmnotif-check[cluster]'``).  ``ADDRESS`` is
what ``ray.init`` takes: ``auto`` (the cluster this machine belongs to), ``ray://HOST:10001``
(a remote cluster's client port), ``HOST:6379``; ``local`` starts a private instance on
this machine for the run.  Each partition is an actor asking for one CPU; a round's
batches go from actor to actor through Ray's object store (the coordinator passes only
references).  Every node must be able to import this package and read the model files
at the same paths (a shared file system, or the same checkout everywhere).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from mmnotif_check.engine.parallel import WorkerLost
from mmnotif_check.engine.partition import Partition, Summary
from mmnotif_check.engine.result import Violation
from mmnotif_check.options import CheckOptions

INSTALL_HINT = "Ray is not installed: pip install 'mmnotif-check[cluster]' (or pip install ray)"


class ClusterUnavailable(Exception):
    """Ray is missing, or the cluster cannot be reached: a one-line message for the user."""


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ClusterUnavailable(INSTALL_HINT) from None
    return ray


def connect(address: str) -> tuple[Any, bool]:
    """Ray, connected to ``address``; and whether this call started the connection (then
    the caller shuts it down)."""
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    try:
        ray.init(address=None if address == "local" else address, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.ERROR, configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClusterUnavailable(f"cannot connect to the Ray cluster at {address!r}: {first}") from None
    return ray, True


def cluster_cpus(ray: Any) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


class _Actor:
    """A partition living in a Ray actor."""

    def __init__(self, recipe: Any, options: CheckOptions, index: int, workers: int,
                 accept: Callable[[Violation], bool] | None) -> None:
        import gc

        gc.disable()
        self.partition = Partition(recipe.load(), options, index, workers, accept)

    def ready(self) -> bool:
        return True

    def start(self) -> Summary:
        return self.partition.start()

    def expand(self, depth: int, deadline: float | None, memory_kib: int | None, found: bool) -> Any:
        blobs = self.partition.expand(depth, deadline, memory_kib, found)
        return blobs if len(blobs) > 1 else blobs[0]

    def receive(self, *blobs: bytes | None) -> Summary:
        return self.partition.receive(list(blobs))

    def trail_step(self, sid: int) -> tuple[int, int]:
        return self.partition.trail_step(sid)


class RayPool:
    """Partitions as Ray actors (engine/parallel.py's backend interface)."""

    name = "Ray"

    def __init__(self, address: str, recipe: Any, options: CheckOptions, workers: int,
                 accept: Callable[[Violation], bool] | None) -> None:
        self.ray, self.owned = connect(address)
        ray = self.ray
        self.size = workers if workers > 1 else cluster_cpus(ray)
        actor = ray.remote(num_cpus=1, max_restarts=0)(_Actor)
        self.actors: list[Any] = []
        try:
            self.actors = [actor.remote(recipe, options, i, self.size, accept) for i in range(self.size)]
            self._get([a.ready.remote() for a in self.actors])
        except BaseException:
            self.close()
            raise

    def _get(self, refs: Any) -> Any:
        ray = self.ray
        try:
            return ray.get(refs)
        except ray.exceptions.RayActorError as exc:
            raise WorkerLost(f"a Ray worker died: {_first_line(exc)}") from None
        except ray.exceptions.RayError as exc:
            raise WorkerLost(f"a Ray worker failed: {_first_line(exc)}") from None

    def start(self) -> list[Summary]:
        summaries: list[Summary] = self._get([a.start.remote() for a in self.actors])
        return summaries

    def exchange(self, depth: int, deadline: float | None, memory_kib: int | None, found: bool) -> list[Summary]:
        n = self.size
        outs = [a.expand.options(num_returns=n).remote(depth, deadline, memory_kib, found) for a in self.actors]
        if n == 1:
            outs = [[ref] for ref in outs]
        summaries: list[Summary] = self._get(
            [a.receive.remote(*[outs[u][w] for u in range(n)]) for w, a in enumerate(self.actors)])
        return summaries

    def trail_step(self, worker: int, sid: int) -> tuple[int, int]:
        step: tuple[int, int] = self._get(self.actors[worker].trail_step.remote(sid))
        return step

    def close(self) -> None:
        for a in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(a)
        self.actors = []
        if self.owned and self.ray.is_initialized():
            self.ray.shutdown()
            self.owned = False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
