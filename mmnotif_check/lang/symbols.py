"""What a name in a model file stands for, and the per-file symbol tables."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from mmnotif_check.lang.loader import SourceFile
from mmnotif_check.lang.types import FieldType


@dataclass
class ConstSym:
    name: str
    module: ModuleInfo
    node: ast.Assign
    value: Any = None
    evaluated: bool = False


@dataclass
class GlobalSym:
    name: str
    module: ModuleInfo
    node: ast.AnnAssign
    index: int = -1
    type: FieldType = field(default_factory=lambda: FieldType("any"))
    initial: Any = None
    shown: str = ""


@dataclass
class FieldSpec:
    name: str
    type: FieldType
    default: Any
    node: ast.AnnAssign


@dataclass
class ClassSym:
    name: str
    module: ModuleInfo
    node: ast.ClassDef
    id: int = -1
    fields: list[FieldSpec] = field(default_factory=list)


@dataclass
class FuncSym:
    """A procedure, ``@pure`` function, property or ``init``."""

    name: str
    module: ModuleInfo
    node: ast.FunctionDef
    kind: str  # proc | pure | invariant | final | init
    id: int = -1
    params: list[str] = field(default_factory=list)
    defaults: list[Any] = field(default_factory=list)
    doc: str = ""

    @property
    def takes_steps(self) -> bool:
        return self.kind in ("proc", "init")


@dataclass
class BuiltinSym:
    name: str


Symbol = ConstSym | GlobalSym | ClassSym | FuncSym | BuiltinSym


@dataclass
class ModuleInfo:
    src: SourceFile
    defs: dict[str, Symbol] = field(default_factory=dict)
    names: dict[str, Symbol] = field(default_factory=dict)
    # import alias -> (target module key, name in it, node)
    pending_imports: dict[str, tuple[str, str, ast.ImportFrom]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return str(self.src.path)
