"""Where a value sits in a JSON text, so errors about a trace file can name line and column.

``json`` parses without positions; :func:`locate` scans the (already valid) text again and
returns the 1-based line and column of the value at a key path such as
``("trace", 3, "line")``, or of the deepest enclosing value that exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"[^,\]}\s]+")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text

    def ws(self, i: int) -> int:
        m = _WS.match(self.text, i)
        return m.end() if m else i

    def skip_value(self, i: int) -> int:
        """The end offset of the value starting at ``i``."""
        t = self.text
        c = t[i] if i < len(t) else ""
        if c == '"':
            m = _STRING.match(t, i)
            return m.end() if m else len(t)
        if c in "[{":
            close = "]" if c == "[" else "}"
            i = self.ws(i + 1)
            if i < len(t) and t[i] == close:
                return i + 1
            while i < len(t):
                if c == "{":
                    i = self.skip_value(i)  # the key
                    i = self.ws(i)
                    i = self.ws(i + 1)  # ':'
                i = self.ws(self.skip_value(i))
                if i < len(t) and t[i] == ",":
                    i = self.ws(i + 1)
                    continue
                return i + 1
            return len(t)
        m = _SCALAR.match(t, i)
        return m.end() if m else i + 1

    def child(self, i: int, key: str | int) -> int | None:
        """The offset of member ``key`` (object) or item ``key`` (array) of the value at ``i``."""
        t = self.text
        if i >= len(t) or t[i] not in "[{":
            return None
        is_obj = t[i] == "{"
        close = "}" if is_obj else "]"
        i = self.ws(i + 1)
        n = 0
        while i < len(t) and t[i] != close:
            if is_obj:
                key_end = self.skip_value(i)
                name = t[i + 1 : key_end - 1]
                i = self.ws(self.ws(key_end) + 1)
                if name == key:
                    return i
            elif n == key:
                return i
            i = self.ws(self.skip_value(i))
            n += 1
            if i < len(t) and t[i] == ",":
                i = self.ws(i + 1)
        return None


def offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def locate(text: str, path: Sequence[str | int]) -> tuple[int, int]:
    """Line and column of the value at ``path`` (or of its deepest existing ancestor)."""
    scanner = _Scanner(text)
    i = scanner.ws(0)
    for key in path:
        nxt = scanner.child(i, key)
        if nxt is None:
            break
        i = nxt
    return offset_to_line_col(text, min(i, len(text)))
