"""The memory one run uses, measured on its own.

A process that runs several searches one after the other (a gate worker, the test suite, a
script using the API) keeps memory from the earlier ones: the process's lifetime peak
(``ru_maxrss``) would charge a run for its predecessors.  :class:`RunMemory` measures the
growth of the resident set since the run started instead: on Linux from
``/proc/self/status`` (``VmRSS`` now, and ``VmHWM``, the peak, which the run resets at its
start through ``/proc/self/clear_refs`` where the kernel allows it); elsewhere from the growth
of ``ru_maxrss`` beyond its value at the start (which can only undercount, never charge
earlier runs).  The ``max_memory`` budget (``--max-memory``) and the ``peak memory`` of the
statistics are this growth.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(key: str) -> int | None:
    try:
        with open(_STATUS, encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _maxrss_kib() -> int:
    peak = int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def _reset_peak() -> bool:
    """Reset VmHWM to the current resident set size (Linux 4.0+); whether it worked."""
    try:
        with open(_CLEAR_REFS, "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class RunMemory:
    """Memory growth of the current process since :meth:`__init__` (see the module doc)."""

    def __init__(self) -> None:
        rss = _status_kib("VmRSS:")
        self.proc = rss is not None
        if self.proc:
            self.hwm = _reset_peak()
            self.base = int(rss or 0)
        else:
            self.hwm = False
            self.base = _maxrss_kib()
        self.peak = 0

    def used_kib(self) -> int:
        """The growth now (and the peak so far is updated)."""
        if self.proc:
            now = (_status_kib("VmRSS:") or self.base) - self.base
        else:
            now = _maxrss_kib() - self.base
        now = max(0, now)
        if now > self.peak:
            self.peak = now
        return now

    def peak_kib(self) -> int:
        """The largest growth since the start (VmHWM where it could be reset)."""
        self.used_kib()
        if self.hwm:
            hwm = _status_kib("VmHWM:")
            if hwm is not None and hwm - self.base > self.peak:
                self.peak = hwm - self.base
        return self.peak
