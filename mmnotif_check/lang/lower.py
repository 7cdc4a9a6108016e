"""Lower one function's syntax tree into the IR, checking the model language.

Every construct outside DESIGN section 3 is an :class:`InputError` at its line and column
that says what is allowed instead.  Procedures and ``init`` may take steps (call
procedures, wait, choose, spawn, create objects, assign globals and fields); ``@pure``
functions and properties are side-effect-free and run inside one step.  Both share one
expression lowering; :mod:`mmnotif_check.lang.layout` turns a procedure's statements into
its instruction list.
"""

from __future__ import annotations

import ast
from typing import Any

from mmnotif_check.errors import InputError
from mmnotif_check.lang import ir
from mmnotif_check.lang.builtins import (
    ALL_BUILTINS,
    ARITY,
    BINOPS,
    CMPOPS,
    DECORATORS,
    GENERATOR_CONSUMERS,
    LOCK_PROCEDURES,
    LOCKS_MODULE,
    NOT_IN_LANGUAGE,
    STATEMENT_BUILTINS,
    STEP_BUILTINS,
    UNARYOPS,
)
from mmnotif_check.lang.declare import Declarations, suggest
from mmnotif_check.lang.infer import WidthInference, field_classes
from mmnotif_check.lang.limits import MAX_INT_BITS
from mmnotif_check.lang.symbols import ClassSym, ConstSym, FuncSym, GlobalSym
from mmnotif_check.lang.types import SINT_WIDTHS, UINT_WIDTHS, FieldType, parse_type

DYNAMIC: Any = FuncSym.__new__(FuncSym)  # marker: a call through a procedure reference


def assert_tag(message: str) -> str | None:
    """The property name of an assert: the identifier before ':' in its message."""
    head, sep, _ = message.partition(":")
    return head if sep and head.isidentifier() and head.isascii() else None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_doc(st: ast.stmt) -> bool:
    return isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str)


class FunctionLowering:
    """Lower one function (procedure, ``init``, ``@pure`` or property) to :class:`ir.Function`."""

    def __init__(self, decls: Declarations, sym: FuncSym, assert_tags: set[str]) -> None:
        self.decls = decls
        self.sym = sym
        self.mod = sym.module
        self.src = sym.module.src
        self.steps = sym.takes_steps
        self.assert_tags = assert_tags
        self.slots: dict[str, int] = {}
        self.global_decl: set[str] = set()
        self.comp_scopes: list[dict[str, ir.CompVar]] = []
        self.loop_depth = 0
        self.atomic_depth = 0
        self.atomic_first = False

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

    def new_slot(self, hint: str) -> int:
        k = len(self.slots)
        self.slots[f"<{hint}{k}>"] = k
        return k

    # --------------------------------------------------------------- top level
    def lower(self) -> ir.Function:
        self._collect_locals()
        self.widths = WidthInference(self.sym, self.slots, self.decls.classes)
        self.widths.comp_scopes = self.comp_scopes  # shared: static_type sees comprehension scopes
        body = list(self.sym.node.body)
        if body and _is_doc(body[0]):
            body = body[1:]
        stmts = self.block(body) if self.steps else self.pure_block(body)
        fn = ir.Function(
            fid=self.sym.id,
            name=self.sym.name,
            kind=self.sym.kind,
            params=list(self.sym.params),
            local_names=list(self.slots),
            body=stmts,
            path=self.src.shown,
            line=self.sym.node.lineno,
        )
        return fn

    def info(self, node: ast.AST, kind: str, text: str | None = None) -> ir.InstrInfo:
        if text is None:
            seg = self.src.segment(node)
            text = seg.splitlines()[0].strip() if seg else ""
        return ir.InstrInfo(self.src.shown, getattr(node, "lineno", 0), getattr(node, "col_offset", 0) + 1, text, kind)

    def _header(self, st: ast.stmt) -> str:
        seg = self.src.segment(st)
        return seg.splitlines()[0].strip() if seg else ""

    # -------------------------------------------------------------- procedures
    def block(self, stmts: list[ast.stmt]) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for st in stmts:
            lowered = self.statement(st)
            if lowered is not None:
                out.append(lowered)
        return out

    def statement(self, st: ast.stmt) -> ir.Stmt | None:
        first_in_atomic = self.atomic_first
        if isinstance(st, ast.Global) or _is_doc(st):
            return None  # a declaration or a string comment: not a step
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
                return ir.SWait(self.info(st, "wait"), self.expr(value.args[0]))
            callee = self._callee(value)
            if callee is not None:
                return ir.SEval(self.info(st, "call"), self._proc_call(value, callee))
            if isinstance(value.func, ast.Attribute):
                self.expr(value)  # raises the precise method-call error
            if fname in ("spawn", "choose", "new") and self._is_builtin(fname):
                return ir.SEval(self.info(st, "stmt"), self.expr(value))
            if fname is not None and fname not in self._shadowed() and fname not in self.mod.names and fname not in ALL_BUILTINS:
                procs = sorted(n for n, sym in self.mod.names.items() if isinstance(sym, FuncSym) and sym.kind == "proc")
                raise self.error(st, f"unknown procedure '{fname}'{suggest(fname, [*procs, 'wait_until', 'spawn', 'choose', 'new'])}")
            raise self.error(st, "this call has no effect as a statement (only procedures, wait_until, spawn, choose and new may stand alone)")
        if isinstance(st, ast.Assign):
            if len(st.targets) != 1:
                raise self.error(st, "chained assignment 'a = b = ...' is not part of the model language (assign one target per statement)")
            return self._assign_stmt(st, st.targets[0], st.value)
        if isinstance(st, ast.AnnAssign):
            if st.value is None:
                raise self.error(st, "a local declaration needs a value ('x: int = 0')")
            self._check_annotation(st.annotation)
            return self._assign_stmt(st, st.target, st.value)
        if isinstance(st, ast.AugAssign):
            if isinstance(st.value, ast.Call) and self._callee(st.value) is not None:
                raise self.error(st.value, "a procedure call may not be an operand; store its result in a local first")
            augmented = self._augmented(st)
            return ir.SAssign(self.info(st, "stmt"), self.target(st.target), augmented)
        if isinstance(st, ast.If):
            test = self.expr(st.test)
            return ir.SIf(self.info(st, "if", self._header(st)), test, self.block(st.body), self.block(st.orelse))
        if isinstance(st, ast.While):
            if st.orelse:
                raise self.error(st, "'while ... else' is not part of the model language")
            test = self.expr(st.test)
            self.loop_depth += 1
            body = self.block(st.body)
            self.loop_depth -= 1
            return ir.SWhile(self.info(st, "while", self._header(st)), test, body)
        if isinstance(st, ast.For):
            if st.orelse:
                raise self.error(st, "'for ... else' is not part of the model language")
            seq_slot = self.new_slot("for-seq")
            idx_slot = self.new_slot("for-idx")
            it = self.expr(st.iter)
            target = self.target(st.target)
            self.loop_depth += 1
            body = self.block(st.body)
            self.loop_depth -= 1
            return ir.SFor(self.info(st, "for", self._header(st)), target, it, body, seq_slot, idx_slot)
        if isinstance(st, ast.Break | ast.Continue):
            word = "break" if isinstance(st, ast.Break) else "continue"
            if not self.loop_depth:
                raise self.error(st, f"'{word}' outside a loop")
            return ir.SJump(self.info(st, "stmt"), word)
        if isinstance(st, ast.Pass):
            return ir.SJump(self.info(st, "stmt"), "pass")
        if isinstance(st, ast.Return):
            if st.value is not None and isinstance(st.value, ast.Call):
                callee = self._callee(st.value)
                if callee is not None:
                    slot = self.new_slot("ret")
                    return ir.SReturn(self.info(st, "return"), self._proc_call(st.value, callee), slot)
            return ir.SReturn(self.info(st, "return"), self.expr(st.value) if st.value is not None else None)
        if isinstance(st, ast.Assert):
            cond = self.expr(st.test)
            msg = self.expr(st.msg) if st.msg is not None else ir.Const(f"assertion failed: {self.src.segment(st.test)}")
            self._note_assert_tag(st)
            return ir.SAssert(self.info(st, "stmt"), cond, msg)
        if isinstance(st, ast.With):
            return self._with(st)
        self._unsupported_stmt(st)
        raise AssertionError("unreachable")

    def _check_annotation(self, node: ast.expr) -> None:
        """A local's annotation documents it (locals are untyped), but it must name a type."""
        classes = {n for n, sym in self.mod.names.items() if isinstance(sym, ClassSym)}
        parse_type(node, classes, self.error)

    def _augmented(self, st: ast.AugAssign) -> ir.Expr:
        if BINOPS.get(type(st.op)) is None:
            raise self.error(st, "'/=' is not part of the model language (integers only; use '//=')")
        combined = ast.BinOp(left=st.target, op=st.op, right=st.value)
        ast.copy_location(combined, st)
        return self._x_BinOp(combined)

    def _note_assert_tag(self, st: ast.Assert) -> None:
        if isinstance(st.msg, ast.Constant) and isinstance(st.msg.value, str):
            tag = assert_tag(st.msg.value)
            if tag is not None:
                self.assert_tags.add(tag)
        elif isinstance(st.msg, ast.JoinedStr) and st.msg.values and isinstance(st.msg.values[0], ast.Constant):
            tag = assert_tag(str(st.msg.values[0].value))
            if tag is not None:
                self.assert_tags.add(tag)

    def _unsupported_stmt(self, st: ast.stmt) -> None:
        what = NOT_IN_LANGUAGE.get(type(st), f"'{type(st).__name__.lower()}'")
        if isinstance(st, ast.With):
            what = "a 'with' other than 'with atomic():'"
        raise self.error(st, f"{what} is not part of the model language (statements allowed: assignment, if/elif/else, while, for, break, continue, return, assert, pass, global, calls, 'with atomic():')")

    def _with(self, st: ast.With) -> ir.Stmt:
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
        begin = self.info(st, "atomic", self._header(st))
        self.atomic_depth += 1
        self.atomic_first = True
        body = self.block(st.body)
        self.atomic_first = False
        self.atomic_depth -= 1
        last = st.body[-1]
        end = ir.InstrInfo(self.src.shown, getattr(last, "end_lineno", st.lineno) or st.lineno, st.col_offset + 1, "(end of atomic block)", "end")
        return ir.SAtomic(begin, body, end)

    def _assign_stmt(self, st: ast.stmt, target: ast.expr, value: ast.expr) -> ir.Stmt:
        if isinstance(value, ast.Call):
            callee = self._callee(value)
            if callee is not None:
                call = self._proc_call(value, callee)
                return ir.SAssign(self.info(st, "call"), self.target(target), call)
        val = self.expr(value)
        return ir.SAssign(self.info(st, "stmt"), self.target(target), val)

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

    def _proc_call(self, call: ast.Call, callee: FuncSym) -> ir.ProcCall:
        if callee is DYNAMIC:
            ref = self.expr(call.args[0])
            return ir.ProcCall(None, ref, tuple(self.expr(a) for a in call.args[1:]))
        lock = None
        if callee.module.src.path.name == LOCKS_MODULE and callee.module.src.path.parent.name == "kernel":
            lock = LOCK_PROCEDURES.get(callee.name)
        return ir.ProcCall(callee.id, None, tuple(self._bind_args(call, callee)), lock)

    def _bind_args(self, call: ast.Call, fn: FuncSym) -> list[ir.Expr]:
        params = fn.params
        if any(isinstance(a, ast.Starred) for a in call.args):
            raise self.error(call, "'*args' in a call is not part of the model language")
        if len(call.args) > len(params):
            raise self.error(call, f"'{fn.name}' takes {len(params)} argument{'s' if len(params) != 1 else ''} but {len(call.args)} were given")
        bound: list[ir.Expr | None] = [self.expr(a) for a in call.args] + [None] * (len(params) - len(call.args))
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
                    bound[k] = ir.Const(fn.defaults[k - first_default])
                else:
                    raise self.error(call, f"'{fn.name}' missing argument '{params[k]}' (takes {len(params)})")
        return [b for b in bound if b is not None]

    # -------------------------------------------------------------- assignment
    def target(self, target: ast.expr) -> ir.Target:
        """The store ``target`` denotes (checked)."""
        if isinstance(target, ast.Name):
            name = target.id
            if name in self.slots:
                return ir.StoreLocal(self.slots[name], name)
            if self.steps and name in self.global_decl:
                g = self.mod.names[name]
                assert isinstance(g, GlobalSym)
                return ir.StoreGlobal(g.index)
            if isinstance(self.mod.names.get(name), GlobalSym):
                raise self.error(target, f"assignment into global '{name}' needs 'global {name}' in '{self.sym.name}' (as in Python)")
            raise self.error(target, f"cannot assign '{name}'")
        if isinstance(target, ast.Attribute):
            if not self.steps:
                raise self.error(target, f"@{self.sym.kind} function '{self.sym.name}' may not assign object fields (it must be side-effect-free)")
            self._check_field(target)
            obj = self.expr(target.value)
            return ir.StoreField(obj, target.attr, self._field_classes(target.attr, obj))
        if isinstance(target, ast.Subscript):
            if isinstance(target.slice, ast.Slice):
                raise self.error(target, "slice assignment is not part of the model language")
            base_value = self.expr(target.value)
            idx = self.expr(target.slice)
            return ir.StoreItem(self.target(target.value), base_value, idx)
        if isinstance(target, ast.Tuple | ast.List):
            elts = []
            for elt in target.elts:
                if isinstance(elt, ast.Starred):
                    raise self.error(elt, "starred assignment is not part of the model language")
                elts.append(self.target(elt))
            return ir.StoreTuple(tuple(elts))
        raise self.error(target, "cannot assign to this expression (targets: a name, obj.field, x[i], or a tuple of these)")

    def _check_field(self, node: ast.Attribute) -> None:
        if node.attr not in self.decls.field_slots:
            known = sorted(self.decls.field_slots)
            raise self.error(node, f"no class has a field '{node.attr}'{suggest(node.attr, known)}")

    def _field_classes(self, name: str, obj: ir.Expr) -> tuple[int, ...]:
        return field_classes(name, self.decls.field_slots, self._class_of(obj))

    def _class_of(self, e: ir.Expr) -> int | None:
        """The class of the object ``e`` evaluates to, where it is statically known."""
        if isinstance(e, ir.New):
            return e.cls
        if isinstance(e, ir.Field) and len(e.classes) == 1:
            cls = self.decls.classes[e.classes[0]]
            for f in cls.fields:
                if f.name == e.name and f.type.kind == "ref" and f.type.cls is not None:
                    return int(f.type.cls)
        if isinstance(e, ir.Global):
            t = self.decls.globals[e.index].type
            if t.kind == "ref" and t.cls is not None:
                return int(t.cls)
        return None

    # ------------------------------------------------------------- expressions
    def _is_builtin(self, name: str) -> bool:
        return name not in self._shadowed() and name not in self.mod.names

    def expr(self, node: ast.expr | None) -> ir.Expr:
        if node is None:
            return ir.Const(None)
        method = getattr(self, "_x_" + type(node).__name__, None)
        if method is None:
            what = NOT_IN_LANGUAGE.get(type(node), f"'{type(node).__name__}'")
            raise self.error(node, f"{what} is not part of the model language")
        result: ir.Expr = method(node)
        return result

    def _x_Constant(self, node: ast.Constant) -> ir.Expr:
        v = node.value
        if type(v) is int and v.bit_length() > MAX_INT_BITS:
            raise self.error(node, f"integer too large: a literal of {v.bit_length()} bits (at most {MAX_INT_BITS})")
        if v is None or isinstance(v, bool | int | str):
            return ir.Const(v)
        raise self.error(node, f"a {type(v).__name__} literal is not part of the model language (values: int, bool, str, None, tuples)")

    def _x_Name(self, node: ast.Name) -> ir.Expr:
        name = node.id
        for sc in reversed(self.comp_scopes):
            if name in sc:
                return sc[name]
        if name in self.slots:
            return ir.Local(self.slots[name], name)
        sym = self.mod.names.get(name)
        if isinstance(sym, ConstSym):
            return ir.Const(sym.value)
        if isinstance(sym, GlobalSym):
            return ir.Global(sym.index)
        if isinstance(sym, FuncSym):
            if sym.kind == "proc":
                return ir.ProcValue(sym.id)
            raise self.error(node, f"'{name}' is a @{sym.kind} function; call it (only procedures can be used as values, like C function pointers)")
        if isinstance(sym, ClassSym):
            raise self.error(node, f"'{name}' is a class; use new({name}, ...) or objects({name})")
        if name in ALL_BUILTINS:
            raise self.error(node, f"builtin '{name}' must be called")
        known = sorted(set(self.slots) | set(self.mod.names) | {n for sc in self.comp_scopes for n in sc})
        raise self.error(node, f"unknown name '{name}'{suggest(name, known)}")

    def _x_Attribute(self, node: ast.Attribute) -> ir.Expr:
        self._check_field(node)
        obj = self.expr(node.value)
        return ir.Field(obj, node.attr, self._field_classes(node.attr, obj))

    def _x_Subscript(self, node: ast.Subscript) -> ir.Expr:
        base = self.expr(node.value)
        if isinstance(node.slice, ast.Slice):
            lo = self.expr(node.slice.lower) if node.slice.lower else None
            hi = self.expr(node.slice.upper) if node.slice.upper else None
            st = self.expr(node.slice.step) if node.slice.step else None
            return ir.Slice(base, lo, hi, st)
        return ir.Index(base, self.expr(node.slice))

    def _wrap_of(self, node: ast.expr) -> tuple[int | None, bool]:
        t = self.widths.static_type(node)
        if isinstance(t, FieldType):
            return t.width, t.kind == "sint"
        return None, False

    def _x_BinOp(self, node: ast.BinOp) -> ir.Expr:
        op = BINOPS.get(type(node.op))
        if op is None:
            if isinstance(node.op, ast.Div):
                raise self.error(node, "'/' is not part of the model language (integers only; use '//')")
            raise self.error(node, "'@' is not part of the model language")
        width, signed = self._wrap_of(node)
        left, right = self.expr(node.left), self.expr(node.right)
        return ir.BinOp(op, left, right, width, signed)

    def _x_UnaryOp(self, node: ast.UnaryOp) -> ir.Expr:
        operand = self.expr(node.operand)
        width, signed = (None, False) if isinstance(node.op, ast.Not) else self._wrap_of(node)
        return ir.UnaryOp(UNARYOPS[type(node.op)], operand, width, signed)

    def _x_BoolOp(self, node: ast.BoolOp) -> ir.Expr:
        return ir.BoolOp("and" if isinstance(node.op, ast.And) else "or", tuple(self.expr(v) for v in node.values))

    def _x_Compare(self, node: ast.Compare) -> ir.Expr:
        operands = [self.expr(node.left)]
        ops = []
        for op, right in zip(node.ops, node.comparators, strict=True):
            operands.append(self.expr(right))
            ops.append(CMPOPS[type(op)])
        # `a is b` against None is plain identity; between other values it is "same type
        # and equal" (Python's identity of ints and strings is an implementation detail)
        left = node.left
        kinds = []
        for op, right in zip(node.ops, node.comparators, strict=True):
            text = CMPOPS[type(op)]
            if text in ("is", "is not") and (_is_none(left) or _is_none(right)):
                text = "is-none" if text == "is" else "is-not-none"
            kinds.append(text)
            left = right
        return ir.Compare(tuple(kinds), tuple(operands))

    def _x_IfExp(self, node: ast.IfExp) -> ir.Expr:
        return ir.IfExp(self.expr(node.test), self.expr(node.body), self.expr(node.orelse))

    def _x_Tuple(self, node: ast.Tuple | ast.List) -> ir.Expr:
        items: list[ir.Expr] = []
        starred: list[bool] = []
        for e in node.elts:
            if isinstance(e, ast.Starred):
                items.append(self.expr(e.value))
                starred.append(True)
            else:
                items.append(self.expr(e))
                starred.append(False)
        return ir.TupleExpr(tuple(items), tuple(starred))

    _x_List = _x_Tuple

    def _x_JoinedStr(self, node: ast.JoinedStr) -> ir.Expr:
        parts: list[ir.Expr] = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(ir.Const(v.value))
            elif isinstance(v, ast.FormattedValue):
                inner = self.expr(v.value)
                conv = "r" if v.conversion == ord("r") else "s" if v.conversion == ord("s") else ""
                spec = self.expr(v.format_spec) if v.format_spec is not None else None
                parts.append(ir.FormattedValue(inner, conv, spec))
        return ir.FString(tuple(parts))

    def _comprehension(self, node: ast.ListComp | ast.GeneratorExp, as_tuple: bool) -> ir.Comprehension:
        scope: dict[str, ir.CompVar] = {}
        gens: list[ir.CompGen] = []
        self.comp_scopes.append(scope)
        depth = len(self.comp_scopes)
        try:
            for gen in node.generators:
                if gen.is_async:
                    raise self.error(node, "'async for' is not part of the model language")
                it = self.expr(gen.iter)

                def bind(t: ast.expr) -> ir.CompPattern:
                    if isinstance(t, ast.Name):
                        var = ir.CompVar(t.id, depth)
                        scope[t.id] = var
                        return ir.CompPattern(var)
                    if isinstance(t, ast.Tuple | ast.List):
                        return ir.CompPattern(None, tuple(bind(e) for e in t.elts))
                    raise self.error(t, "a comprehension target must be a name or a tuple of names")

                target = bind(gen.target)
                ifs = tuple(self.expr(c) for c in gen.ifs)
                gens.append(ir.CompGen(target, it, ifs))
            elt = self.expr(node.elt)
        finally:
            self.comp_scopes.pop()
        return ir.Comprehension(elt, tuple(gens), as_tuple)

    def _x_ListComp(self, node: ast.ListComp) -> ir.Expr:
        return self._comprehension(node, True)

    def _x_GeneratorExp(self, node: ast.GeneratorExp) -> ir.Expr:
        return self._comprehension(node, True)

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

    def _x_Call(self, node: ast.Call) -> ir.Expr:
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
                return ir.PureCall(sym.id, tuple(self._bind_args(node, sym)))
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
        cargs = node.args
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
            return ir.Symbolic(self.expr(cargs[0]), width, signed)
        if name == "call":
            raise self.error(node, "call(proc_ref, ...) takes steps and may only be used as a whole statement, as the whole right-hand side of an assignment, or as 'return call(...)'")
        if name == "choose":
            return ir.Choose(tuple(self.expr(a) for a in cargs))
        if name == "new":
            cls = self._class_arg(cargs[0], "new")
            fields = {f.name for f in cls.fields}
            kws = []
            for kw in node.keywords:
                if kw.arg is None or kw.arg not in fields:
                    raise self.error(kw, f"class '{cls.name}' has no field '{kw.arg}'{suggest(kw.arg or '', sorted(fields))}")
                kws.append((kw.arg, self.expr(kw.value)))
            return ir.New(cls.id, tuple(kws))
        if name == "objects":
            return ir.Objects(self._class_arg(cargs[0], "objects").id)
        if name == "spawn":
            target = cargs[0]
            psym = self.mod.names.get(target.id) if isinstance(target, ast.Name) else None
            if not isinstance(psym, FuncSym) or psym.kind != "proc":
                raise self.error(target, "spawn() needs a procedure name as its first argument")
            fake = ast.Call(func=target, args=cargs[1:], keywords=[])
            ast.copy_location(fake, node)
            pargs = self._bind_args(fake, psym)
            tname: ir.Expr | None = None
            daemon: ir.Expr | None = None
            for kw in node.keywords:
                if kw.arg == "name":
                    tname = self.expr(kw.value)
                elif kw.arg == "daemon":
                    daemon = self.expr(kw.value)
                else:
                    raise self.error(kw, f"spawn() has no keyword '{kw.arg}' (allowed: name, daemon)")
            return ir.Spawn(psym.id, tuple(pargs), tname, daemon)
        if name == "me":
            return ir.Me()
        if name in UINT_WIDTHS:
            return ir.Cast(self.expr(cargs[0]), UINT_WIDTHS[name], False)
        if name in SINT_WIDTHS:
            return ir.Cast(self.expr(cargs[0]), SINT_WIDTHS[name], True)
        compiled: list[ir.Expr] = []
        for a in cargs:
            if isinstance(a, ast.GeneratorExp) and name in GENERATOR_CONSUMERS and len(cargs) == 1:
                compiled.append(self._comprehension(a, False))
            else:
                compiled.append(self.expr(a))
        return ir.BuiltinCall(name, tuple(compiled))

    def _class_arg(self, node: ast.expr, fn: str) -> ClassSym:
        sym = self.mod.names.get(node.id) if isinstance(node, ast.Name) else None
        if not isinstance(sym, ClassSym):
            raise self.error(node, f"{fn}() needs a class name as its first argument")
        return sym

    # ------------------------------------------------------ pure functions
    def pure_block(self, stmts: list[ast.stmt]) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for st in stmts:
            if _is_doc(st):
                continue
            out.append(self._pure_stmt(st))
        return out

    def _pure_stmt(self, st: ast.stmt) -> ir.Stmt:
        info = self.info(st, "stmt")
        if isinstance(st, ast.Assign):
            if len(st.targets) != 1:
                raise self.error(st, "chained assignment is not part of the model language")
            if isinstance(st.value, ast.Call):
                self._x_Call(st.value)  # raises for procedures
            value = self.expr(st.value)
            return ir.SAssign(info, self.target(st.targets[0]), value)
        if isinstance(st, ast.AnnAssign) and st.value is not None:
            self._check_annotation(st.annotation)
            value = self.expr(st.value)
            return ir.SAssign(info, self.target(st.target), value)
        if isinstance(st, ast.AugAssign):
            value = self._augmented(st)
            return ir.SAssign(info, self.target(st.target), value)
        if isinstance(st, ast.If):
            test = self.expr(st.test)
            return ir.SIf(info, test, self.pure_block(st.body), self.pure_block(st.orelse))
        if isinstance(st, ast.While):
            if st.orelse:
                raise self.error(st, "'while ... else' is not part of the model language")
            test = self.expr(st.test)
            self.loop_depth += 1
            body = self.pure_block(st.body)
            self.loop_depth -= 1
            return ir.SWhile(info, test, body)
        if isinstance(st, ast.For):
            if st.orelse:
                raise self.error(st, "'for ... else' is not part of the model language")
            it = self.expr(st.iter)
            target = self.target(st.target)
            self.loop_depth += 1
            body = self.pure_block(st.body)
            self.loop_depth -= 1
            return ir.SFor(info, target, it, body)
        if isinstance(st, ast.Return):
            if isinstance(st.value, ast.Call):
                self._x_Call(st.value)
            return ir.SReturn(info, self.expr(st.value))
        if isinstance(st, ast.Assert):
            msg = self.expr(st.msg) if st.msg is not None else ir.Const(f"assertion failed: {self.src.segment(st.test)}")
            self._note_assert_tag(st)
            return ir.SAssert(info, self.expr(st.test), msg)
        if isinstance(st, ast.Pass):
            return ir.SJump(info, "pass")
        if isinstance(st, ast.Break | ast.Continue):
            word = "break" if isinstance(st, ast.Break) else "continue"
            if not self.loop_depth:
                raise self.error(st, f"'{word}' outside a loop")
            return ir.SJump(info, word)
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call):
            fname = st.value.func.id if isinstance(st.value.func, ast.Name) else ""
            if fname in ("wait_until", "choose", "spawn", "new") or self._callee_any(st.value):
                raise self.error(st, f"@{self.sym.kind} function '{self.sym.name}' must be side-effect-free and non-blocking ({fname or 'this call'} is not allowed here)")
            raise self.error(st, "this call has no effect as a statement")
        if isinstance(st, ast.With):
            raise self.error(st, f"'with atomic()' is not allowed in @{self.sym.kind} function '{self.sym.name}' (it is already evaluated inside one step)")
        if isinstance(st, ast.Global):
            raise self.error(st, f"@{self.sym.kind} function '{self.sym.name}' may not assign globals")
        self._unsupported_stmt(st)
        raise AssertionError("unreachable")

    def _callee_any(self, call: ast.Call) -> bool:
        sym = self.mod.names.get(call.func.id) if isinstance(call.func, ast.Name) else None
        return isinstance(sym, FuncSym) and sym.takes_steps
