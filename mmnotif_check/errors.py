"""Errors that reach the user as one ``file:line:col: error: ...`` line.

Every bad input (model outside the language, bad spec, bad option, bad trace file) is
raised as :class:`InputError`; the CLI prints :meth:`InputError.render` and exits 2.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input located in a file.  ``line`` and ``col`` are 1-based."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.col = col
        self.message = message

    def render(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error: {self.message}"

    def __str__(self) -> str:
        return self.render()


class NondeterminismError(Exception):
    """Replaying a stored path did not reproduce the recorded execution."""


class OverrideError(InputError):
    """A constant override (``--set`` or a spec's ``[constants]``) is wrong.

    The CLI reports it against the command line, the gate against the spec's key.
    """

    def __init__(self, path: str, name: str, message: str) -> None:
        super().__init__(path, 1, 1, message)
        self.name = name
