"""The live progress line of a long ``verify`` run (stderr, only on a terminal)."""

from __future__ import annotations

from typing import TextIO

from mmnotif_check.engine.result import Stats

SHOW_AFTER = 2.0  # seconds: short runs print nothing


class ProgressLine:
    """A ``progress`` callback for the engine: rewrites one line in place with ``\\r``.

    Nothing is printed before :data:`SHOW_AFTER` seconds or when ``stream`` is not a TTY;
    :meth:`clear` erases the line (call it before printing the result).
    """

    def __init__(self, stream: TextIO, enabled: bool = True, show_after: float = SHOW_AFTER) -> None:
        self.stream = stream
        self.enabled = enabled and _isatty(stream)
        self.show_after = show_after
        self.width = 0

    def __call__(self, stats: Stats) -> None:
        if not self.enabled or stats.seconds < self.show_after:
            return
        line = format_progress(stats)
        pad = max(0, self.width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self.width = len(line)

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def format_progress(s: Stats) -> str:
    return (
        f"  states {s.states:,}  ({s.states_per_second:,.0f} states/s)  depth {s.max_depth}  "
        f"frontier {s.frontier:,}  elapsed {_elapsed(s.seconds)}"
    )


def _elapsed(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
