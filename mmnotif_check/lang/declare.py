"""Declarations of a model: constants (with overrides), globals, classes and functions.

:class:`Declarer` reads the top level of the root model file and every file it imports
(DESIGN section 3), resolves imports by name, evaluates constants with the command-line
or spec overrides applied, and builds the symbol tables the lowering works from.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mmnotif_check.errors import OverrideError
from mmnotif_check.lang.builtins import ALL_BUILTINS, DECORATORS, NOT_IN_LANGUAGE
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
from mmnotif_check.lang.types import FieldType, const_eval, parse_type


def suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


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


@dataclass
class Declarations:
    """The symbol tables of one program (a root file and its imports)."""

    root: str
    sources: list[SourceFile]
    modules: dict[str, ModuleInfo]
    constants: dict[str, Any]
    constant_nodes: dict[str, tuple[str, int]]
    globals: list[GlobalSym]
    classes: list[ClassSym]
    funcs: list[FuncSym]
    field_slots: dict[str, list[int | None]]
    init: FuncSym | None
    symbolic: bool  # a symbolic() call can run: compile with Z3-aware ==


class Declarer:
    """Read the declarations of a root model file (and its imports) with constant overrides."""

    def __init__(self, root: str, overrides: Mapping[str, Any] | None = None) -> None:
        self.root = root
        self.overrides = dict(overrides or {})
        self.sources = load_sources(root)
        self.modules: dict[str, ModuleInfo] = {}
        self.globals: list[GlobalSym] = []
        self.classes: list[ClassSym] = []
        self.funcs: list[FuncSym] = []
        self.field_slots: dict[str, list[int | None]] = {}

    # ----------------------------------------------------------------- declarations
    def declare(self) -> Declarations:
        """Build every symbol table; raises :class:`InputError` for bad declarations."""
        for src in self.sources:
            self._declare(src)
        for mod in self.modules.values():
            self._resolve_imports(mod)
        constants, constant_nodes = self._evaluate_constants()
        # Symbolic mode (Z3-aware ==) only if a symbolic() call can run: code under an
        # `if` whose test is a false constant (a variant switch) does not count.
        symbolic = any(
            _calls_symbolic(src.tree, self._const_env(self.modules[str(src.path)])) for src in self.sources
        )
        self._declare_classes()
        self._declare_globals()
        root_mod = self.modules[str(self.sources[-1].path)]
        init = root_mod.names.get("init")
        return Declarations(
            root=self.root,
            sources=self.sources,
            modules=self.modules,
            constants=constants,
            constant_nodes=constant_nodes,
            globals=self.globals,
            classes=self.classes,
            funcs=self.funcs,
            field_slots=self.field_slots,
            init=init if isinstance(init, FuncSym) and init.kind == "init" else None,
            symbolic=symbolic,
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


def declare(root: str, overrides: Mapping[str, Any] | None = None) -> Declarations:
    """Parse ``root`` and its imports and build the symbol tables."""
    return Declarer(root, overrides).declare()
