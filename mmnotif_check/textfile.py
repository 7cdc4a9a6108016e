"""Reading an input file (a model, a spec, a trace) as text, with a clear answer for
everything that is not one.

:func:`read_text` refuses what is not a regular file before reading a byte (a FIFO would
block, ``/dev/zero`` would never end), refuses files larger than :data:`MAX_BYTES`, strips a
UTF-8 byte order mark, and locates the first byte that is not UTF-8.  Every problem is an
:class:`UnreadableFile` with a message in words and, where it has one, a line and column;
the callers turn it into their ``file:line:col: error:`` line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_BYTES = 32 << 20  # a model, spec or trace file larger than this is not one


class UnreadableFile(Exception):
    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def check_regular(path: Path) -> None:
    """Raise :class:`UnreadableFile` unless ``path`` is a regular file (FileNotFoundError
    when there is nothing there)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(str(path)) from None
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableFile("it is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile(f"it is {_kind(st.st_mode)}, not a regular file")
    if st.st_size > MAX_BYTES:
        raise UnreadableFile(f"it is too large ({st.st_size:,} bytes; at most {MAX_BYTES:,})")


def read_text(path: str | Path) -> str:
    """The text of the regular file ``path`` (see the module docstring)."""
    p = Path(path)
    check_regular(p)
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"it is too large (more than {MAX_BYTES:,} bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        col = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise UnreadableFile(f"the file is not UTF-8 text (byte 0x{data[start]:02x})", line, col) from None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def too_deep_at(text: str, limit: int) -> tuple[int, int] | None:
    """Where brackets (``[`` and ``{``, outside strings) first nest more than ``limit``
    deep in a TOML or JSON text: (line, column), or None."""
    depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" and c == '"' else 1
            i = j + 1
            continue
        if c == "#" and depth == 0:  # a TOML comment outside a value
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
            continue
        if c in "[{":
            depth += 1
            if depth > limit:
                return line_col(text, i)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def long_number_at(text: str, digits: int) -> tuple[int, int] | None:
    """Where the first run of more than ``digits`` decimal digits starts, or None."""
    import re

    m = re.search(rf"\d{{{digits + 1},}}", text)
    return line_col(text, m.start()) if m else None
