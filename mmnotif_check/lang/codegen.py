"""Render the IR as one Python module (never the model's own code: it is never executed).

Each procedure instruction becomes a small function ``_i<fid>_<pc>(c, L)`` that runs the
instruction on a :class:`~mmnotif_check.lang.runtime.StepContext` (``c``) and the frame's
locals (``L``) and returns the next pc or a control code; a call also gets its resume
function ``_r<fid>_<pc>(c, L, _v)`` that stores the callee's result.  ``@pure`` functions
and properties become ordinary Python functions ``_f<fid>(c, ...)``.  The names the code
uses (``_setf``, ``_new``, ``_F_<field>`` tables, ...) are provided by the executor.
"""

from __future__ import annotations

from typing import Any

from mmnotif_check.lang import ir
from mmnotif_check.lang.builtins import BUILTIN_RENDER
from mmnotif_check.lang.limits import LimitError, checked_lshift, checked_mul, checked_pow, nesting

# Unwrapped ``*``, ``**`` and ``<<`` can build results exponentially larger than their
# operands: they run through the checking helpers of lang/limits.py (``_mul`` ...), unless
# both operands are constants, which are folded here.  With a C width, ``**`` and ``<<``
# compute modulo 2^width (``_powm``, ``_shlm``), never the full value.
CHECKED = {"*": ("_mul", checked_mul), "**": ("_pow", checked_pow), "<<": ("_shl", checked_lshift)}
INLINE_CONST_CHARS = 1000  # constants with a longer text (or nested deeper) go to the table _K
INLINE_CONST_NESTING = 8


def _inline(v: Any) -> bool:
    if isinstance(v, int) and not isinstance(v, bool):
        return v.bit_length() <= 256
    if isinstance(v, str):
        return len(v) <= INLINE_CONST_CHARS
    if isinstance(v, tuple):
        return len(v) <= 64 and nesting(v, INLINE_CONST_NESTING) <= INLINE_CONST_NESTING and all(_inline(x) for x in v)
    return True


def _const(v: object, table: list[Any] | None = None) -> str:
    """A constant in the generated code: inline, or (big, long, deeply nested: its text
    could exceed Python's parser limits) an entry of the program's constant table."""
    if table is not None and not _inline(v):
        table.append(v)
        return f"_K[{len(table) - 1}]"
    text = repr(v)
    if isinstance(v, tuple) or (isinstance(v, int) and not isinstance(v, bool) and v < 0):
        return f"({text})"
    return text


class Renderer:
    """Renders the expressions, stores and statements of one function."""

    def __init__(self, fn: ir.Function, symbolic: bool, consts: list[Any] | None = None) -> None:
        self.fn = fn
        self.native = not fn.takes_steps
        self.symbolic = symbolic
        self.tmp = 0
        self.consts = consts

    def fresh(self) -> str:
        self.tmp += 1
        return f"_t{self.tmp}"

    # ------------------------------------------------------------------ expressions
    def expr(self, e: ir.Expr) -> str:
        x = self.expr
        if isinstance(e, ir.Const):
            return _const(e.value, self.consts)
        if isinstance(e, ir.Local):
            return f"l_{e.name}" if self.native else f"L[{e.slot}]"
        if isinstance(e, ir.CompVar):
            return f"_c{e.depth}_{e.name}"
        if isinstance(e, ir.Global):
            return f"c.G[{e.index}]"
        if isinstance(e, ir.ProcValue):
            return f"_P[{e.fid}]"
        if isinstance(e, ir.Field):
            obj = x(e.obj)
            if isinstance(e.obj, ir.Local | ir.CompVar):
                return f"c.H[{obj}.i][_F_{e.name}[{obj}.c]]"
            return f"_getf(c, {obj}, {e.name!r})"
        if isinstance(e, ir.Index):
            return f"{x(e.base)}[{x(e.index)}]"
        if isinstance(e, ir.Slice):
            lo = x(e.lower) if e.lower is not None else ""
            hi = x(e.upper) if e.upper is not None else ""
            if e.step is not None:
                return f"{x(e.base)}[{lo}:{hi}:{x(e.step)}]"
            return f"{x(e.base)}[{lo}:{hi}]"
        if isinstance(e, ir.BinOp):
            left, right = x(e.left), x(e.right)
            if e.width is not None:
                wrap = "_wraps" if e.signed else "_wrapu"
                if e.signed and e.op in ("//", "%"):
                    helper = "_sdiv" if e.op == "//" else "_smod"
                    return f"_wraps({helper}({left}, {right}), {e.width})"
                if e.op in ("**", "<<"):  # modulo 2^width: never the whole (maybe huge) value
                    helper = "_powm" if e.op == "**" else "_shlm"
                    return f"{wrap}({helper}({left}, {right}, {e.width}), {e.width})"
                return f"{wrap}(({left} {e.op} {right}), {e.width})"
            if e.op in CHECKED:
                helper, fold = CHECKED[e.op]
                if isinstance(e.left, ir.Const) and isinstance(e.right, ir.Const):
                    try:
                        value = fold(e.left.value, e.right.value)
                    except (LimitError, TypeError, ValueError, OverflowError, MemoryError):
                        pass  # the step reports it, at run time, where it happens
                    else:
                        if not isinstance(value, float):
                            return _const(value, self.consts)
                return f"{helper}({left}, {right})"
            return f"({left} {e.op} {right})"
        if isinstance(e, ir.UnaryOp):
            code = f"({e.op}{x(e.operand)})"
            if e.width is not None:
                return f"{'_wraps' if e.signed else '_wrapu'}({code}, {e.width})"
            return code
        if isinstance(e, ir.BoolOp):
            return "(" + f" {e.op} ".join(x(v) for v in e.values) + ")"
        if isinstance(e, ir.Compare):
            return self._compare(e)
        if isinstance(e, ir.IfExp):
            return f"({x(e.body)} if {x(e.test)} else {x(e.orelse)})"
        if isinstance(e, ir.TupleExpr):
            parts = [f"*_as_seq({x(i)})" if s else x(i) for i, s in zip(e.items, e.starred, strict=True)]
            display = "(" + "".join(p + ", " for p in parts) + ")"
            if all(isinstance(i, ir.Const) and not isinstance(i.value, tuple) for i in e.items):
                return display
            return f"_nest({display})"  # tuples nest at most MAX_NESTING deep (lang/limits.py)
        if isinstance(e, ir.FString):
            parts = []
            for p in e.parts:
                if isinstance(p, ir.FormattedValue):
                    inner = x(p.value)
                    if p.conversion == "r":
                        inner = f"repr({inner})"
                    elif p.conversion == "s":
                        inner = f"str({inner})"
                    spec = x(p.spec) if p.spec is not None else repr("")
                    parts.append(f"_format({inner}, {spec})")  # widths are bounded (lang/limits.py)
                else:
                    parts.append(x(p))
            return "(" + " + ".join(parts or ["''"]) + ")"
        if isinstance(e, ir.Comprehension):
            gens = []
            for g in e.gens:
                conds = "".join(f" if {x(c)}" for c in g.ifs)
                gens.append(f"for {self._pattern(g.target)} in _as_seq({x(g.iter)}){conds}")
            body = f"({x(e.elt)} {' '.join(gens)})"
            return f"tuple{body}" if e.as_tuple else body
        if isinstance(e, ir.PureCall):
            return f"_f{e.fid}(c{''.join(', ' + x(a) for a in e.args)})"
        if isinstance(e, ir.BuiltinCall):
            joined = ", ".join(x(a) for a in e.args)
            template = BUILTIN_RENDER.get(e.name)
            return template.format(joined) if template is not None else f"{e.name}({joined})"
        if isinstance(e, ir.Choose):
            return f"c.choose(_choose_args(({''.join(x(a) + ', ' for a in e.args)})))"
        if isinstance(e, ir.New):
            kws = "".join(f"({name!r}, {x(v)}), " for name, v in e.fields)
            return f"_new(c, {e.cls}, ({kws}))"
        if isinstance(e, ir.Objects):
            return f"_objects(c.H, {e.cls})"
        if isinstance(e, ir.Spawn):
            args = "".join(x(a) + ", " for a in e.args)
            name = x(e.name) if e.name is not None else "None"
            daemon = x(e.daemon) if e.daemon is not None else "False"
            return f"_spawn(c, {e.fid}, ({args}), {name}, {daemon})"
        if isinstance(e, ir.Me):
            return "_me(c)"
        if isinstance(e, ir.Symbolic):
            return f"_symbolic(c, {x(e.name)}, {e.width}, {e.signed})"
        if isinstance(e, ir.Cast):
            if self.symbolic:
                return f"_cast({x(e.arg)}, {e.width}, {e.signed})"
            return f"{'_cast_s' if e.signed else '_cast_u'}({x(e.arg)}, {e.width})"
        raise AssertionError(f"cannot render {e!r}")  # pragma: no cover

    def _pattern(self, p: ir.CompPattern) -> str:
        if p.var is not None:
            return self.expr(p.var)
        return "(" + "".join(self._pattern(q) + ", " for q in p.elts) + ")"

    def _compare(self, e: ir.Compare) -> str:
        out: list[str] = []
        for k, op in enumerate(e.ops):
            a, b = self.expr(e.operands[k]), self.expr(e.operands[k + 1])
            if op in ("is", "is not"):
                out.append(f"_same({a}, {b})" if op == "is" else f"(not _same({a}, {b}))")
            elif op in ("is-none", "is-not-none"):
                out.append(f"({a} {'is' if op == 'is-none' else 'is not'} {b})")
            elif self.symbolic and op in ("==", "!="):
                out.append(f"{'_eq' if op == '==' else '_ne'}({a}, {b})")
            elif self.symbolic and op in ("in", "not in"):
                test = f"_contains({b}, {a})"
                out.append(test if op == "in" else f"(not {test})")
            else:
                out.append(f"({a} {op} {b})")
        return out[0] if len(out) == 1 else "(" + " and ".join(out) + ")"

    # ----------------------------------------------------------------------- stores
    def store(self, t: ir.Target, value: str) -> list[str]:
        """Lines that store the Python expression ``value`` into ``t``."""
        if isinstance(t, ir.StoreLocal):
            if self.native:
                return [f"l_{t.name} = {value}"]
            return [f"L[{t.slot}] = {value}", "c.dirty = True"]
        if isinstance(t, ir.StoreGlobal):
            return [f"_setg(c, {t.index}, {value})"]
        if isinstance(t, ir.StoreField):
            return [f"_setf(c, {self.expr(t.obj)}, {t.name!r}, {value})"]
        if isinstance(t, ir.StoreItem):
            return self.store(t.base, f"_set_item({self.expr(t.base_value)}, {self.expr(t.index)}, {value})")
        if isinstance(t, ir.StoreTuple):
            tmp = self.fresh()
            lines = [f"{tmp} = _unpack({value}, {len(t.elts)})"]
            for k, elt in enumerate(t.elts):
                lines.extend(self.store(elt, f"{tmp}[{k}]"))
            return lines
        raise AssertionError(f"cannot store into {t!r}")  # pragma: no cover

    # ------------------------------------------------------------------ instructions
    def instruction(self, ins: ir.Instr) -> tuple[list[str], list[str] | None]:
        """The body of the instruction's function, and of its resume function (calls)."""
        x = self.expr
        if isinstance(ins, ir.IAssign):
            return [f"_v = {x(ins.value)}", *self.store(ins.target, "_v"), f"return {ins.next}"], None
        if isinstance(ins, ir.IEval):
            return [x(ins.value), f"return {ins.next}"], None
        if isinstance(ins, ir.IWait):
            return [f"if not ({x(ins.cond)}): return _BLOCK", f"return {ins.next}"], None
        if isinstance(ins, ir.IBranch):
            return [f"return {ins.then} if ({x(ins.cond)}) else {ins.orelse}"], None
        if isinstance(ins, ir.IJump):
            lines = [f"c.atomic -= {ins.atomic_exit}"] if ins.atomic_exit else []
            lines += [f"L[{s}] = None" for s in ins.clear_slots]
            return [*lines, f"return {ins.target}"], None
        if isinstance(ins, ir.IFor):
            seq, idx = ins.seq_slot, ins.idx_slot
            return [
                f"s = L[{seq}]",
                "if s is None:",
                f"    s = _as_seq({x(ins.iter)})",
                f"    L[{seq}] = s",
                "    k = 0",
                "else:",
                f"    k = L[{idx}]",
                "if k < len(s):",
                "    _v = s[k]",
                *("    " + ln for ln in self.store(ins.target, "_v")),
                f"    L[{idx}] = k + 1",
                f"    return {ins.body}",
                f"L[{seq}] = None",
                f"L[{idx}] = None",
                "c.dirty = True",
                f"return {ins.exit}",
            ], None
        if isinstance(ins, ir.ICall):
            call = ins.call
            args = ", ".join(x(a) for a in call.args)
            if call.fid is None:
                assert call.ref is not None
                target = f"_dyn_target({x(call.ref)}, {len(call.args)})"
            else:
                target = str(call.fid)
            resume: list[str] = []
            if ins.slot >= 0:
                resume.append(f"L[{ins.slot}] = _v")
            elif ins.dest is not None:
                resume.extend(self.store(ins.dest, "_v"))
            resume += ["c.dirty = True", f"return {ins.next}"]
            return [f"c.call = ({target}, [{args}])", "return _CALL"], resume
        if isinstance(ins, ir.IReturn):
            value = f"L[{ins.from_slot}]" if ins.from_slot >= 0 else (x(ins.value) if ins.value is not None else "None")
            fix = [f"c.atomic -= {ins.atomic_exit}"] if ins.atomic_exit else []
            return [f"c.retval = {value}", *fix, "return _RETURN"], None
        if isinstance(ins, ir.IAssert):
            return [f"if not ({x(ins.cond)}): _assert_failed(str({x(ins.message)}))", f"return {ins.next}"], None
        if isinstance(ins, ir.IAtomic):
            return ["c.atomic += 1", f"return {ins.body}"], None
        if isinstance(ins, ir.IAtomicEnd):
            return ["c.atomic -= 1", f"return {ins.next}"], None
        raise AssertionError(f"cannot render {ins!r}")  # pragma: no cover

    # ---------------------------------------------------------------- native code
    def native_block(self, stmts: list[ir.Stmt], depth: int) -> list[str]:
        pad = "    " * depth
        out: list[str] = []
        x = self.expr
        for st in stmts:
            if isinstance(st, ir.SAssign):
                assert not isinstance(st.value, ir.ProcCall)
                out.extend(pad + ln for ln in self.store(st.target, x(st.value)))
            elif isinstance(st, ir.SIf):
                out.append(f"{pad}if {x(st.test)}:")
                out.extend(self.native_block(st.body, depth + 1))
                if st.orelse:
                    out.append(f"{pad}else:")
                    out.extend(self.native_block(st.orelse, depth + 1))
            elif isinstance(st, ir.SWhile):
                out.append(f"{pad}while {x(st.test)}:")
                out.extend(self.native_block(st.body, depth + 1))
            elif isinstance(st, ir.SFor):
                t = self.fresh()
                out.append(f"{pad}for {t} in _as_seq({x(st.iter)}):")
                out.extend(pad + "    " + ln for ln in self.store(st.target, t))
                out.extend(self.native_block(st.body, depth + 1))
            elif isinstance(st, ir.SReturn):
                assert not isinstance(st.value, ir.ProcCall)
                out.append(f"{pad}return {x(st.value) if st.value is not None else 'None'}")
            elif isinstance(st, ir.SAssert):
                out.append(f"{pad}if not ({x(st.cond)}): _assert_failed(str({x(st.message)}))")
            elif isinstance(st, ir.SJump):
                out.append(f"{pad}{st.what}")
            else:  # pragma: no cover - the lowering produces nothing else in pure code
                raise AssertionError(f"unexpected statement {st!r}")
        if not out:
            out.append(pad + "pass")
        return out


def instr_name(fid: int, pc: int) -> str:
    return f"_i{fid}_{pc}"


def resume_name(fid: int, pc: int) -> str:
    return f"_r{fid}_{pc}"


def native_name(fid: int) -> str:
    return f"_f{fid}"


def render_function(fn: ir.Function, symbolic: bool, consts: list[Any] | None = None) -> list[str]:
    """The Python source lines of one function (constants that are not inlined are
    appended to ``consts``, the program's table ``_K``)."""
    r = Renderer(fn, symbolic, consts)
    out: list[str] = []
    if fn.takes_steps:
        for pc, ins in enumerate(fn.instrs):
            body, resume = r.instruction(ins)
            out.append(f"def {instr_name(fn.fid, pc)}(c, L):")
            out.extend("    " + ln for ln in body)
            if resume is not None:
                out.append(f"def {resume_name(fn.fid, pc)}(c, L, _v):")
                out.extend("    " + ln for ln in resume)
        return out
    params = "".join(f", l_{p}" for p in fn.params)
    out.append(f"def {native_name(fn.fid)}(c{params}):")
    for name in fn.local_names:
        if name not in fn.params:
            out.append(f"    l_{name} = None")
    out.extend(r.native_block(fn.body, 1))
    out.append("    return None")
    return out


def render_program(functions: list[ir.Function], symbolic: bool, consts: list[Any] | None = None) -> str:
    """The generated module for every function of a program; with ``consts``, big
    constants are collected there (the executor provides them as ``_K``)."""
    lines: list[str] = []
    for fn in functions:
        lines.extend(render_function(fn, symbolic, consts))
    return "\n".join(lines) + "\n"
