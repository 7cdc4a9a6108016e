"""What a counterexample's views need to know about each step, from the IR.

The trace formats read only the JSON report; to show the protocol's steps (calls into the
kernel library folded into one line, helpers that change nothing left out, branches on
constants left out, the fields a violated property reads marked) they need facts that
only the compiled model knows.  :class:`TraceFacts` computes them once per trace, for
:func:`mmnotif_check.trace.build.build_trace`:

* :meth:`step`: the function a step runs in, the call depth, the statement's kind, whether
  it is in the kernel library, what it calls, whether a branch depends only on constants
  and which way it went;
* :meth:`property_locations` and :meth:`change_location`: which changes a violated
  property reads (class-level locations of :mod:`.effects`);
* :meth:`thread_id_fields`: the lock fields that hold thread ids (``RwSem.writer``...);
* :meth:`witness_values`: the value of every symbolic term of the trace under a witness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mmnotif_check.lang import ir
from mmnotif_check.lang.builtins import LOCK_CLASSES
from mmnotif_check.lang.effects import Loc
from mmnotif_check.lang.loader import is_library_path

if TYPE_CHECKING:
    from mmnotif_check.lang.system import CompiledModel


@dataclass(frozen=True)
class StepFacts:
    function: str | None
    depth: int  # frames on the thread's stack when the step starts
    depth_after: int  # ... and after it (the same for a failing step)
    kind: str  # the statement kind of ir.InstrInfo: stmt | call | return | wait | atomic | if | ...
    kernel: bool  # the statement is in the kernel library
    calls: str | None = None  # a call that entered a function: its name
    calls_kernel: bool = False  # ... which is in the kernel library
    calls_helper: bool = False  # ... which is a model procedure that writes no shared data
    constant: bool = False  # a branch whose condition depends only on constants
    taken: bool | None = None  # a branch: whether it entered the body


_UNKNOWN = object()


def constant_value(e: ir.Expr) -> Any:
    """The value of an expression made of constants only (short-circuits included), or
    :data:`_UNKNOWN`."""
    if isinstance(e, ir.Const):
        return e.value
    if isinstance(e, ir.UnaryOp) and e.op == "not ":
        v = constant_value(e.operand)
        return _UNKNOWN if v is _UNKNOWN else not v
    if isinstance(e, ir.BoolOp):
        unknown = False
        for part in e.values:
            v = constant_value(part)
            if v is _UNKNOWN:
                unknown = True
            elif (e.op == "and" and not v) or (e.op == "or" and v):
                return v  # decides the whole expression whatever the rest is
        if unknown:
            return _UNKNOWN
        return constant_value(e.values[-1])
    if isinstance(e, ir.Compare) and len(e.ops) == 1:
        a, b = constant_value(e.operands[0]), constant_value(e.operands[1])
        if a is _UNKNOWN or b is _UNKNOWN:
            return _UNKNOWN
        try:
            return {"==": a == b, "!=": a != b, "is": a is b, "is not": a is not b}[e.ops[0]]
        except KeyError:
            return _UNKNOWN
    return _UNKNOWN


class TraceFacts:
    """Facts about the steps and states of one compiled model."""

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self.functions = model.functions
        self._readonly: dict[int, bool] = {}
        self._class_ids = {name: k for k, name in enumerate(model.class_names)}
        self._global_ids = {name: k for k, name in enumerate(model.global_names)}

    # ---------------------------------------------------------------- steps
    def _top(self, state: Any, tid: int) -> tuple[Any, ...] | None:
        frames = self.model.frames(state, tid)
        return frames[-1] if frames else None

    def _depth(self, state: Any, tid: int) -> int:
        return len(self.model.frames(state, tid))

    def step(self, before: Any, tid: int, after: Any | None) -> StepFacts:
        """The facts of thread ``tid``'s step from ``before`` to ``after`` (None: it failed)."""
        top = self._top(before, tid)
        if top is None:
            return StepFacts(None, 0, 0, "stmt", False)
        fid, pc = top[0], top[1]
        fn = self.functions[fid]
        ins = fn.instrs[pc]
        depth = self._depth(before, tid)
        depth_after = self._depth(after, tid) if after is not None else depth
        kernel = is_library_path(ins.info.path)
        facts: dict[str, Any] = {}
        if after is not None and depth_after == depth + 1:
            new_top = self._top(after, tid)
            if new_top is not None:
                callee = self.functions[new_top[0]]
                facts["calls"] = callee.name
                facts["calls_kernel"] = is_library_path(callee.path)
                facts["calls_helper"] = not facts["calls_kernel"] and self.read_only(callee.fid)
        if isinstance(ins, ir.IBranch | ir.IFor):
            if isinstance(ins, ir.IBranch):
                facts["constant"] = constant_value(ins.cond) is not _UNKNOWN
            if after is not None and depth_after == depth:
                new_top = self._top(after, tid)
                if new_top is not None and new_top[0] == fid:
                    body = ins.then if isinstance(ins, ir.IBranch) else ins.body
                    facts["taken"] = new_top[1] == body
        return StepFacts(fn.name, depth, depth_after, ins.info.kind, kernel, **facts)

    def read_only(self, fid: int) -> bool:
        """A procedure (and everything it calls) writes no global or field, creates and
        spawns nothing and never waits: a helper whose steps a reader can skip."""
        known = self._readonly.get(fid)
        if known is not None:
            return known
        self._readonly[fid] = True  # recursion: assume so while looking
        fn = self.functions[fid]
        eff = self.model.effects
        ok = fn.kind == "proc"
        for pc, ins in enumerate(fn.instrs):
            if not ok:
                break
            acc = eff.instr[fid][pc]
            if acc.writes or acc.spawns or acc.chooses or isinstance(ins, ir.IWait):
                ok = False
            elif isinstance(ins, ir.ICall):
                res = eff.resume[fid].get(pc)
                if ins.call.fid is None or (res is not None and res.writes) or not self.read_only(ins.call.fid):
                    ok = False
        self._readonly[fid] = ok
        return ok

    # ----------------------------------------------------------- properties
    def property_locations(self, kind: str | None, prop: str | None, failing: tuple[Any, int] | None) -> frozenset[Loc]:
        """The class-level locations a violated property reads: an invariant's or final's
        body, a failing assert's condition and message (``failing``: the state before the
        failing step and its thread)."""
        eff = self.model.effects
        if kind in ("invariant", "final"):
            for sym in self.model.program.invariants + self.model.program.finals:
                if sym.name == prop:
                    return eff.pure_reads.get(sym.id, frozenset())
            return frozenset()
        if kind == "assert" and failing is not None:
            top = self._top(*failing)
            if top is None:
                return frozenset()
            ins = self.functions[top[0]].instrs[top[1]]
            acc = eff.instr[top[0]][top[1]]
            if isinstance(ins, ir.IAssert):
                return frozenset(acc.reads)
            # an assert inside an atomic block: the block's statements run in this step
            reads: set[Loc] = set(acc.reads)
            fn = self.functions[top[0]]
            end = getattr(ins, "end", -1)
            for pc in range(top[1], end if end > top[1] else top[1] + 1):
                if isinstance(fn.instrs[pc], ir.IAssert):
                    reads |= eff.instr[top[0]][pc].reads
            return frozenset(reads)
        return frozenset()

    def change_location(self, name: str) -> Loc | None:
        """The class-level location a change name (``Userptr#0.finish_inuse``, ``in_cs``,
        ``DmaFence#0``) stands for; None for locals and threads."""
        if name.startswith("thread "):
            return None
        obj, dot, fld = name.partition(".")
        cls, hash_, _ = obj.partition("#")
        if hash_ and cls in self._class_ids:
            return ("F", self._class_ids[cls], fld) if dot else ("O", self._class_ids[cls])
        if name in self._global_ids:
            return ("G", self._global_ids[name])
        return None

    def thread_id_fields(self) -> list[str]:
        """``Class.field`` of the fields that hold thread ids: the kernel library's lock
        owners, and every field a procedure stores a value computed from ``me()`` into
        (``u.owners = u.owners + (me(),)``)."""
        out: list[str] = []
        classes = self.model.program.classes
        for k, cls in enumerate(classes):
            spec = LOCK_CLASSES.get(cls.name)
            if spec is None or not is_library_path(_class_path(cls)):
                continue
            fields = self.model.class_fields[k]
            out.extend(f"{cls.name}.{f}" for f in spec if f is not None and f in fields)
        for fn in self.functions:
            for ins in fn.instrs:
                if not isinstance(ins, ir.IAssign) or not any(isinstance(e, ir.Me) for e in ir.walk(ins.value)):
                    continue
                for leaf in ir.target_leaves(ins.target):
                    if isinstance(leaf, ir.StoreField):
                        for c in leaf.classes:
                            name = f"{classes[c].name}.{leaf.name}"
                            if name not in out:
                                out.append(name)
        return out

    # ------------------------------------------------------------- symbolic
    def witness_values(self, states: Sequence[Any], witness: Sequence[tuple[str, int]]) -> dict[str, Any]:
        """Every symbolic term in ``states`` (as the report writes it, ``"<term>"``) with its
        value under ``witness``."""
        if not witness or not self.model.symbolic:
            return {}
        from mmnotif_check.lang.inspect import jsonable
        from mmnotif_check.symbolic import values as symvals

        z = symvals.z3()
        widths = self.model.sym_vars
        subst = [(z.BitVec(n, widths[n][0]), z.BitVecVal(v, widths[n][0])) for n, v in witness if n in widths]
        out: dict[str, Any] = {}

        def visit(v: Any) -> None:
            if isinstance(v, tuple):
                for x in v:
                    visit(x)
            elif isinstance(v, symvals.Sym | symvals.SymBool):
                key = jsonable(v)
                if key in out:
                    return
                t = z.simplify(z.substitute(v.t, *subst))
                if isinstance(v, symvals.SymBool):
                    out[key] = bool(z.is_true(t)) if z.is_true(t) or z.is_false(t) else key
                elif z.is_bv_value(t):
                    val = t.as_long()
                    if v.s and val >= 1 << (v.w - 1):
                        val -= 1 << v.w
                    out[key] = val

        m = self.model
        for state in states:
            g, h, _ = m._data(state)
            visit(tuple(g))
            for rec in h:
                visit(tuple(rec[1:]))
            n = len(m.thread_names(state))
            for tid in range(n):
                for fr in m.frames(state, tid):
                    visit(tuple(fr[2:]))
        return out


def _class_path(cls: Any) -> str:
    module = getattr(cls, "module", None)
    src = getattr(module, "src", None)
    return str(getattr(src, "shown", ""))
