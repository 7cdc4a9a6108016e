"""Which compiled statements touch only the running thread's own stack.

Used by the ``local`` reduction: a statement that reads no shared state that can change
after ``init()`` and writes none is invisible to other threads and to every property
(properties never see locals), so it can run in the same step as the visible statement
before it without changing any verdict.  The analysis reads the generated code, whose
shape this package controls:

* shared writes: ``_setg(``, ``_setf(``, ``_new(``, ``_spawn(``;
* shared reads: ``c.G[k]`` of a global some procedure writes, a field some procedure
  writes (``_F_name`` / ``_getf(c, x, 'name')``), ``_objects(`` when procedures create
  objects, a call of a pure function that reads any of these;
* ``_BLOCK`` (a ``wait_until``) and ``c.atomic`` (an atomic block) are never merged.
"""

from __future__ import annotations

import re

from mmnotif_check.lang.compiler import CompiledFunc

_SETF = re.compile(r"_setf\(c, .*?, '([A-Za-z_][A-Za-z0-9_]*)'")
_SETG = re.compile(r"_setg\(c, (\d+),")
_READ_FIELD = re.compile(r"_F_([A-Za-z_][A-Za-z0-9_]*)\[|_getf\(c, .*?, '([A-Za-z_][A-Za-z0-9_]*)'\)")
_READ_GLOBAL = re.compile(r"c\.G\[(\d+)\]")
_PURE_CALL = re.compile(r"_f(\d+)\(c")
_SHARED_WRITE = ("_setg(", "_setf(", "_new(", "_spawn(")


class EffectAnalysis:
    """Per instruction: does it touch only the thread's own stack?"""

    def __init__(self, funcs: list[CompiledFunc], init_id: int | None) -> None:
        thread_code = [f for f in funcs if f.sym.id != init_id]
        texts = [t for f in thread_code for t in (*f.instr_src, *f.resume_src.values())]
        self.mutable_fields = {m for t in texts for m in _SETF.findall(t)}
        self.mutable_globals = {int(m) for t in texts for m in _SETG.findall(t)}
        self.heap_grows = any("_new(" in t for t in texts)
        self.volatile_pure: set[int] = set()
        natives = {f.sym.id: f.native_src for f in funcs if f.native_src}
        changed = True
        while changed:
            changed = False
            for fid, src in natives.items():
                if fid not in self.volatile_pure and self._reads_shared(src):
                    self.volatile_pure.add(fid)
                    changed = True
        self.local: list[list[bool]] = [
            [self._is_local(src, f.infos[pc].kind) for pc, src in enumerate(f.instr_src)] for f in funcs
        ]
        self.local_resume: list[dict[int, bool]] = [
            {pc: self._is_local(src, "resume") for pc, src in f.resume_src.items()} for f in funcs
        ]

    def _reads_shared(self, src: str) -> bool:
        for a, b in _READ_FIELD.findall(src):
            if (a or b) in self.mutable_fields:
                return True
        if any(int(k) in self.mutable_globals for k in _READ_GLOBAL.findall(src)):
            return True
        if self.heap_grows and "_objects(" in src:
            return True
        return any(int(k) in self.volatile_pure for k in _PURE_CALL.findall(src))

    def _is_local(self, src: str, kind: str) -> bool:
        if kind in ("wait", "atomic", "end") or "_BLOCK" in src or "c.atomic" in src:
            return False
        if any(w in src for w in _SHARED_WRITE):
            return False
        return not self._reads_shared(src)
