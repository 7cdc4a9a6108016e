"""Static types the lowering needs: C fixed-width arithmetic and the class of references.

Fixed width.  An operation whose operands have a fixed-width type (a typed field or
global, a cast, a local only ever assigned such values) wraps as in C; everything else
stays a plain unbounded Python int.  A local's type is the one fixed-width type all its
assignments agree on (an optimistic fixpoint, so ``x = x + 1`` keeps ``x``'s type).

Classes.  For the effect analysis a field access names the classes that may own the
field: every class declaring a field of that name, narrowed to one class where the
object's class is known (a field of reference type, a ``new(C)``).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import Any

from mmnotif_check.lang.builtins import BINOPS
from mmnotif_check.lang.symbols import ClassSym, ConstSym, FuncSym, GlobalSym, ModuleInfo
from mmnotif_check.lang.types import SINT_WIDTHS, UINT_WIDTHS, FieldType

LITERAL = "int-literal"  # static type of an int constant: adapts to the other operand
UNKNOWN = "not-yet-known"  # a local's type during inference


def annotation_type(node: ast.expr) -> FieldType | None:
    """The fixed-width type an annotation or cast name denotes, if any."""
    if isinstance(node, ast.Name) and node.id in UINT_WIDTHS:
        return FieldType("uint", UINT_WIDTHS[node.id])
    if isinstance(node, ast.Name) and node.id in SINT_WIDTHS:
        return FieldType("sint", SINT_WIDTHS[node.id])
    return None


class WidthInference:
    """Fixed-width static types of the expressions of one function."""

    def __init__(self, sym: FuncSym, slots: dict[str, int], classes: list[ClassSym]) -> None:
        self.sym = sym
        self.mod: ModuleInfo = sym.module
        self.slots = slots
        self.classes = classes
        self.comp_scopes: Sequence[Mapping[str, Any]] = []
        self.ltypes: dict[str, Any] = {}
        self._infer_locals()

    def _is_step_call(self, call: ast.Call) -> bool:
        if isinstance(call.func, ast.Name):
            if call.func.id == "call":
                return True
            sym = self.mod.names.get(call.func.id)
            return isinstance(sym, FuncSym) and sym.takes_steps
        return False

    def _infer_locals(self) -> None:
        sources: dict[str, list[ast.expr | FieldType | None]] = {}
        node = self.sym.node
        for a in node.args.args:
            if a.annotation is not None and a.arg in self.slots:
                sources.setdefault(a.arg, []).append(annotation_type(a.annotation))
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
                call = isinstance(sub.value, ast.Call) and self._is_step_call(sub.value)
                sources.setdefault(sub.targets[0].id, []).append(None if call else sub.value)
            elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, ast.Name):
                sources.setdefault(sub.target.id, []).append(annotation_type(sub.annotation))
            elif isinstance(sub, ast.For | ast.Assign | ast.AugAssign):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                for tgt in targets:
                    for n in ast.walk(tgt):
                        if isinstance(n, ast.Name) and not isinstance(sub, ast.AugAssign):
                            sources.setdefault(n.id, []).append(None)
        for a in node.args.args:
            if a.annotation is None:  # an untyped parameter can hold anything
                sources.setdefault(a.arg, []).append(None)
        for name in sources:
            self.ltypes[name] = UNKNOWN
        for _ in range(4):
            for name, srcs in sources.items():
                kinds = {x if isinstance(x, FieldType) or x is None else self.static_type(x) for x in srcs}
                kinds.discard(LITERAL)
                kinds.discard(UNKNOWN)
                if not kinds:
                    self.ltypes[name] = UNKNOWN
                elif len(kinds) == 1:
                    (only,) = kinds
                    self.ltypes[name] = only if isinstance(only, FieldType) else None
                else:
                    self.ltypes[name] = None
        for name, t in self.ltypes.items():
            if t is UNKNOWN:
                self.ltypes[name] = None

    def static_type(self, node: ast.expr) -> Any:
        """A fixed-width FieldType, LITERAL for an int constant, or None (unknown/other)."""
        if isinstance(node, ast.Constant):
            return LITERAL if type(node.value) is int else None
        if isinstance(node, ast.Name):
            if any(node.id in sc for sc in self.comp_scopes):
                return None
            if node.id in self.slots:
                return self.ltypes.get(node.id)
            sym = self.mod.names.get(node.id)
            if isinstance(sym, GlobalSym) and sym.type.kind in ("uint", "sint"):
                return sym.type
            if isinstance(sym, ConstSym) and type(sym.value) is int:
                return LITERAL
            return None
        if isinstance(node, ast.Attribute):
            kinds = {f.type for c in self.classes for f in c.fields if f.name == node.attr}
            if len(kinds) == 1:
                (only,) = kinds
                return only if only.kind in ("uint", "sint") else None
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in UINT_WIDTHS or node.func.id in SINT_WIDTHS:
                return annotation_type(node.func)
            if node.func.id == "symbolic" and len(node.args) == 2:
                return annotation_type(node.args[1])
            return None
        if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
            lt, rt = self.static_type(node.left), self.static_type(node.right)
            if isinstance(node.op, ast.LShift | ast.RShift):
                return lt
            if isinstance(lt, FieldType) and isinstance(rt, FieldType):
                return lt if (lt.width or 0) >= (rt.width or 0) else rt
            if isinstance(lt, FieldType):
                return lt
            if isinstance(rt, FieldType):
                return rt
            if UNKNOWN in (lt, rt) and {lt, rt} <= {LITERAL, UNKNOWN}:
                return UNKNOWN
            return LITERAL if lt is LITERAL and rt is LITERAL else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Invert | ast.UAdd):
            return self.static_type(node.operand)
        if isinstance(node, ast.IfExp):
            a, b = self.static_type(node.body), self.static_type(node.orelse)
            return a if a == b else None
        return None


def field_classes(name: str, field_slots: dict[str, list[int | None]], known: int | None) -> tuple[int, ...]:
    """The classes that may own field ``name`` of an object of class ``known`` (if known)."""
    table = field_slots.get(name, [])
    owners = tuple(c for c, slot in enumerate(table) if slot is not None)
    if known is not None and known in owners:
        return (known,)
    return owners
