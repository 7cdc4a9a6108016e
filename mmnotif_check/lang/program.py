"""Compile a model: declarations, lowering to IR, layout, code generation.

:func:`compile_program` is the whole front end: it never imports or runs the model, and
every problem with the model is an :class:`~mmnotif_check.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mmnotif_check.lang import ir
from mmnotif_check.lang.codegen import render_program
from mmnotif_check.lang.declare import declare
from mmnotif_check.lang.layout import layout
from mmnotif_check.lang.loader import SourceFile
from mmnotif_check.lang.lower import FunctionLowering
from mmnotif_check.lang.symbols import ClassSym, FuncSym, GlobalSym


@dataclass
class Program:
    """A compiled model: its symbol tables, the IR of every function and the generated code."""

    root: str
    sources: list[SourceFile]
    constants: dict[str, Any]
    constant_nodes: dict[str, tuple[str, int]]
    globals: list[GlobalSym]
    classes: list[ClassSym]
    functions: list[ir.Function]  # by function id
    syms: list[FuncSym]  # by function id
    field_slots: dict[str, list[int | None]]  # field name -> record slot per class id
    invariants: list[FuncSym]
    finals: list[FuncSym]
    init: FuncSym | None
    source: str
    assert_tags: frozenset[str] = frozenset()
    symbolic: bool = False  # a symbolic() call can run: compiled with Z3-aware ==
    consts: list[Any] = field(default_factory=list)  # the generated code's table _K of big constants


def _end_info(fn: ir.Function, sym: FuncSym) -> ir.InstrInfo:
    node = sym.node
    last = node.body[-1]
    end_line = getattr(last, "end_lineno", node.lineno) or node.lineno
    return ir.InstrInfo(fn.path, end_line, node.col_offset + 1, f"return  # end of {fn.name}", "return")


def compile_program(root: str, overrides: Mapping[str, Any] | None = None) -> Program:
    """Parse, check and compile a model file with constant overrides."""
    decls = declare(root, overrides)
    tags: set[str] = set()
    functions: list[ir.Function] = []
    consts: list[Any] = []
    for sym in decls.funcs:
        fn = FunctionLowering(decls, sym, tags).lower()
        if fn.takes_steps:
            fn.instrs = layout(fn, _end_info(fn, sym))
        functions.append(fn)
    return Program(
        root=decls.root,
        sources=decls.sources,
        constants=decls.constants,
        constant_nodes=decls.constant_nodes,
        globals=decls.globals,
        classes=decls.classes,
        functions=functions,
        syms=decls.funcs,
        field_slots=decls.field_slots,
        invariants=[f for f in decls.funcs if f.kind == "invariant"],
        finals=[f for f in decls.funcs if f.kind == "final"],
        init=decls.init,
        source=render_program(functions, decls.symbolic, consts),
        assert_tags=frozenset(tags),
        symbolic=decls.symbolic,
        consts=consts,
    )
