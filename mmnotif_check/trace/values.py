"""Values of a report as a person reads them: thread ids named, symbolic terms evaluated.

Lock owners are thread ids (``RwSem.writer``, ``RwSem.readers``, ``Mutex.owner``...); the
report lists those fields (``thread_id_fields``) and the thread of every id
(``thread_ids``), so every format writes ``owner: -1 -> 1 (bind0.vm0)``.  A symbolic
model's terms (``"<2*S>"``) are shown with their value under the witness
(``witness_values``): ``<2*S> (= 4)``.
"""

from __future__ import annotations

from typing import Any


def fmt_value(v: Any) -> str:
    """A JSON report value as the model would write it (tuples as tuples)."""
    if isinstance(v, list):
        inner = ", ".join(fmt_value(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    return repr(v) if isinstance(v, str) else str(v)


class ValueText:
    """Formats the values of one report."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.threads = [str(t) for t in report.get("thread_ids") or []]
        self.fields = {str(f) for f in report.get("thread_id_fields") or []}
        wv = report.get("witness_values")
        self.witness: dict[str, Any] = wv if isinstance(wv, dict) else {}

    @staticmethod
    def field_of(name: str) -> str | None:
        """``RwSem.writer`` for a change or cell named ``RwSem#0.writer``."""
        obj, dot, fld = name.partition(".")
        cls, hash_, _ = obj.partition("#")
        return f"{cls}.{fld}" if dot and hash_ else None

    def holds_threads(self, name: str, cls_field: str | None = None) -> bool:
        return (cls_field or self.field_of(name) or "") in self.fields

    def thread_name(self, tid: Any) -> str | None:
        if isinstance(tid, int) and not isinstance(tid, bool) and 0 <= tid < len(self.threads):
            return self.threads[tid]
        return None

    def value(self, v: Any, threads: bool = False) -> str:
        """``v`` as text; ``threads``: it is a thread id or a tuple of them (named)."""
        text = fmt_value(v)
        if threads:
            ids = v if isinstance(v, list) else [v]
            names = [n for n in (self.thread_name(t) for t in ids) if n is not None]
            if names:
                text += f" ({', '.join(names)})"
        if isinstance(v, str) and v in self.witness:
            text = f"{v} (= {fmt_value(self.witness[v])})"
        return text

    def cell(self, name: str, v: Any) -> str:
        """The value of field or global ``name`` (``RwSem#0.writer``)."""
        return self.value(v, self.holds_threads(name))

    def change(self, ch: dict[str, Any], arrow: str = "->") -> str:
        name = ch["name"]
        return f"{name}: {self.cell(name, ch['old'])} {arrow} {self.cell(name, ch['new'])}"
