"""What a state looks like to a person: a JSON-friendly description and step diffs."""

from __future__ import annotations

from typing import Any

from mmnotif_check.lang import runtime
from mmnotif_check.lang.ir import Function
from mmnotif_check.lang.limits import MAX_INT_BITS
from mmnotif_check.lang.runtime import Ref
from mmnotif_check.symbolic import values as symvals

SHOWN_INT_BITS = 4 * MAX_INT_BITS  # locals can outgrow the bound by +: show those by size


def jsonable(v: Any) -> Any:
    """Model values as JSON values: tuples become lists, references their names."""
    if type(v) is int and v.bit_length() > SHOWN_INT_BITS:  # too long to print in decimal
        return f"<an int of {v.bit_length()} bits>"
    if isinstance(v, Ref | runtime.ProcRef):
        return v.name
    if isinstance(v, symvals.Sym | symvals.SymBool):
        return f"<{v!r}>"
    if isinstance(v, tuple):
        return [jsonable(x) for x in v]
    return v


def _differs(a: Any, b: Any) -> bool:
    return a != b or type(a) is not type(b)


class Inspector:
    """Describes decoded states of one program."""

    def __init__(self, functions: list[Function], global_names: list[str], class_fields: list[list[str]],
                 class_names: list[str]) -> None:
        self.functions = functions
        self.global_names = global_names
        self.class_fields = class_fields
        self.class_names = class_names

    def describe(self, g: tuple[Any, ...], heap: tuple[Any, ...], infos: tuple[Any, ...],
                 stacks: list[list[tuple[Any, ...]]]) -> dict[str, Any]:
        """Globals, objects and threads (with every frame's locals) as JSON values."""
        objs: dict[str, dict[str, Any]] = {}
        for rec in heap:
            ref = rec[0]
            objs[ref.name] = {f: jsonable(v) for f, v in zip(self.class_fields[ref.c], rec[1:], strict=True)}
        threads = []
        for (name, daemon), frames in zip(infos, stacks, strict=True):
            stack = []
            for fr in frames:
                fn = self.functions[fr[0]]
                info = fn.instrs[fr[1]].info
                locs = {n: jsonable(v) for n, v in zip(fn.local_names, fr[2:], strict=True) if not n.startswith("<")}
                stack.append({"function": fn.name, "at": f"{info.path}:{info.line}", "locals": locs})
            threads.append({"name": name, "daemon": daemon, "done": not frames, "stack": stack})
        return {
            "globals": {n: jsonable(v) for n, v in zip(self.global_names, g, strict=True)},
            "objects": objs,
            "threads": threads,
        }

    def diff(self, before: tuple[Any, ...], after: tuple[Any, ...], tid: int | None,
             old_top: tuple[Any, ...] | None, new_top: tuple[Any, ...] | None,
             same_depth: bool) -> list[tuple[str, Any, Any]]:
        """What a step changed: (name, old, new) for globals, fields, spawned threads, locals.

        ``before``/``after`` are ``(globals, heap, infos)``; ``old_top``/``new_top`` the
        stepping thread's innermost frame before and after (None: no frame).
        """
        changes: list[tuple[str, Any, Any]] = []
        for n, a, b in zip(self.global_names, before[0], after[0], strict=True):
            if _differs(a, b):
                changes.append((n, a, b))
        old_heap = before[1]
        for k, rec in enumerate(after[1]):
            ref = rec[0]
            if k >= len(old_heap):
                changes.append((ref.name, None, "new " + self.class_names[ref.c]))
                continue
            orec = old_heap[k]
            if orec is rec:
                continue
            for f, a, b in zip(self.class_fields[ref.c], orec[1:], rec[1:], strict=True):
                if _differs(a, b):
                    changes.append((f"{ref.name}.{f}", a, b))
        for k in range(len(before[2]), len(after[2])):
            changes.append((f"thread {after[2][k][0]}", None, "spawned"))
        if tid is not None and tid >= 0:
            if old_top is not None and new_top is not None and same_depth and old_top[0] == new_top[0]:
                fn = self.functions[new_top[0]]
                for n, a, b in zip(fn.local_names, old_top[2:], new_top[2:], strict=True):
                    if not n.startswith("<") and _differs(a, b):
                        changes.append((n, a, b))
            if old_top is not None and new_top is None:
                changes.append((f"thread {after[2][tid][0]}", "running", "returned"))
        return changes
