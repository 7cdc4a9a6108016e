"""Ctrl-C, SIGTERM and SIGHUP: one way to stop a run, whatever asked for it.

Python turns SIGINT (Ctrl-C) into :class:`KeyboardInterrupt`.  While
:func:`terminate_like_interrupt` is in force, SIGTERM and SIGHUP raise :class:`Terminated`,
a :class:`KeyboardInterrupt` too, so every place that stops cleanly on Ctrl-C (the search
prints its statistics so far and the command exits 3; the gate shows the specs that
finished, keeps them cached and stops its worker processes) does the same for them.
:func:`interrupt_name` says which it was (``Ctrl-C``, ``SIGTERM``, ``SIGHUP``).

Gate worker processes call :func:`worker_signals` first: they ignore SIGINT (a Ctrl-C in a
terminal reaches the whole process group; the parent decides), die at once on SIGTERM and
SIGHUP (the parent ends them with SIGTERM), and, on Linux, are sent SIGTERM when the parent
dies, so that no worker outlives the gate.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

HANDLED = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: stop like on Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:  # pragma: no cover - a signal number Python has no name for
            return f"signal {self.signum}"


def interrupt_name(exc: BaseException) -> str:
    """``Ctrl-C`` for SIGINT, else the name of the signal that stopped the run (also from a
    KeyboardInterrupt that carries a run's reason, ``interrupted (SIGTERM)``)."""
    if isinstance(exc, Terminated):
        return exc.name
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        return interrupt_name(cause)
    said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
    if said.startswith("interrupted (") and ")" in said:
        return said[len("interrupted ("):said.index(")")]
    return "Ctrl-C"


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` while the block runs (main thread only;
    elsewhere, and where a handler was deliberately set to ignore, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved: dict[int, signal._HANDLER] = {}
    try:
        for sig in HANDLED:
            old = signal.getsignal(sig)
            if old is signal.SIG_IGN:  # e.g. nohup: the user asked for it to be ignored
                continue
            saved[sig] = old
            signal.signal(sig, _raise_terminated)
        yield
    finally:
        for sig, old in saved.items():
            with contextlib.suppress(ValueError, TypeError, OSError):
                signal.signal(sig, old)


def _parent_death_signal() -> None:
    """Linux: have the kernel send this process SIGTERM when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no libc to ask
        return


def worker_signals(parent: int | None = None) -> None:
    """Set up a gate worker process (see the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in HANDLED:
        signal.signal(sig, signal.SIG_DFL)
    _parent_death_signal()
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
