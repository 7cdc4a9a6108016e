"""Check model files against the model language and compile them to Python source.

Pipeline: :func:`mmnotif_check.lang.loader.load_sources` parses the files; this module
builds the symbol tables (constants with overrides applied, globals, classes, functions),
checks every construct against DESIGN section 3, and emits one generated Python module.
Each procedure statement becomes one small function ``_i<proc>_<pc>(c, L)`` that runs the
statement on a :class:`~mmnotif_check.lang.runtime.StepContext` and returns the next pc
or a control code; ``@pure`` functions and properties become ordinary Python functions.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mmnotif_check.errors import InputError, OverrideError
from mmnotif_check.lang.loader import SourceFile, load_sources
from mmnotif_check.lang.symbols import (
    ClassSym,
    ConstSym,
    FieldSpec,
    FuncSym,
    GlobalSym,
    ModuleInfo,
    Symbol,
)
from mmnotif_check.lang.types import SINT_WIDTHS, UINT_WIDTHS, FieldType, const_eval, parse_type

DECORATORS = {"pure", "invariant", "final"}
STATEMENT_BUILTINS = {"wait_until", "atomic"}
STEP_BUILTINS = {"choose", "spawn", "new", "call"}  # only inside procedures and init()
EXPR_BUILTINS = {
    "len",
    "min",
    "max",
    "sum",
    "all",
    "any",
    "abs",
    "range",
    "sorted",
    "reversed",
    "tuple",
    "list",
    "enumerate",
    "zip",
    "bool",
    "int",
    "str",
    "remove",
    "discard",
    "append",
    "index",
    "objects",
    "me",
    "symbolic",
    *UINT_WIDTHS,
    *SINT_WIDTHS,
}
ALL_BUILTINS = STATEMENT_BUILTINS | STEP_BUILTINS | EXPR_BUILTINS | DECORATORS
ARITY: dict[str, tuple[int, int | None]] = {
    "len": (1, 1),
    "abs": (1, 1),
    "min": (1, None),
    "max": (1, None),
    "sum": (1, 2),
    "all": (1, 1),
    "any": (1, 1),
    "range": (1, 3),
    "sorted": (1, 1),
    "reversed": (1, 1),
    "tuple": (0, 1),
    "list": (0, 1),
    "enumerate": (1, 1),
    "zip": (1, None),
    "bool": (1, 1),
    "int": (1, 1),
    "str": (1, 1),
    "remove": (2, 2),
    "discard": (2, 2),
    "append": (2, 2),
    "index": (2, 2),
    "objects": (1, 1),
    "me": (0, 0),
    "choose": (1, None),
    "spawn": (1, None),
    "new": (1, 1),
    "call": (1, None),
    "symbolic": (2, 2),
    "wait_until": (1, 1),
    "atomic": (0, 0),
    **{name: (1, 1) for name in (*UINT_WIDTHS, *SINT_WIDTHS)},
}
GENERATOR_CONSUMERS = {"all", "any", "sum", "min", "max", "sorted", "tuple", "list", "len"}

NOT_IN_LANGUAGE: dict[type, str] = {
    ast.Lambda: "'lambda'",
    ast.Dict: "a dict display",
    ast.Set: "a set display",
    ast.DictComp: "a dict comprehension",
    ast.SetComp: "a set comprehension",
    ast.NamedExpr: "an assignment expression (':=')",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
    ast.Try: "'try'",
    ast.Raise: "'raise'",
    ast.Delete: "'del'",
    ast.Import: "'import'",
    ast.ImportFrom: "an import inside a function",
    ast.Nonlocal: "'nonlocal'",
    ast.ClassDef: "a nested class",
    ast.FunctionDef: "a nested function",
    ast.AsyncFunctionDef: "'async def'",
    ast.AsyncFor: "'async for'",
    ast.AsyncWith: "'async with'",
    ast.Match: "'match'",
    ast.Starred: "a starred expression here",
}
if hasattr(ast, "TryStar"):
    NOT_IN_LANGUAGE[ast.TryStar] = "'try'"

BINOPS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
}
CMPOPS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
UNARYOPS = {ast.Not: "not ", ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}


_TAG = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):")


def assert_tag(message: str) -> str | None:
    """The property name of an assert: the identifier before ':' in its message."""
    m = _TAG.match(message)
    return m.group(1) if m else None


def suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass
class InstrInfo:
    """Where a compiled instruction comes from."""

    path: str
    line: int
    col: int
    text: str
    kind: str  # stmt | call | return | wait | atomic | if | while | for | end


@dataclass
class CompiledFunc:
    sym: FuncSym
    nslots: int = 0
    local_names: list[str] = field(default_factory=list)
    infos: list[InstrInfo] = field(default_factory=list)
    instr_names: list[str] = field(default_factory=list)
    resume_names: dict[int, str] = field(default_factory=dict)
    py_name: str = ""
    # generated source per instruction / resume / native function (for effect analysis)
    instr_src: list[str] = field(default_factory=list)
    resume_src: dict[int, str] = field(default_factory=dict)
    native_src: str = ""


@dataclass
class ProgramIR:
    """Everything the model runtime needs: generated source plus tables."""

    root: str
    sources: list[SourceFile]
    constants: dict[str, Any]
    constant_nodes: dict[str, tuple[str, int]]
    globals: list[GlobalSym]
    classes: list[ClassSym]
    funcs: list[CompiledFunc]
    field_slots: dict[str, list[int | None]]
    invariants: list[FuncSym]
    finals: list[FuncSym]
    init: FuncSym | None
    source: str
    assert_tags: frozenset[str] = frozenset()
    symbolic: bool = False  # the program creates symbolic values (compiled with Z3-aware ==)


DYNAMIC: Any = FuncSym.__new__(FuncSym)  # marker: a call through a procedure reference


def _calls_symbolic(node: ast.AST, env: dict[str, Any]) -> bool:
    """Whether ``node`` contains a symbolic() call outside branches that constants rule out."""
    if isinstance(node, ast.If):
        try:
            taken = bool(const_eval(node.test, env, lambda n, m: ValueError(m)))
        except ValueError:
            taken = None  # not a constant test: both branches may run
        if taken is True:
            return any(_calls_symbolic(n, env) for n in node.body)
        if taken is False:
            return any(_calls_symbolic(n, env) for n in node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "symbolic":
        return True
    return any(_calls_symbolic(child, env) for child in ast.iter_child_nodes(node))


LITERAL = "int-literal"  # static_type of an int constant: adapts to the other operand
UNKNOWN = "not-yet-known"  # a local's type during inference


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class Label:
    __slots__ = ("alias", "pc")

    def __init__(self) -> None:
        self.pc: int | None = None
        self.alias: Label | None = None

    def resolve(self) -> int:
        seen = 0
        lab: Label = self
        while lab.pc is None:
            assert lab.alias is not None, "unplaced label"
            lab = lab.alias
            seen += 1
            assert seen < 100000
        return lab.pc


@dataclass
class _Instr:
    info: InstrInfo
    body: list[str]
    targets: dict[str, Label]
    resume: list[str] | None = None


@dataclass
class _Loop:
    head: Label
    after: Label
    atomic_depth: int
    for_slots: tuple[int, int] | None


class ProgramCompiler:
    """Compile a root model file (and its imports) with constant overrides."""

    def __init__(self, root: str, overrides: Mapping[str, Any] | None = None) -> None:
        self.root = root
        self.overrides = dict(overrides or {})
        self.sources = load_sources(root)
        self.modules: dict[str, ModuleInfo] = {}
        self.globals: list[GlobalSym] = []
        self.classes: list[ClassSym] = []
        self.funcs: list[FuncSym] = []
        self.field_slots: dict[str, list[int | None]] = {}
        self.assert_tags: set[str] = set()
        self.symbolic = False
        self.out: list[str] = []

    # ----------------------------------------------------------------- declarations
    def compile(self) -> ProgramIR:
        for src in self.sources:
            self._declare(src)
        for mod in self.modules.values():
            self._resolve_imports(mod)
        constants, constant_nodes = self._evaluate_constants()
        # Symbolic mode (Z3-aware ==) only if a symbolic() call can run: code under an
        # `if` whose test is a false constant (a variant switch) does not count.
        self.symbolic = any(
            _calls_symbolic(src.tree, self._const_env(self.modules[str(src.path)])) for src in self.sources
        )
        self._declare_classes()
        self._declare_globals()
        compiled = [FunctionCompiler(self, f).compile() for f in self.funcs]
        root_mod = self.modules[str(self.sources[-1].path)]
        init = root_mod.names.get("init")
        inv = [f for f in self.funcs if f.kind == "invariant"]
        fin = [f for f in self.funcs if f.kind == "final"]
        return ProgramIR(
            root=self.root,
            sources=self.sources,
            constants=constants,
            constant_nodes=constant_nodes,
            globals=self.globals,
            classes=self.classes,
            funcs=compiled,
            field_slots=self.field_slots,
            invariants=inv,
            finals=fin,
            init=init if isinstance(init, FuncSym) and init.kind == "init" else None,
            source="\n".join(self.out) + "\n",
            assert_tags=frozenset(self.assert_tags),
            symbolic=self.symbolic,
        )

    def _declare(self, src: SourceFile) -> None:
        mod = ModuleInfo(src)
        self.modules[mod.key] = mod
        is_root = src is self.sources[-1]
        for node in src.tree.body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                continue  # docstring or string comment
            if isinstance(node, ast.ImportFrom):
                target = src.imports.get(id(node))
                for alias in node.names:
                    if alias.name == "*":
                        raise src.error(node, "'import *' is not part of the model language (name what you import)")
                    local = alias.asname or alias.name
                    if target is None:
                        if alias.name not in ALL_BUILTINS:
                            raise src.error(
                                node, f"'{alias.name}' is not a builtin of the model language"
                                f"{suggest(alias.name, sorted(ALL_BUILTINS))}"
                            )
                        continue
                    self._check_new_name(mod, local, node)
                    mod.pending_imports[local] = (target, alias.name, node)
                continue
            if isinstance(node, ast.Assign):
                if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                    raise src.error(node, "a module-level assignment must be 'NAME = <literal>' (a constant)")
                name = node.targets[0].id
                self._check_new_name(mod, name, node)
                mod.defs[name] = ConstSym(name, mod, node)
                continue
            if isinstance(node, ast.AnnAssign):
                if not isinstance(node.target, ast.Name):
                    raise src.error(node, "a global must be declared as 'name: type = <literal>'")
                name = node.target.id
                self._check_new_name(mod, name, node)
                sym = GlobalSym(name, mod, node)
                mod.defs[name] = sym
                continue
            if isinstance(node, ast.ClassDef):
                self._check_new_name(mod, node.name, node)
                csym = ClassSym(node.name, mod, node, id=len(self.classes))
                self.classes.append(csym)
                mod.defs[node.name] = csym
                continue
            if isinstance(node, ast.FunctionDef):
                self._check_new_name(mod, node.name, node)
                fsym = self._declare_function(mod, node, is_root)
                mod.defs[node.name] = fsym
                continue
            what = NOT_IN_LANGUAGE.get(type(node))
            if isinstance(node, ast.Import):
                what = "'import'"
                raise src.error(node, "'import' is not part of the model language (use 'from <model module> import name')")
            kind = what or f"'{type(node).__name__.lower()}'"
            raise src.error(
                node,
                f"{kind} at module level is not part of the model language (allowed at module "
                "level: a docstring, imports, constants, globals, classes and functions)",
            )
        mod.names.update(mod.defs)

    def _check_new_name(self, mod: ModuleInfo, name: str, node: ast.AST) -> None:
        if name in mod.defs or name in mod.pending_imports:
            raise mod.src.error(node, f"'{name}' is defined twice in this file")
        if name in ALL_BUILTINS:
            raise mod.src.error(node, f"'{name}' is a builtin of the model language and cannot be redefined")

    def _declare_function(self, mod: ModuleInfo, node: ast.FunctionDef, is_root: bool) -> FuncSym:
        src = mod.src
        kinds = []
        for dec in node.decorator_list:
            if isinstance(dec, ast.Name) and dec.id in DECORATORS:
                kinds.append(dec.id)
            else:
                raise src.error(dec, "unknown decorator (allowed: @pure, @invariant, @final)")
        if len(kinds) > 1:
            raise src.error(node, f"function '{node.name}' has more than one of @pure, @invariant, @final")
        kind = kinds[0] if kinds else ("init" if node.name == "init" and is_root else "proc")
        args = node.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise src.error(node, f"function '{node.name}': only plain positional parameters are allowed (no *args, **kwargs, keyword-only or positional-only)")
        params = [a.arg for a in args.args]
        if len(set(params)) != len(params):
            raise src.error(node, f"function '{node.name}' has a repeated parameter")
        if kind in ("invariant", "final", "init") and params:
            raise src.error(node, f"{'@' + kind if kind != 'init' else 'init()'} '{node.name}' must take no parameters")
        defaults = [const_eval(d, {}, src.error) for d in args.defaults]
        doc = ast.get_docstring(node) or ""
        sym = FuncSym(node.name, mod, node, kind, id=len(self.funcs), params=params, defaults=defaults, doc=doc)
        self.funcs.append(sym)
        return sym

    def _resolve_imports(self, mod: ModuleInfo) -> None:
        for local, (target, name, node) in mod.pending_imports.items():
            mod.names[local] = self._lookup_export(target, name, mod, node, set())

    def _lookup_export(self, target: str, name: str, mod: ModuleInfo, node: ast.AST, seen: set[tuple[str, str]]) -> Symbol:
        if (target, name) in seen:
            raise mod.src.error(node, f"import cycle while resolving '{name}'")
        seen.add((target, name))
        tmod = self.modules[target]
        if name in tmod.defs:
            return tmod.defs[name]
        if name in tmod.pending_imports:
            t2, n2, _ = tmod.pending_imports[name]
            return self._lookup_export(t2, n2, mod, node, seen)
        known = sorted(set(tmod.defs) | set(tmod.pending_imports))
        raise mod.src.error(node, f"'{tmod.src.shown}' defines no '{name}'{suggest(name, known)}")

    def _evaluate_constants(self) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
        root = self.modules[str(self.sources[-1].path)]
        # Which ConstSym each override names: the root's own (or imported) name first,
        # else the one library constant of that name.
        targets: dict[int, str] = {}
        for name in self.overrides:
            sym = root.names.get(name)
            if not isinstance(sym, ConstSym):
                cands = [m.defs[name] for m in self.modules.values() if isinstance(m.defs.get(name), ConstSym)]
                if len(cands) == 1:
                    sym = cands[0]
                else:
                    known = self._known_constants()
                    raise OverrideError(
                        self.root, name,
                        f"unknown constant '{name}'{suggest(name, known)} "
                        f"(known constants: {', '.join(known) or 'none'})",
                    )
            assert isinstance(sym, ConstSym)
            targets[id(sym)] = name
        shown: dict[str, Any] = {}
        nodes: dict[str, tuple[str, int]] = {}
        for src in self.sources:  # dependencies first
            mod = self.modules[str(src.path)]
            env: dict[str, Any] = {}
            for name, sym in mod.names.items():
                if isinstance(sym, ConstSym) and sym.evaluated:
                    env[name] = sym.value
            for node in src.tree.body:
                if not isinstance(node, ast.Assign):
                    continue
                name = node.targets[0].id  # type: ignore[attr-defined]
                csym = mod.defs[name]
                assert isinstance(csym, ConstSym)
                value = const_eval(node.value, env, src.error)
                if id(csym) in targets:
                    value = self._coerce_override(targets[id(csym)], value, self.overrides[targets[id(csym)]])
                csym.value = value
                csym.evaluated = True
                env[name] = value
                if src is self.sources[-1] or name not in shown:
                    shown[name] = value
                    nodes[name] = (src.shown, node.lineno)
        return shown, nodes

    def _known_constants(self) -> list[str]:
        names: set[str] = set()
        for mod in self.modules.values():
            names.update(n for n, s in mod.defs.items() if isinstance(s, ConstSym))
        return sorted(names)

    def _coerce_override(self, name: str, default: Any, value: Any) -> Any:
        if default is None or type(default) is type(value):
            return value
        if isinstance(default, int) and not isinstance(default, bool) and isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(default, str) and isinstance(value, str):
            return value
        raise OverrideError(
            self.root, name,
            f"constant '{name}' has type {type(default).__name__} "
            f"(default {default!r}), cannot set it to {value!r}",
        )

    def _const_env(self, mod: ModuleInfo) -> dict[str, Any]:
        return {n: s.value for n, s in mod.names.items() if isinstance(s, ConstSym) and s.evaluated}

    def _declare_classes(self) -> None:
        names_by_mod: dict[str, set[str]] = {}
        for key, mod in self.modules.items():
            names_by_mod[key] = {n for n, s in mod.names.items() if isinstance(s, ClassSym)}
        for cls in self.classes:
            src = cls.module.src
            node = cls.node
            if node.bases or node.keywords:
                raise src.error(node, f"class '{cls.name}' must not have base classes (classes are plain structs)")
            if node.decorator_list:
                raise src.error(node.decorator_list[0], f"class '{cls.name}' must not have decorators")
            env = self._const_env(cls.module)
            for pos, item in enumerate(node.body):
                if pos == 0 and isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant):
                    continue
                if isinstance(item, ast.Pass):
                    continue
                if isinstance(item, ast.FunctionDef):
                    raise src.error(item, f"class '{cls.name}': methods are not part of the model language (classes are plain structs; write a procedure taking the object)")
                if not isinstance(item, ast.AnnAssign) or not isinstance(item.target, ast.Name):
                    raise src.error(item, f"class '{cls.name}': only annotated fields 'name: type = default' are allowed in a class body")
                ftype = parse_type(item.annotation, names_by_mod[cls.module.key], src.error)
                if ftype.kind == "ref":
                    target = cls.module.names[str(ftype.cls)]
                    assert isinstance(target, ClassSym)
                    ftype = FieldType("ref", cls=str(target.id))
                if item.value is None:
                    default = ftype.default()
                else:
                    default = const_eval(item.value, env, src.error)
                    if not ftype.accepts(default):
                        raise src.error(item.value, f"field '{item.target.id}' of type {ftype.describe()} cannot default to {default!r}")
                    default = ftype.normalize(default)
                fname = item.target.id
                if any(f.name == fname for f in cls.fields):
                    raise src.error(item, f"class '{cls.name}' declares field '{fname}' twice")
                cls.fields.append(FieldSpec(fname, ftype, default, item))
        for cls in self.classes:
            for slot, f in enumerate(cls.fields, start=1):
                table = self.field_slots.setdefault(f.name, [None] * len(self.classes))
                table[cls.id] = slot

    def _declare_globals(self) -> None:
        counts: dict[str, int] = {}
        for src in self.sources:
            mod = self.modules[str(src.path)]
            for g in mod.defs.values():
                if isinstance(g, GlobalSym):
                    counts[g.name] = counts.get(g.name, 0) + 1
        for src in self.sources:
            mod = self.modules[str(src.path)]
            class_names = {n for n, s in mod.names.items() if isinstance(s, ClassSym)}
            env = self._const_env(mod)
            for node in src.tree.body:
                if not isinstance(node, ast.AnnAssign):
                    continue
                g = mod.defs[node.target.id]  # type: ignore[union-attr]
                assert isinstance(g, GlobalSym)
                gtype = parse_type(node.annotation, class_names, src.error)
                if gtype.kind == "ref":
                    target = mod.names[str(gtype.cls)]
                    assert isinstance(target, ClassSym)
                    gtype = FieldType("ref", cls=str(target.id))
                if node.value is None:
                    initial = gtype.default()
                else:
                    initial = const_eval(node.value, env, src.error)
                    if not gtype.accepts(initial):
                        raise src.error(node.value, f"global '{g.name}' of type {gtype.describe()} cannot start as {initial!r}")
                    initial = gtype.normalize(initial)
                g.type = gtype
                g.initial = initial
                g.index = len(self.globals)
                g.shown = g.name if counts[g.name] == 1 else f"{src.path.stem}.{g.name}"
                self.globals.append(g)


class FunctionCompiler:
    """Compile one function: a procedure to instructions, a pure function to Python."""

    def __init__(self, prog: ProgramCompiler, sym: FuncSym) -> None:
        self.prog = prog
        self.sym = sym
        self.mod = sym.module
        self.src = sym.module.src
        self.steps = sym.takes_steps
        self.slots: dict[str, int] = {}
        self.global_decl: set[str] = set()
        self.comp_scopes: list[dict[str, str]] = []
        self.instrs: list[_Instr] = []
        self.loops: list[_Loop] = []
        self.atomic_depth = 0
        self.atomic_first = False
        self.tmp = 0
        self.out = prog.out
        self.result = CompiledFunc(sym)

    def error(self, node: ast.AST, message: str) -> InputError:
        return self.src.error(node, message)

    # ------------------------------------------------------------------ scopes
    def _collect_locals(self) -> None:
        node = self.sym.node
        for p in self.sym.params:
            self.slots[p] = len(self.slots)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Global):
                if self.sym.kind != "proc" and self.sym.kind != "init":
                    raise self.error(sub, f"'global' in @{self.sym.kind} function '{self.sym.name}' (it may not assign globals)")
                for name in sub.names:
                    target = self.mod.names.get(name)
                    if not isinstance(target, GlobalSym):
                        raise self.error(sub, f"'global {name}': '{name}' is not a global declared as 'name: type = value' at module level")
                    self.global_decl.add(name)
        assigned: list[tuple[str, ast.AST]] = []

        def targets(t: ast.AST) -> None:
            if isinstance(t, ast.Name):
                assigned.append((t.id, t))
            elif isinstance(t, ast.Tuple | ast.List):
                for e in t.elts:
                    targets(e)

        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign):
                for t in sub.targets:
                    targets(t)
            elif isinstance(sub, ast.AugAssign | ast.AnnAssign | ast.For):
                targets(sub.target)
        for name, at in assigned:
            if name in self.global_decl or name in self.slots:
                continue
            sym = self.mod.names.get(name)
            if isinstance(sym, GlobalSym) and not self.steps:
                raise self.error(at, f"@{self.sym.kind} function '{self.sym.name}' may not assign global '{name}' (it must be side-effect-free)")
            if isinstance(sym, GlobalSym):
                raise self.error(at, f"assignment to global '{name}' needs 'global {name}' in '{self.sym.name}' (as in Python)")
            if isinstance(sym, ConstSym):
                raise self.error(at, f"'{name}' is a constant and cannot be assigned (override it with --set {name}=VALUE)")
            if isinstance(sym, FuncSym | ClassSym):
                raise self.error(at, f"'{name}' names a {'class' if isinstance(sym, ClassSym) else 'function'} and cannot be assigned")
            if name in ALL_BUILTINS:
                raise self.error(at, f"'{name}' is a builtin and cannot be assigned")
            self.slots[name] = len(self.slots)

    # ------------------------------------------------------- fixed-width typing
    # C semantics for u8..u64 / s8..s64 arithmetic on concrete values: an operation whose
    # operands have a fixed-width type (a typed field or global, a cast, a local only ever
    # assigned such values) wraps.  Everything else stays plain unbounded Python ints.
    def _infer_local_types(self) -> None:
        self.ltypes: dict[str, Any] = {}  # FieldType, None, or UNKNOWN while inferring
        sources: dict[str, list[ast.expr | FieldType | None]] = {}
        for a in self.sym.node.args.args:
            if a.annotation is not None and a.arg in self.slots:
                t = self._annotation_type(a.annotation)
                sources.setdefault(a.arg, []).append(t)
        for sub in ast.walk(self.sym.node):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
                call = isinstance(sub.value, ast.Call) and self._is_step_call(sub.value)
                sources.setdefault(sub.targets[0].id, []).append(None if call else sub.value)
            elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, ast.Name):
                sources.setdefault(sub.target.id, []).append(self._annotation_type(sub.annotation))
            elif isinstance(sub, ast.For | ast.Assign | ast.AugAssign):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                for tgt in targets:
                    for n in ast.walk(tgt):
                        if isinstance(n, ast.Name) and not isinstance(sub, ast.AugAssign):
                            sources.setdefault(n.id, []).append(None)
        for a in self.sym.node.args.args:
            if a.annotation is None:  # an untyped parameter can hold anything
                sources.setdefault(a.arg, []).append(None)
        # optimistic fixpoint: a local starts "not yet known" and takes the one fixed-width
        # type all its assignments agree on (so `x = x + 1` keeps x's type)
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

    def _is_step_call(self, call: ast.Call) -> bool:
        if isinstance(call.func, ast.Name):
            if call.func.id == "call":
                return True
            sym = self.mod.names.get(call.func.id)
            return isinstance(sym, FuncSym) and sym.takes_steps
        return False

    def _annotation_type(self, node: ast.expr) -> FieldType | None:
        if isinstance(node, ast.Name) and node.id in UINT_WIDTHS:
            return FieldType("uint", UINT_WIDTHS[node.id])
        if isinstance(node, ast.Name) and node.id in SINT_WIDTHS:
            return FieldType("sint", SINT_WIDTHS[node.id])
        return None

    def static_type(self, node: ast.expr) -> Any:
        """A fixed-width FieldType, LITERAL for an int constant, or None (unknown/other)."""
        if isinstance(node, ast.Constant):
            return LITERAL if type(node.value) is int else None
        if isinstance(node, ast.Name):
            if any(node.id in sc for sc in self.comp_scopes):
                return None
            if node.id in self.slots:
                return getattr(self, "ltypes", {}).get(node.id)
            sym = self.mod.names.get(node.id)
            if isinstance(sym, GlobalSym) and sym.type.kind in ("uint", "sint"):
                return sym.type
            if isinstance(sym, ConstSym) and type(sym.value) is int:
                return LITERAL
            return None
        if isinstance(node, ast.Attribute):
            kinds = {
                f.type for c in self.prog.classes for f in c.fields if f.name == node.attr
            }
            if len(kinds) == 1:
                (only,) = kinds
                return only if only.kind in ("uint", "sint") else None
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in UINT_WIDTHS or node.func.id in SINT_WIDTHS:
                return self._annotation_type(node.func)
            if node.func.id == "symbolic" and len(node.args) == 2:
                return self._annotation_type(node.args[1])
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

    def new_slot(self, hint: str) -> int:
        k = len(self.slots)
        self.slots[f"<{hint}{k}>"] = k
        return k

    def fresh(self) -> str:
        self.tmp += 1
        return f"_t{self.tmp}"

    # --------------------------------------------------------------- top level
    def compile(self) -> CompiledFunc:
        self._collect_locals()
        self._infer_local_types()
        if self.steps:
            self._compile_procedure()
        else:
            self._compile_native()
        self.result.local_names = list(self.slots)
        self.result.nslots = len(self.slots)
        return self.result

    def _body(self) -> list[ast.stmt]:
        body = list(self.sym.node.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body = body[1:]
        return body

    # -------------------------------------------------------------- procedures
    def _compile_procedure(self) -> None:
        end = Label()
        body = self._body()
        self.block(body, end)
        node = self.sym.node
        last = node.body[-1]
        end_line = getattr(last, "end_lineno", node.lineno) or node.lineno
        end.pc = len(self.instrs)
        self.instrs.append(
            _Instr(
                InstrInfo(self.src.shown, end_line, node.col_offset + 1, f"return  # end of {self.sym.name}", "return"),
                ["c.retval = None", "return _RETURN"],
                {},
            )
        )
        fid = self.sym.id
        for pc, ins in enumerate(self.instrs):
            name = f"_i{fid}_{pc}"
            self.result.instr_names.append(name)
            self.result.infos.append(ins.info)
            code = ["    " + self._patch(line, ins.targets) for line in ins.body]
            self.result.instr_src.append("\n".join(code))
            self.out.append(f"def {name}(c, L):")
            self.out.extend(code)
            if ins.resume is not None:
                rname = f"_r{fid}_{pc}"
                self.result.resume_names[pc] = rname
                resume = ["    " + self._patch(line, ins.targets) for line in ins.resume]
                self.result.resume_src[pc] = "\n".join(resume)
                self.out.append(f"def {rname}(c, L, _v):")
                self.out.extend(resume)

    @staticmethod
    def _patch(line: str, targets: dict[str, Label]) -> str:
        for key, lab in targets.items():
            line = line.replace(f"@{key}@", str(lab.resolve()))
        return line

    def info(self, node: ast.AST, kind: str, text: str | None = None) -> InstrInfo:
        if text is None:
            seg = self.src.segment(node)
            text = seg.splitlines()[0].strip() if seg else ""
        return InstrInfo(self.src.shown, getattr(node, "lineno", 0), getattr(node, "col_offset", 0) + 1, text, kind)

    def emit(self, entry: Label, ins: _Instr) -> int:
        pc = len(self.instrs)
        if entry.pc is None and entry.alias is None:
            entry.pc = pc
        self.instrs.append(ins)
        return pc

    def block(self, stmts: list[ast.stmt], cont: Label) -> Label:
        """Compile statements; return the label of the block's entry."""
        labels = [Label() for _ in stmts] + [cont]
        for k, st in enumerate(stmts):
            before = len(self.instrs)
            self.statement(st, labels[k], labels[k + 1])
            if len(self.instrs) == before and labels[k].pc is None:
                labels[k].alias = labels[k + 1]
        return labels[0]

    def statement(self, st: ast.stmt, entry: Label, nxt: Label) -> None:
        first_in_atomic = self.atomic_first
        if isinstance(st, ast.Global) or (
            isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str)
        ):
            return  # a declaration or a string comment: not a step
        self.atomic_first = False
        if isinstance(st, ast.Expr):
            value = st.value
            if not isinstance(value, ast.Call):
                if type(value) in NOT_IN_LANGUAGE:
                    self.expr(value)  # raises "'yield' is not part of the model language"
                raise self.error(st, "an expression statement has no effect (only calls may stand alone)")
            fname = value.func.id if isinstance(value.func, ast.Name) else None
            if fname == "wait_until" and self._is_builtin("wait_until"):
                self._check_arity(value, "wait_until")
                if self.atomic_depth > 0 and not first_in_atomic:
                    raise self.error(st, "wait_until may only be the first statement of a 'with atomic()' block (an atomic step may block only at its start, never halfway)")
                cond = self.expr(value.args[0])
                self.emit(entry, _Instr(self.info(st, "wait"), [f"if not ({cond}): return _BLOCK", "return @n@"], {"n": nxt}))
                return
            target_fn = self._callee(value)
            if target_fn is not None:
                self._call(st, value, target_fn, None, entry, nxt)
                return
            if isinstance(value.func, ast.Attribute):
                self.expr(value)  # raises the precise method-call error
            if fname in ("spawn", "choose", "new") and self._is_builtin(fname):
                code = self.expr(value)
                self.emit(entry, _Instr(self.info(st, "stmt"), [code, "return @n@"], {"n": nxt}))
                return
            raise self.error(st, "this call has no effect as a statement (only procedures, wait_until, spawn, choose and new may stand alone)")
        if isinstance(st, ast.Assign):
            if len(st.targets) != 1:
                raise self.error(st, "chained assignment 'a = b = ...' is not part of the model language (assign one target per statement)")
            self._assign_stmt(st, st.targets[0], st.value, entry, nxt)
            return
        if isinstance(st, ast.AnnAssign):
            if st.value is None:
                raise self.error(st, "a local declaration needs a value ('x: int = 0')")
            self._assign_stmt(st, st.target, st.value, entry, nxt)
            return
        if isinstance(st, ast.AugAssign):
            op = BINOPS.get(type(st.op))
            if op is None:
                raise self.error(st, "'/=' is not part of the model language (integers only; use '//=')")
            if isinstance(st.value, ast.Call) and self._callee(st.value) is not None:
                raise self.error(st.value, "a procedure call may not be an operand; store its result in a local first")
            combined = ast.BinOp(left=st.target, op=st.op, right=st.value)
            ast.copy_location(combined, st)
            lines = [f"_v = {self._x_BinOp(combined)}", *self.assign(st.target, "_v")]
            self.emit(entry, _Instr(self.info(st, "stmt"), [*lines, "return @n@"], {"n": nxt}))
            return
        if isinstance(st, ast.If):
            cond = self.expr(st.test)
            ins = _Instr(self.info(st, "if", self._header(st)), [f"return @t@ if ({cond}) else @e@"], {})
            self.emit(entry, ins)
            ins.targets["t"] = self.block(st.body, nxt)
            ins.targets["e"] = self.block(st.orelse, nxt) if st.orelse else nxt
            return
        if isinstance(st, ast.While):
            if st.orelse:
                raise self.error(st, "'while ... else' is not part of the model language")
            cond = self.expr(st.test)
            ins = _Instr(self.info(st, "while", self._header(st)), [f"return @b@ if ({cond}) else @n@"], {"n": nxt})
            self.emit(entry, ins)
            self.loops.append(_Loop(entry, nxt, self.atomic_depth, None))
            ins.targets["b"] = self.block(st.body, entry)
            self.loops.pop()
            return
        if isinstance(st, ast.For):
            self._for(st, entry, nxt)
            return
        if isinstance(st, ast.Break | ast.Continue):
            if not self.loops:
                raise self.error(st, f"'{'break' if isinstance(st, ast.Break) else 'continue'}' outside a loop")
            loop = self.loops[-1]
            lines = []
            if self.atomic_depth != loop.atomic_depth:
                lines.append(f"c.atomic -= {self.atomic_depth - loop.atomic_depth}")
            if isinstance(st, ast.Break):
                if loop.for_slots is not None:
                    a, b = loop.for_slots
                    lines += [f"L[{a}] = None", f"L[{b}] = None"]
                lines.append("return @x@")
                target = loop.after
            else:
                lines.append("return @x@")
                target = loop.head
            self.emit(entry, _Instr(self.info(st, "stmt"), lines, {"x": target}))
            return
        if isinstance(st, ast.Pass):
            self.emit(entry, _Instr(self.info(st, "stmt"), ["return @n@"], {"n": nxt}))
            return
        if isinstance(st, ast.Return):
            self._return(st, entry)
            return
        if isinstance(st, ast.Assert):
            cond = self.expr(st.test)
            msg = self.expr(st.msg) if st.msg is not None else repr(f"assertion failed: {self.src.segment(st.test)}")
            self._note_assert_tag(st)
            self.emit(entry, _Instr(self.info(st, "stmt"), [f"if not ({cond}): _assert_failed(str({msg}))", "return @n@"], {"n": nxt}))
            return
        if isinstance(st, ast.Global):
            return
        if isinstance(st, ast.With):
            self._with(st, entry, nxt)
            return
        self._unsupported_stmt(st)

    def _note_assert_tag(self, st: ast.Assert) -> None:
        if isinstance(st.msg, ast.Constant) and isinstance(st.msg.value, str):
            tag = assert_tag(st.msg.value)
            if tag is not None:
                self.prog.assert_tags.add(tag)
        elif isinstance(st.msg, ast.JoinedStr) and st.msg.values and isinstance(st.msg.values[0], ast.Constant):
            tag = assert_tag(str(st.msg.values[0].value))
            if tag is not None:
                self.prog.assert_tags.add(tag)

    def _unsupported_stmt(self, st: ast.stmt) -> None:
        what = NOT_IN_LANGUAGE.get(type(st), f"'{type(st).__name__.lower()}'")
        if isinstance(st, ast.With):
            what = "a 'with' other than 'with atomic():'"
        raise self.error(st, f"{what} is not part of the model language (statements allowed: assignment, if/elif/else, while, for, break, continue, return, assert, pass, global, calls, 'with atomic():')")

    def _header(self, st: ast.stmt) -> str:
        seg = self.src.segment(st)
        return seg.splitlines()[0].strip() if seg else ""

    def _with(self, st: ast.With, entry: Label, nxt: Label) -> None:
        ok = (
            len(st.items) == 1
            and st.items[0].optional_vars is None
            and isinstance(st.items[0].context_expr, ast.Call)
            and isinstance(st.items[0].context_expr.func, ast.Name)
            and st.items[0].context_expr.func.id == "atomic"
            and not st.items[0].context_expr.args
            and not st.items[0].context_expr.keywords
        )
        if not ok:
            self._unsupported_stmt(st)
        self.emit(entry, _Instr(self.info(st, "atomic", self._header(st)), ["c.atomic += 1", "return @b@"], {}))
        begin = self.instrs[-1]
        end = Label()
        self.atomic_depth += 1
        self.atomic_first = True
        begin.targets["b"] = self.block(st.body, end)
        self.atomic_first = False
        self.atomic_depth -= 1
        end.pc = len(self.instrs)
        last = st.body[-1]
        self.instrs.append(_Instr(InstrInfo(self.src.shown, getattr(last, "end_lineno", st.lineno) or st.lineno, st.col_offset + 1, "(end of atomic block)", "end"), ["c.atomic -= 1", "return @n@"], {"n": nxt}))

    def _for(self, st: ast.For, entry: Label, nxt: Label) -> None:
        if st.orelse:
            raise self.error(st, "'for ... else' is not part of the model language")
        seq_slot = self.new_slot("for-seq")
        idx_slot = self.new_slot("for-idx")
        it = self.expr(st.iter)
        lines = [
            f"s = L[{seq_slot}]",
            "if s is None:",
            f"    s = _as_seq({it})",
            f"    L[{seq_slot}] = s",
            "    k = 0",
            "else:",
            f"    k = L[{idx_slot}]",
            "if k < len(s):",
            "    _v = s[k]",
            *("    " + ln for ln in self.assign(st.target, "_v")),
            f"    L[{idx_slot}] = k + 1",
            "    return @b@",
            f"L[{seq_slot}] = None",
            f"L[{idx_slot}] = None",
            "c.dirty = True",
            "return @n@",
        ]
        ins = _Instr(self.info(st, "for", self._header(st)), lines, {"n": nxt})
        self.emit(entry, ins)
        self.loops.append(_Loop(entry, nxt, self.atomic_depth, (seq_slot, idx_slot)))
        ins.targets["b"] = self.block(st.body, entry)
        self.loops.pop()

    def _return(self, st: ast.Return, entry: Label) -> None:
        fix = [f"c.atomic -= {self.atomic_depth}"] if self.atomic_depth else []
        if st.value is not None and isinstance(st.value, ast.Call):
            callee = self._callee(st.value)
            if callee is not None:
                slot = self.new_slot("ret")
                after = Label()
                self._call(st, st.value, callee, ("slot", slot), entry, after)
                after.pc = len(self.instrs)
                self.instrs.append(_Instr(self.info(st, "return"), [f"c.retval = L[{slot}]", *fix, "return _RETURN"], {}))
                return
        val = self.expr(st.value) if st.value is not None else "None"
        self.emit(entry, _Instr(self.info(st, "return"), [f"c.retval = {val}", *fix, "return _RETURN"], {}))

    def _assign_stmt(self, st: ast.stmt, target: ast.expr, value: ast.expr, entry: Label, nxt: Label) -> None:
        if isinstance(value, ast.Call):
            callee = self._callee(value)
            if callee is not None:
                self._call(st, value, callee, ("target", target), entry, nxt)
                return
        val = self.expr(value)
        lines = [f"_v = {val}", *self.assign(target, "_v"), "return @n@"]
        self.emit(entry, _Instr(self.info(st, "stmt"), lines, {"n": nxt}))

    def _callee(self, call: ast.Call) -> FuncSym | None:
        """The procedure a call invokes, or None if it is not a procedure call.

        ``call(ref, args...)`` (a call through a procedure reference) returns the
        :data:`DYNAMIC` marker.
        """
        if isinstance(call.func, ast.Name) and call.func.id == "call" and self._is_builtin("call"):
            if not self.steps:
                raise self.error(call, f"call() takes steps and cannot be used in @{self.sym.kind} function '{self.sym.name}'")
            self._check_arity(call, "call")
            dynamic: FuncSym = DYNAMIC
            return dynamic
        if isinstance(call.func, ast.Name) and call.func.id not in self._shadowed():
            sym = self.mod.names.get(call.func.id)
            if isinstance(sym, FuncSym) and sym.takes_steps:
                if sym.kind == "init":
                    raise self.error(call, "init() runs once before exploration and cannot be called")
                if not self.steps:
                    raise self.error(call, f"procedure '{sym.name}' takes steps and cannot be called from @{self.sym.kind} function '{self.sym.name}'")
                return sym
        return None

    def _shadowed(self) -> set[str]:
        names = set(self.slots)
        for sc in self.comp_scopes:
            names.update(sc)
        return names

    def _call(self, st: ast.stmt, call: ast.Call, callee: FuncSym, dest: tuple[str, Any] | None, entry: Label, nxt: Label) -> None:
        if callee is DYNAMIC:
            args = [self.expr(a) for a in call.args[1:]]
            target = f"_dyn_target({self.expr(call.args[0])}, {len(args)})"
        else:
            args = self._bind_args(call, callee)
            target = str(callee.id)
        resume: list[str] = []
        if dest is not None and dest[0] == "slot":
            resume.append(f"L[{dest[1]}] = _v")
        elif dest is not None:
            resume.extend(self.assign(dest[1], "_v"))
        resume.append("c.dirty = True")
        resume.append("return @n@")
        body = [f"c.call = ({target}, [{', '.join(args)}])", "return _CALL"]
        self.emit(entry, _Instr(self.info(st, "call"), body, {"n": nxt}, resume))

    def _bind_args(self, call: ast.Call, fn: FuncSym) -> list[str]:
        params = fn.params
        if any(isinstance(a, ast.Starred) for a in call.args):
            raise self.error(call, "'*args' in a call is not part of the model language")
        if len(call.args) > len(params):
            raise self.error(call, f"'{fn.name}' takes {len(params)} argument{'s' if len(params) != 1 else ''} but {len(call.args)} were given")
        bound: list[str | None] = [self.expr(a) for a in call.args] + [None] * (len(params) - len(call.args))
        for kw in call.keywords:
            if kw.arg is None or kw.arg not in params:
                raise self.error(kw, f"'{fn.name}' has no parameter '{kw.arg}'{suggest(kw.arg or '', params)}")
            k = params.index(kw.arg)
            if bound[k] is not None:
                raise self.error(kw, f"'{fn.name}' got two values for parameter '{kw.arg}'")
            bound[k] = self.expr(kw.value)
        first_default = len(params) - len(fn.defaults)
        for k, b in enumerate(bound):
            if b is None:
                if k >= first_default:
                    bound[k] = repr(fn.defaults[k - first_default])
                else:
                    raise self.error(call, f"'{fn.name}' missing argument '{params[k]}' (takes {len(params)})")
        return [b for b in bound if b is not None]

    # -------------------------------------------------------------- assignment
    def assign(self, target: ast.expr, value: str) -> list[str]:
        """Lines that store ``value`` (a Python expression) into ``target``."""
        if isinstance(target, ast.Name):
            name = target.id
            if self.steps:
                if name in self.slots:
                    return [f"L[{self.slots[name]}] = {value}", "c.dirty = True"]
                if name in self.global_decl:
                    g = self.mod.names[name]
                    assert isinstance(g, GlobalSym)
                    return [f"_setg(c, {g.index}, {value})"]
            elif name in self.slots:
                return [f"l_{name} = {value}"]
            if isinstance(self.mod.names.get(name), GlobalSym):
                raise self.error(target, f"assignment into global '{name}' needs 'global {name}' in '{self.sym.name}' (as in Python)")
            raise self.error(target, f"cannot assign '{name}'")
        if isinstance(target, ast.Attribute):
            if not self.steps:
                raise self.error(target, f"@{self.sym.kind} function '{self.sym.name}' may not assign object fields (it must be side-effect-free)")
            self._field_table(target)
            obj = self.expr(target.value)
            return [f"_setf(c, {obj}, {target.attr!r}, {value})"]
        if isinstance(target, ast.Subscript):
            if isinstance(target.slice, ast.Slice):
                raise self.error(target, "slice assignment is not part of the model language")
            base = self.expr(target.value)
            idx = self.expr(target.slice)
            return self.assign(target.value, f"_set_item({base}, {idx}, {value})")
        if isinstance(target, ast.Tuple | ast.List):
            t = self.fresh()
            lines = [f"{t} = _unpack({value}, {len(target.elts)})"]
            for k, elt in enumerate(target.elts):
                if isinstance(elt, ast.Starred):
                    raise self.error(elt, "starred assignment is not part of the model language")
                lines.extend(self.assign(elt, f"{t}[{k}]"))
            return lines
        raise self.error(target, "cannot assign to this expression (targets: a name, obj.field, x[i], or a tuple of these)")

    def _field_table(self, node: ast.Attribute) -> str:
        if node.attr not in self.prog.field_slots:
            known = sorted(self.prog.field_slots)
            raise self.error(node, f"no class has a field '{node.attr}'{suggest(node.attr, known)}")
        return f"_F_{node.attr}"

    # ------------------------------------------------------------- expressions
    def _is_builtin(self, name: str) -> bool:
        return name not in self._shadowed() and name not in self.mod.names

    def expr(self, node: ast.expr | None) -> str:
        if node is None:
            return "None"
        method = getattr(self, "_x_" + type(node).__name__, None)
        if method is None:
            what = NOT_IN_LANGUAGE.get(type(node), f"'{type(node).__name__}'")
            raise self.error(node, f"{what} is not part of the model language")
        result: str = method(node)
        return result

    def _x_Constant(self, node: ast.Constant) -> str:
        v = node.value
        if v is None or isinstance(v, bool | int | str):
            return repr(v)
        raise self.error(node, f"a {type(v).__name__} literal is not part of the model language (values: int, bool, str, None, tuples)")

    def _x_Name(self, node: ast.Name) -> str:
        name = node.id
        for sc in reversed(self.comp_scopes):
            if name in sc:
                return sc[name]
        if name in self.slots:
            return f"L[{self.slots[name]}]" if self.steps else f"l_{name}"
        sym = self.mod.names.get(name)
        if isinstance(sym, ConstSym):
            return f"({sym.value!r})"
        if isinstance(sym, GlobalSym):
            return f"c.G[{sym.index}]"
        if isinstance(sym, FuncSym):
            if sym.kind == "proc":
                return f"_P[{sym.id}]"
            raise self.error(node, f"'{name}' is a @{sym.kind} function; call it (only procedures can be used as values, like C function pointers)")
        if isinstance(sym, ClassSym):
            raise self.error(node, f"'{name}' is a class; use new({name}, ...) or objects({name})")
        if name in ALL_BUILTINS:
            raise self.error(node, f"builtin '{name}' must be called")
        known = sorted(set(self.slots) | set(self.mod.names) | {n for sc in self.comp_scopes for n in sc})
        raise self.error(node, f"unknown name '{name}'{suggest(name, known)}")

    def _x_Attribute(self, node: ast.Attribute) -> str:
        table = self._field_table(node)
        obj = self.expr(node.value)
        if obj.startswith(("L[", "l_", "_c")) and obj.replace("[", "").replace("]", "").replace("_", "").isalnum():
            return f"c.H[{obj}.i][{table}[{obj}.c]]"
        return f"_getf(c, {obj}, {node.attr!r})"

    def _x_Subscript(self, node: ast.Subscript) -> str:
        base = self.expr(node.value)
        if isinstance(node.slice, ast.Slice):
            lo = self.expr(node.slice.lower) if node.slice.lower else ""
            hi = self.expr(node.slice.upper) if node.slice.upper else ""
            st = self.expr(node.slice.step) if node.slice.step else ""
            return f"{base}[{lo}:{hi}:{st}]" if st else f"{base}[{lo}:{hi}]"
        return f"{base}[{self.expr(node.slice)}]"

    def _x_BinOp(self, node: ast.BinOp) -> str:
        op = BINOPS.get(type(node.op))
        if op is None:
            if isinstance(node.op, ast.Div):
                raise self.error(node, "'/' is not part of the model language (integers only; use '//')")
            raise self.error(node, "'@' is not part of the model language")
        t = self.static_type(node)
        left, right = self.expr(node.left), self.expr(node.right)
        if isinstance(t, FieldType):
            if t.kind == "sint" and isinstance(node.op, ast.FloorDiv | ast.Mod):
                helper = "_sdiv" if isinstance(node.op, ast.FloorDiv) else "_smod"
                return f"_wraps({helper}({left}, {right}), {t.width})"
            wrap = "_wrapu" if t.kind == "uint" else "_wraps"
            return f"{wrap}(({left} {op} {right}), {t.width})"
        return f"({left} {op} {right})"

    def _x_UnaryOp(self, node: ast.UnaryOp) -> str:
        code = f"({UNARYOPS[type(node.op)]}{self.expr(node.operand)})"
        t = self.static_type(node) if not isinstance(node.op, ast.Not) else None
        if isinstance(t, FieldType):
            return f"{'_wrapu' if t.kind == 'uint' else '_wraps'}({code}, {t.width})"
        return code

    def _x_BoolOp(self, node: ast.BoolOp) -> str:
        op = " and " if isinstance(node.op, ast.And) else " or "
        return "(" + op.join(self.expr(v) for v in node.values) + ")"

    def _x_Compare(self, node: ast.Compare) -> str:
        # `a is b` is identity for None and objects, and "same type and equal" for values
        # (Python's identity of ints and strings is an implementation detail).
        left = node.left
        out: list[str] = []
        for op, right in zip(node.ops, node.comparators, strict=True):
            a, b = self.expr(left), self.expr(right)
            if isinstance(op, ast.Is | ast.IsNot) and not (_is_none(left) or _is_none(right)):
                test = f"_same({a}, {b})"
                out.append(test if isinstance(op, ast.Is) else f"(not {test})")
            elif self.prog.symbolic and isinstance(op, ast.Eq | ast.NotEq):
                out.append(f"{'_eq' if isinstance(op, ast.Eq) else '_ne'}({a}, {b})")
            elif self.prog.symbolic and isinstance(op, ast.In | ast.NotIn):
                test = f"_contains({b}, {a})"
                out.append(test if isinstance(op, ast.In) else f"(not {test})")
            else:
                out.append(f"({a} {CMPOPS[type(op)]} {b})")
            left = right
        return out[0] if len(out) == 1 else "(" + " and ".join(out) + ")"

    def _x_IfExp(self, node: ast.IfExp) -> str:
        return f"({self.expr(node.body)} if {self.expr(node.test)} else {self.expr(node.orelse)})"

    def _x_Tuple(self, node: ast.Tuple | ast.List) -> str:
        parts = []
        for e in node.elts:
            if isinstance(e, ast.Starred):
                parts.append(f"*_as_seq({self.expr(e.value)})")
            else:
                parts.append(self.expr(e))
        return "(" + "".join(p + ", " for p in parts) + ")"

    _x_List = _x_Tuple

    def _x_JoinedStr(self, node: ast.JoinedStr) -> str:
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(repr(v.value))
            elif isinstance(v, ast.FormattedValue):
                inner = self.expr(v.value)
                if v.conversion == ord("r"):
                    inner = f"repr({inner})"
                elif v.conversion == ord("s"):
                    inner = f"str({inner})"
                spec = ""
                if v.format_spec is not None:
                    spec = self.expr(v.format_spec)
                parts.append(f"format({inner}, {spec or repr('')})")
        return "(" + " + ".join(parts or ["''"]) + ")"

    def _comprehension(self, node: ast.ListComp | ast.GeneratorExp) -> str:
        scope: dict[str, str] = {}
        gens = []
        self.comp_scopes.append(scope)
        try:
            for gen in node.generators:
                if gen.is_async:
                    raise self.error(node, "'async for' is not part of the model language")
                it = self.expr(gen.iter)
                names: list[str] = []

                def bind(t: ast.expr, names: list[str] = names) -> str:
                    if isinstance(t, ast.Name):
                        py = f"_c{len(self.comp_scopes)}_{t.id}"
                        names.append(t.id)
                        scope[t.id] = py
                        return py
                    if isinstance(t, ast.Tuple | ast.List):
                        return "(" + "".join(bind(e, names) + ", " for e in t.elts) + ")"
                    raise self.error(t, "a comprehension target must be a name or a tuple of names")

                target = bind(gen.target)
                conds = "".join(f" if {self.expr(c)}" for c in gen.ifs)
                gens.append(f"for {target} in _as_seq({it}){conds}")
            elt = self.expr(node.elt)
        finally:
            self.comp_scopes.pop()
        return f"({elt} {' '.join(gens)})"

    def _x_ListComp(self, node: ast.ListComp) -> str:
        return f"tuple{self._comprehension(node)}"

    def _x_GeneratorExp(self, node: ast.GeneratorExp) -> str:
        return f"tuple{self._comprehension(node)}"

    def _check_arity(self, call: ast.Call, name: str) -> None:
        lo, hi = ARITY[name]
        n = len(call.args)
        if n < lo or (hi is not None and n > hi):
            want = f"{lo}" if lo == hi else (f"at least {lo}" if hi is None else f"{lo} to {hi}")
            raise self.error(call, f"{name}() takes {want} argument{'' if (hi == 1 and lo == 1) or (hi is None and lo == 1) else 's'}, {n} given")
        if call.keywords and name not in ("spawn", "new"):
            raise self.error(call.keywords[0], f"{name}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in call.args):
            raise self.error(call, "'*args' in a call is not part of the model language")

    def _x_Call(self, node: ast.Call) -> str:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.error(node, f"method call '.{node.func.attr}()' is not part of the model language (values are immutable: use xs + (x,), remove(xs, x), ...)")
            raise self.error(node, "only named functions can be called")
        name = node.func.id
        if name not in self._shadowed():
            sym = self.mod.names.get(name)
            if isinstance(sym, FuncSym):
                if sym.takes_steps:
                    if sym.kind == "init":
                        raise self.error(node, "init() runs once before exploration and cannot be called")
                    raise self.error(
                        node,
                        f"procedure '{name}' takes steps and may only be called as a whole statement, as the whole right-hand side of an assignment, or as 'return {name}(...)'; store its result in a local first",
                    )
                args = self._bind_args(node, sym)
                return f"_f{sym.id}(c{''.join(', ' + a for a in args)})"
            if isinstance(sym, ClassSym):
                raise self.error(node, f"classes are not called; use new({name}, field=value, ...)")
            if sym is not None:
                raise self.error(node, f"'{name}' is not callable")
        if name not in ALL_BUILTINS or name in DECORATORS:
            known = sorted(n for n in ALL_BUILTINS if n not in DECORATORS) + sorted(self.mod.names)
            raise self.error(node, f"unknown function '{name}'{suggest(name, known)}")
        self._check_arity(node, name)
        if name in STATEMENT_BUILTINS:
            raise self.error(node, f"{name}() may only be used as a statement" + (" ('with atomic():')" if name == "atomic" else f" ('{name}(cond)' on its own line)"))
        if name in STEP_BUILTINS and not self.steps:
            raise self.error(node, f"{name}() changes the state and cannot be used in @{self.sym.kind} function '{self.sym.name}'")
        if name == "symbolic":
            if not self.steps:
                raise self.error(node, f"symbolic() creates a value and cannot be used in @{self.sym.kind} function '{self.sym.name}'")
            width_node = node.args[1]
            if isinstance(width_node, ast.Name) and width_node.id in UINT_WIDTHS:
                width, signed = UINT_WIDTHS[width_node.id], False
            elif isinstance(width_node, ast.Name) and width_node.id in SINT_WIDTHS:
                width, signed = SINT_WIDTHS[width_node.id], True
            elif isinstance(width_node, ast.Constant) and type(width_node.value) is int and 1 <= width_node.value <= 256:
                width, signed = width_node.value, False
            else:
                raise self.error(width_node, "symbolic(name, type): type must be one of u8 u16 u32 u64 s8 s16 s32 s64 (or a bit width)")
            return f"_symbolic(c, {self.expr(node.args[0])}, {width}, {signed})"
        cargs = node.args
        if name in UINT_WIDTHS and self.prog.symbolic:
            return f"_cast({self.expr(cargs[0])}, {UINT_WIDTHS[name]}, False)"
        if name in SINT_WIDTHS and self.prog.symbolic:
            return f"_cast({self.expr(cargs[0])}, {SINT_WIDTHS[name]}, True)"
        if name == "call":
            raise self.error(node, "call(proc_ref, ...) takes steps and may only be used as a whole statement, as the whole right-hand side of an assignment, or as 'return call(...)'")
        if name == "choose":
            return f"c.choose(_choose_args(({''.join(self.expr(a) + ', ' for a in cargs)})))"
        if name == "new":
            cls = self._class_arg(cargs[0], "new")
            fields = {f.name for f in cls.fields}
            kws = []
            for kw in node.keywords:
                if kw.arg is None or kw.arg not in fields:
                    raise self.error(kw, f"class '{cls.name}' has no field '{kw.arg}'{suggest(kw.arg or '', sorted(fields))}")
                kws.append(f"({kw.arg!r}, {self.expr(kw.value)})")
            return f"_new(c, {cls.id}, ({''.join(k + ', ' for k in kws)}))"
        if name == "objects":
            cls = self._class_arg(cargs[0], "objects")
            return f"_objects(c.H, {cls.id})"
        if name == "spawn":
            target = cargs[0]
            psym = self.mod.names.get(target.id) if isinstance(target, ast.Name) else None
            if not isinstance(psym, FuncSym) or psym.kind != "proc":
                raise self.error(target, "spawn() needs a procedure name as its first argument")
            fake = ast.Call(func=target, args=cargs[1:], keywords=[])
            ast.copy_location(fake, node)
            pargs = self._bind_args(fake, psym)
            tname = "None"
            daemon = "False"
            for kw in node.keywords:
                if kw.arg == "name":
                    tname = self.expr(kw.value)
                elif kw.arg == "daemon":
                    daemon = self.expr(kw.value)
                else:
                    raise self.error(kw, f"spawn() has no keyword '{kw.arg}' (allowed: name, daemon)")
            return f"_spawn(c, {psym.id}, ({''.join(a + ', ' for a in pargs)}), {tname}, {daemon})"
        if name == "me":
            return "_me(c)"
        if name in UINT_WIDTHS:
            return f"_cast_u({self.expr(cargs[0])}, {UINT_WIDTHS[name]})"
        if name in SINT_WIDTHS:
            return f"_cast_s({self.expr(cargs[0])}, {SINT_WIDTHS[name]})"
        compiled = []
        for a in cargs:
            if isinstance(a, ast.GeneratorExp) and name in GENERATOR_CONSUMERS and len(cargs) == 1:
                compiled.append(self._comprehension(a))
            else:
                compiled.append(self.expr(a))
        joined = ", ".join(compiled)
        mapping = {
            "range": f"_range({joined})",
            "sorted": f"tuple(sorted({joined}))",
            "reversed": f"tuple(reversed(_as_seq({joined})))",
            "tuple": f"tuple({joined})",
            "list": f"tuple({joined})",
            "enumerate": f"tuple(enumerate({joined}))",
            "zip": f"tuple(zip({joined}))",
            "remove": f"_remove({joined})",
            "discard": f"_discard({joined})",
            "append": f"_append({joined})",
            "index": f"_index_of({joined})",
        }
        return mapping.get(name, f"{name}({joined})")

    def _class_arg(self, node: ast.expr, fn: str) -> ClassSym:
        sym = self.mod.names.get(node.id) if isinstance(node, ast.Name) else None
        if not isinstance(sym, ClassSym):
            raise self.error(node, f"{fn}() needs a class name as its first argument")
        return sym

    # ------------------------------------------------------ pure functions
    def _compile_native(self) -> None:
        fid = self.sym.id
        params = "".join(f", l_{p}" for p in self.sym.params)
        name = f"_f{fid}"
        self.result.py_name = name
        lines = [f"def {name}(c{params}):"]
        for local in self.slots:
            if local not in self.sym.params:
                lines.append(f"    l_{local} = None")
        body = self._body()
        lines.extend(self._native_block(body, 1))
        lines.append("    return None")
        self.result.native_src = "\n".join(lines)
        self.out.extend(lines)

    def _native_block(self, stmts: list[ast.stmt], depth: int) -> list[str]:
        pad = "    " * depth
        out: list[str] = []
        for st in stmts:
            if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str):
                continue
            if isinstance(st, ast.Assign):
                if len(st.targets) != 1:
                    raise self.error(st, "chained assignment is not part of the model language")
                if isinstance(st.value, ast.Call):
                    self._x_Call(st.value)  # raises for procedures
                out.extend(pad + ln for ln in self.assign(st.targets[0], self.expr(st.value)))
            elif isinstance(st, ast.AnnAssign) and st.value is not None:
                out.extend(pad + ln for ln in self.assign(st.target, self.expr(st.value)))
            elif isinstance(st, ast.AugAssign):
                op = BINOPS.get(type(st.op))
                if op is None:
                    raise self.error(st, "'/=' is not part of the model language")
                out.extend(pad + ln for ln in self.assign(st.target, f"({self.expr(st.target)}) {op} ({self.expr(st.value)})"))
            elif isinstance(st, ast.If):
                out.append(f"{pad}if {self.expr(st.test)}:")
                out.extend(self._native_block(st.body, depth + 1))
                if st.orelse:
                    out.append(f"{pad}else:")
                    out.extend(self._native_block(st.orelse, depth + 1))
            elif isinstance(st, ast.While):
                if st.orelse:
                    raise self.error(st, "'while ... else' is not part of the model language")
                out.append(f"{pad}while {self.expr(st.test)}:")
                out.extend(self._native_block(st.body, depth + 1))
            elif isinstance(st, ast.For):
                if st.orelse:
                    raise self.error(st, "'for ... else' is not part of the model language")
                t = self.fresh()
                out.append(f"{pad}for {t} in _as_seq({self.expr(st.iter)}):")
                out.extend(pad + "    " + ln for ln in self.assign(st.target, t))
                out.extend(self._native_block(st.body, depth + 1))
            elif isinstance(st, ast.Return):
                if isinstance(st.value, ast.Call):
                    self._x_Call(st.value)
                out.append(f"{pad}return {self.expr(st.value)}")
            elif isinstance(st, ast.Assert):
                msg = self.expr(st.msg) if st.msg is not None else repr(f"assertion failed: {self.src.segment(st.test)}")
                self._note_assert_tag(st)
                out.append(f"{pad}if not ({self.expr(st.test)}): _assert_failed(str({msg}))")
            elif isinstance(st, ast.Pass):
                out.append(f"{pad}pass")
            elif isinstance(st, ast.Break):
                out.append(f"{pad}break")
            elif isinstance(st, ast.Continue):
                out.append(f"{pad}continue")
            elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call):
                fname = st.value.func.id if isinstance(st.value.func, ast.Name) else ""
                if fname in ("wait_until", "choose", "spawn", "new") or self._callee_any(st.value):
                    raise self.error(st, f"@{self.sym.kind} function '{self.sym.name}' must be side-effect-free and non-blocking ({fname or 'this call'} is not allowed here)")
                raise self.error(st, "this call has no effect as a statement")
            elif isinstance(st, ast.With):
                raise self.error(st, f"'with atomic()' is not allowed in @{self.sym.kind} function '{self.sym.name}' (it is already evaluated inside one step)")
            elif isinstance(st, ast.Global):
                raise self.error(st, f"@{self.sym.kind} function '{self.sym.name}' may not assign globals")
            else:
                self._unsupported_stmt(st)
        if not out:
            out.append(pad + "pass")
        return out

    def _callee_any(self, call: ast.Call) -> bool:
        sym = self.mod.names.get(call.func.id) if isinstance(call.func, ast.Name) else None
        return isinstance(sym, FuncSym) and sym.takes_steps


def compile_program(root: str, overrides: Mapping[str, Any] | None = None) -> ProgramIR:
    """Parse, check and compile a model file with constant overrides."""
    return ProgramCompiler(root, overrides).compile()
