"""Declared types of globals and struct fields, and the constant evaluator."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mmnotif_check.lang import limits

UINT_WIDTHS = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}
SINT_WIDTHS = {"s8": 8, "s16": 16, "s32": 32, "s64": 64}
SCALAR_TYPES = {"bool", "int", "str", "tuple", "list", *UINT_WIDTHS, *SINT_WIDTHS}


@dataclass(frozen=True)
class FieldType:
    """``kind`` is one of bool, int, uint, sint, str, tuple, ref, any."""

    kind: str
    width: int | None = None
    cls: str | None = None

    def default(self) -> Any:
        return {
            "bool": False,
            "int": 0,
            "uint": 0,
            "sint": 0,
            "str": "",
            "tuple": (),
        }.get(self.kind)

    def describe(self) -> str:
        if self.kind == "uint":
            return f"u{self.width}"
        if self.kind == "sint":
            return f"s{self.width}"
        if self.kind == "ref":
            return str(self.cls)
        return self.kind

    def accepts(self, value: Any) -> bool:
        """Whether a compile-time literal fits this type (references are always None)."""
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind in ("int", "uint", "sint"):
            return isinstance(value, int)
        if self.kind == "str":
            return isinstance(value, str)
        if self.kind == "tuple":
            return isinstance(value, tuple)
        if self.kind in ("ref", "proc"):
            return value is None
        return True

    def normalize(self, value: Any) -> Any:
        if self.kind == "uint" and self.width is not None:
            return value & ((1 << self.width) - 1)
        if self.kind == "sint" and self.width is not None:
            value &= (1 << self.width) - 1
            return value - (1 << self.width) if value >= 1 << (self.width - 1) else value
        return value


def parse_type(
    node: ast.expr, class_names: set[str], fail: Callable[[ast.AST, str], Exception]
) -> FieldType:
    """Parse an annotation such as ``bool``, ``u64``, ``VM``, ``tuple[int, ...]``, ``VM | None``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            inner = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            raise fail(node, f"bad type annotation {node.value!r}") from None
        ast.copy_location(inner, node)
        return parse_type(inner, class_names, fail)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = [node.left, node.right]
        real = [p for p in parts if not (isinstance(p, ast.Constant) and p.value is None)]
        if len(real) == 1:
            return parse_type(real[0], class_names, fail)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if node.value.id in ("tuple", "list"):
            return FieldType("tuple")
        if node.value.id == "Optional":
            return parse_type(node.slice, class_names, fail)
    if isinstance(node, ast.Name):
        name = node.id
        if name in UINT_WIDTHS:
            return FieldType("uint", UINT_WIDTHS[name])
        if name in SINT_WIDTHS:
            return FieldType("sint", SINT_WIDTHS[name])
        if name in ("tuple", "list"):
            return FieldType("tuple")
        if name in ("bool", "int", "str"):
            return FieldType(name)
        if name == "proc":
            return FieldType("proc")
        if name in class_names:
            return FieldType("ref", cls=name)
        raise fail(
            node,
            f"unknown type '{name}' (allowed: bool, int, u8, u16, u32, u64, s8, s16, s32, "
            "s64, str, tuple, list, proc, or a class defined in the model)",
        )
    raise fail(node, "unsupported type annotation (use a type name such as u64, bool or a class)")


_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: limits.checked_mul,  # *, ** and <<: bounded before they compute (lang/limits.py)
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: limits.checked_pow,
    ast.LShift: limits.checked_lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}


def const_eval(
    node: ast.expr,
    names: Mapping[str, Any],
    fail: Callable[[ast.AST, str], Exception],
) -> Any:
    """Evaluate a constant expression: literals, tuples, arithmetic and earlier constants."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool | int | str) or node.value is None:
            if type(node.value) is int and node.value.bit_length() > limits.MAX_INT_BITS:
                raise fail(node, f"integer too large: a literal of {node.value.bit_length()} bits "
                                 f"(at most {limits.MAX_INT_BITS})")
            return node.value
        raise fail(node, f"literal of type {type(node.value).__name__} is not part of the model language")
    if isinstance(node, ast.Tuple | ast.List):
        value = tuple(const_eval(e, names, fail) for e in node.elts)
        try:
            return limits.check_nesting(value)
        except limits.LimitError as exc:
            raise fail(node, str(exc)) from None
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise fail(node, f"'{node.id}' is not a constant defined before this point")
    if isinstance(node, ast.UnaryOp):
        v = const_eval(node.operand, names, fail)
        try:
            if isinstance(node.op, ast.USub):
                return -v
            if isinstance(node.op, ast.UAdd):
                return +v
            if isinstance(node.op, ast.Invert):
                return ~v
            if isinstance(node.op, ast.Not):
                return not v
        except TypeError as exc:
            raise fail(node, f"bad constant expression: {exc}") from None
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left = const_eval(node.left, names, fail)
        right = const_eval(node.right, names, fail)
        try:
            value = _BINOPS[type(node.op)](left, right)
            if isinstance(value, int) and not isinstance(value, bool):
                limits.check_int(value)
            elif isinstance(value, str | tuple) and len(value) > limits.MAX_ITEMS:
                raise limits.LimitError(f"value too large: {len(value)} items (at most {limits.MAX_ITEMS})")
            return value
        except limits.LimitError as exc:
            raise fail(node, str(exc)) from None
        except (TypeError, ZeroDivisionError, ValueError, OverflowError) as exc:
            raise fail(node, f"bad constant expression: {exc}") from None
    raise fail(
        node,
        "a constant must be a literal (int, bool, str, None, a tuple of these) or arithmetic "
        "over literals and earlier constants",
    )
