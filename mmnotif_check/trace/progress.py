"""Live progress on a terminal: ``verify``'s progress line and the gate's running specs.

Both use rich's live display, which fits the line to the terminal's width (it is cut, never
wrapped, so nothing stacks up in a narrow pane) and refreshes it from a thread of its own:
the elapsed time keeps moving while Z3 works or the counterexample is rebuilt, and the line
says which of those is going on.  Nothing live is written when the stream is not a
terminal (CI logs, pipes): the gate then prints one plain line per spec as it finishes.
rich is imported only when a live display starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from mmnotif_check.engine.result import Stats

SHOW_AFTER = 2.0  # seconds: short runs print nothing
REFRESH_PER_SECOND = 4


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _elapsed(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_progress(s: Stats) -> str:
    return (
        f"  states {s.states:,}  ({s.states_per_second:,.0f} states/s)  depth {s.max_depth}  "
        f"frontier {s.frontier:,}  elapsed {_elapsed(s.seconds)}"
    )


class _Live:
    """A rich live display of one line computed at every refresh (transient: erased at stop)."""

    def __init__(self, stream: TextIO, render: Callable[[], str], width: int | None = None) -> None:
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text

        self.console = Console(file=stream, force_terminal=True, width=width, highlight=False, soft_wrap=False)

        class _Line:
            def __rich__(self) -> Any:
                return Text(render(), no_wrap=True, overflow="ellipsis")

        self.live = Live(_Line(), console=self.console, refresh_per_second=REFRESH_PER_SECOND, transient=True,
                         redirect_stdout=False, redirect_stderr=False)
        self.live.start()

    def print(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(text), soft_wrap=True)

    def refresh(self) -> None:
        self.live.refresh()

    def stop(self) -> None:
        self.live.stop()


class ProgressLine:
    """A ``progress`` callback for the engine, and the phases after the search.

    Nothing is shown before :data:`SHOW_AFTER` seconds or when ``stream`` is not a TTY;
    :meth:`clear` erases the line (call it before printing the result).  ``solver``: a
    symbolic model's solver, whose query count the line shows while Z3 works.
    """

    def __init__(self, stream: TextIO, enabled: bool = True, show_after: float = SHOW_AFTER,
                 solver: Any = None, width: int | None = None) -> None:
        self.stream = stream
        self.enabled = enabled and _isatty(stream)
        self.show_after = show_after
        self.solver = solver
        self.width = width
        self.start = time.monotonic()
        self.stats: Stats | None = None
        self.what = "searching"
        self._live: _Live | None = None

    def _text(self) -> str:
        elapsed = time.monotonic() - self.start
        if elapsed < self.show_after:
            return ""
        parts = [f"{self.what}"]
        if self.stats is not None and self.what == "searching":
            s = self.stats
            parts.append(f"states {s.states:,} ({s.states_per_second:,.0f}/s)  depth {s.max_depth}  "
                         f"frontier {s.frontier:,}")
        if self.solver is not None:
            parts.append(f"Z3 {getattr(self.solver, 'calls', 0):,} queries")
        parts.append(f"elapsed {_elapsed(elapsed)}")
        return "  ".join(parts)

    def _ensure(self) -> None:
        if self.enabled and self._live is None and time.monotonic() - self.start >= self.show_after:
            self._live = _Live(self.stream, self._text, self.width)

    def __call__(self, stats: Stats) -> None:
        if not self.enabled:
            return
        self.stats = stats
        self._ensure()
        if self._live is not None:
            self._live.refresh()

    def phase(self, what: str) -> None:
        """What happens now (``rebuilding the counterexample``): shown instead of the search."""
        if not self.enabled:
            return
        self.what = what
        self._ensure()
        if self._live is not None:
            self._live.refresh()

    def begin(self) -> None:
        """Start showing (after ``show_after``) even if the engine never calls back: the
        display refreshes itself, so a long solver query or trace rebuild still shows."""
        if not self.enabled or self._live is not None:
            return
        self._live = _Live(self.stream, self._text, self.width)

    def clear(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


class GateProgress:
    """The gate's ``on_row`` callback: one line per spec as it finishes; on a terminal,
    below them a live line with how many are done and the ones running, with their time."""

    def __init__(self, stream: TextIO, paths: Sequence[Any], jobs: int, line: Callable[[Any, int, int], str],
                 echo: Callable[[str], None], width: int | None = None) -> None:
        self.stream = stream
        self.pending = [str(p) for p in paths]
        self.jobs = max(1, jobs)
        self.line = line
        self.echo = echo
        self.start = time.monotonic()
        self.started: dict[str, float] = {}
        self.done = 0
        self.bad = 0
        self.total = len(self.pending)
        self._live = _Live(stream, self._text, width) if _isatty(stream) and self.total else None

    def _running(self) -> list[str]:
        now = time.monotonic()
        running = self.pending[: self.jobs]
        for p in running:
            self.started.setdefault(p, now)
        return running

    def _text(self) -> str:
        now = time.monotonic()
        running = ", ".join(f"{p} {_elapsed(now - self.started.get(p, now))}" for p in self._running())
        bad = f", {self.bad} not as expected" if self.bad else ""
        return f"{self.done}/{self.total} done{bad}  elapsed {_elapsed(now - self.start)}  running: {running}"

    def __call__(self, row: Any, done: int, total: int) -> None:
        self.done = done
        spec = str(row.spec)
        if spec in self.pending:
            self.pending.remove(spec)
        elif self.pending:  # a row names its spec as shown; drop the oldest matching one
            matches = [p for p in self.pending if p.endswith(spec) or spec.endswith(p)]
            if matches:
                self.pending.remove(matches[0])
        if row.status != "pass":
            self.bad += 1
        text = self.line(row, done, total)
        if self._live is not None:
            self._live.print(text)
            self._live.refresh()
        else:
            self.echo(text)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
