"""Run generated code: the run-time helpers it calls, and the loop that executes a step.

:class:`Executable` execs the generated module of a :class:`~.program.Program` in a
namespace of helpers bound to one :class:`~.state.Interner`, and keeps per function the
instruction functions, the resume functions of calls and the native functions of
``@pure`` code.  :meth:`Executable.run` executes one step of one thread (DESIGN section
4): instructions until the thread is back outside every ``with atomic()`` block, then,
while the reduction in force says so, the statements after it (see
:mod:`mmnotif_check.lang.reduce`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from mmnotif_check.lang import ir, limits, runtime
from mmnotif_check.lang.codegen import instr_name, native_name, resume_name
from mmnotif_check.lang.lower import assert_tag
from mmnotif_check.lang.program import Program
from mmnotif_check.lang.runtime import (
    BLOCK,
    CALL,
    RETURN,
    AssertFailed,
    ModelFault,
    Ref,
    StepContext,
)
from mmnotif_check.lang.state import EMPTY_STACK, Interner
from mmnotif_check.symbolic import values as symvals

ATOMIC_INSTRUCTION_LIMIT = 1_000_000
MERGE_LIMIT = 10_000  # statements merged into one step at most (a local spin stays a spin)

# merge(c, fid, pc, locs, pending, base) -> may the step at (fid, pc) run in the step just
# taken?  ``pending`` are the frames the step pushed, ``base`` the stack below them (the
# caller, for a return, is ``pending[-1]`` or the top of ``base``).  None: never merge.
MergeFn = Callable[[StepContext, int, int, list[Any], list[Any], int], bool]


class CheckerBug(Exception):
    """An error of the checker itself while running a step (never reported as the model's)."""


def _cls_id(cls: str | None) -> int | None:
    return int(cls) if cls is not None else None


class Executable:
    """The generated code of one program with its run-time helpers."""

    def __init__(self, program: Program, interner: Interner, selected: frozenset[str] | None,
                 sym_vars: dict[str, tuple[int, bool]]) -> None:
        self.program = program
        self.interner = interner
        self.selected = selected
        self.sym_vars = sym_vars
        self.class_names = [c.name for c in program.classes]
        self._refs: dict[tuple[int, int, int], Ref] = {}
        self.procs: list[runtime.ProcRef] = []
        # under --symmetry, me() and spawn() return Tid values (see lang/symmetry.py)
        self.tids = [False]
        ns = self._namespace()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(program.source, f"<mmnotif-check generated from {program.root}>", "exec"), ns)
        # per function and pc: whether it is a `while` loop's test, to which a step going
        # back (from a later pc) may close a cycle of states (see lang/reduce.py)
        self.loop_heads: list[list[bool]] = [_loop_heads(fn) for fn in program.functions]
        self.code: list[list[Any]] = []
        self.resume: list[dict[int, Any]] = []
        self.native: list[Any] = []
        for fn in program.functions:
            if fn.takes_steps:
                self.code.append([ns[instr_name(fn.fid, pc)] for pc in range(len(fn.instrs))])
                self.resume.append({pc: ns[resume_name(fn.fid, pc)] for pc, ins in enumerate(fn.instrs)
                                    if isinstance(ins, ir.ICall)})
                self.native.append(None)
            else:
                self.code.append([])
                self.resume.append({})
                self.native.append(ns[native_name(fn.fid)])
        self.nslots = [fn.nslots for fn in program.functions]

    def ref(self, cls_id: int, index: int, ordinal: int) -> Ref:
        key = (cls_id, index, ordinal)
        ref = self._refs.get(key)
        if ref is None:
            ref = self._refs[key] = Ref(cls_id, index, f"{self.class_names[cls_id]}#{ordinal}")
        return ref

    def ref_named(self, cls_id: int, index: int, name: str) -> Ref:
        """The reference another process calls ``name`` (lang/wire.py)."""
        return self.ref(cls_id, index, int(name.rpartition("#")[2]))

    def proc_ref(self, fid: int) -> runtime.ProcRef:
        return self.procs[fid]

    # ----------------------------------------------------------------- helpers
    def _namespace(self) -> dict[str, Any]:
        prog = self.program
        classes = prog.classes
        gcheck = [runtime.make_checker(g.type.kind, _cls_id(g.type.cls), g.type.width) for g in prog.globals]
        fcheck = [
            [runtime.make_checker("any", None, None)]
            + [runtime.make_checker(f.type.kind, _cls_id(f.type.cls), f.type.width) for f in c.fields]
            for c in classes
        ]
        field_slots = {name: tuple(slots) for name, slots in prog.field_slots.items()}
        defaults = [tuple(f.default for f in c.fields) for c in classes]
        nslots = [fn.nslots for fn in prog.functions]
        names = [fn.name for fn in prog.functions]
        intern_stack = self.interner.S.intern
        make_ref = self.ref

        def setg(c: StepContext, k: int, v: Any) -> None:
            v = gcheck[k](v)
            g = c.G
            if type(g) is tuple:
                g = c.G = list(g)
            g[k] = v
            c.dirty = True

        def slot_of(o: Any, name: str, verb: str) -> int:
            """The record slot of field ``name`` of object ``o`` (a fault if there is none)."""
            if type(o) is not Ref:
                if o is None:
                    raise ModelFault(f"None dereference {verb} field '{name}'")
                raise ModelFault(f"{verb} field '{name}' of a {runtime.type_name(o)}, not an object")
            slot = field_slots[name][o.c]
            if slot is None:
                raise ModelFault(f"{o.name} has no field '{name}'")
            return slot

        def getf(c: Any, o: Any, name: str) -> Any:
            return c.H[o.i][slot_of(o, name, "reading")]

        def setf(c: StepContext, o: Any, name: str, v: Any) -> None:
            slot = slot_of(o, name, "writing")
            v = fcheck[o.c][slot](v)
            h = c.H
            if type(h) is tuple:
                h = c.H = list(h)
            i = o.i
            rec = h[i]
            h[i] = (*rec[:slot], v, *rec[slot + 1 :])
            c.hd.append(i)
            c.dirty = True

        def new(c: StepContext, cls_id: int, kws: tuple[tuple[str, Any], ...]) -> Ref:
            h = c.H
            if type(h) is tuple:
                h = c.H = list(h)
            ordinal = sum(1 for rec in h if rec[0].c == cls_id)
            ref = make_ref(cls_id, len(h), ordinal)
            values = list(defaults[cls_id])
            for name, v in kws:
                slot = field_slots[name][cls_id]
                assert slot is not None
                values[slot - 1] = fcheck[cls_id][slot](v)
            h.append((ref, *values))
            c.dirty = True
            return ref

        tids = self.tids

        def spawn(c: StepContext, fid: int, args: tuple[Any, ...], name: Any, daemon: Any) -> int:
            tid = len(c.I)
            if name is None:
                name = f"{names[fid]}-{tid}"
            elif type(name) is not str:
                raise ModelFault(f"spawn(): thread name must be a str, not {runtime.type_name(name)}")
            if any(n == name for n, _ in c.I):
                raise ModelFault(f"spawn(): a thread named {name!r} already exists")
            pad = (None,) * (nslots[fid] - len(args))
            c.spawned.append(intern_stack((EMPTY_STACK, fid, 0, *args, *pad)))
            c.I = (*c.I, (name, bool(daemon)))
            c.dirty = True
            return runtime.Tid(tid) if tids[0] else tid

        def me(c: Any) -> int:
            if c.tid < 0:
                raise ModelFault("me() has no thread here (it is evaluated outside any thread)")
            return runtime.Tid(c.tid) if tids[0] else int(c.tid)

        def as_seq(v: Any) -> Any:
            if type(v) is tuple or type(v) is str:
                return v
            raise ModelFault(f"expected a tuple to iterate over, got {runtime.type_name(v)} {v!r}")

        def unpack(v: Any, n: int) -> Any:
            if type(v) is not tuple or len(v) != n:
                raise ModelFault(f"cannot unpack {v!r} into {n} names")
            return v

        def cast_u(v: Any, width: int) -> int:
            return int(v) & ((1 << width) - 1)

        def cast_s(v: Any, width: int) -> int:
            u = int(v) & ((1 << width) - 1)
            return u - (1 << width) if u >= 1 << (width - 1) else u

        procs = self.procs = [runtime.ProcRef(fn.fid, fn.name, len(fn.params)) for fn in prog.functions]

        def dyn_target(ref: Any, nargs: int) -> int:
            if type(ref) is not runtime.ProcRef:
                if ref is None:
                    raise ModelFault("call() through a None procedure reference")
                raise ModelFault(f"call() needs a procedure reference, not a {runtime.type_name(ref)}")
            if ref.nparams != nargs:
                raise ModelFault(f"call(): '{ref.name}' takes {ref.nparams} arguments, {nargs} given")
            return int(ref.id)

        selected = self.selected

        def assert_failed(message: str) -> None:
            tag = assert_tag(message)
            if selected is not None and tag is not None and tag not in selected:
                return
            raise AssertFailed(message)

        sym_vars = self.sym_vars

        def make_symbolic(c: StepContext, name: Any, width: int, signed: bool) -> Any:
            if type(name) is not str or not name.isidentifier():
                raise ModelFault(f"symbolic(): the name must be an identifier string, not {name!r}")
            known = sym_vars.get(name)
            if known is not None and known != (width, signed):
                raise ModelFault(f"symbolic(): '{name}' already names a value of another type")
            sym_vars[name] = (width, signed)
            return symvals.make_symbolic(name, width, signed)

        max_nesting = limits.MAX_NESTING

        def nest(t: tuple[Any, ...]) -> tuple[Any, ...]:
            """A tuple display's value, unless it nests tuples too deep (hashing a tuple
            nested some 100,000 deep overflows the C stack)."""
            for y in t:
                if type(y) is tuple and y:
                    if limits.nesting(t, max_nesting) > max_nesting:
                        raise limits.LimitError(f"value too large: tuples nested more than {max_nesting} deep")
                    break
            return t

        def wrapu(v: Any, width: int) -> Any:
            return v & ((1 << width) - 1) if type(v) is int else v

        def wraps(v: Any, width: int) -> Any:
            if type(v) is not int:
                return v
            v &= (1 << width) - 1
            return v - (1 << width) if v >= 1 << (width - 1) else v

        def sdiv(a: Any, b: Any) -> Any:  # C division truncates toward zero
            if type(a) is int and type(b) is int:
                if b == 0:
                    raise ZeroDivisionError
                q = abs(a) // abs(b)
                return q if (a >= 0) == (b >= 0) else -q
            return a // b

        def smod(a: Any, b: Any) -> Any:  # C remainder has the sign of the dividend
            if type(a) is int and type(b) is int:
                return a - sdiv(a, b) * b
            return a % b

        ns: dict[str, Any] = {
            "_K": tuple(getattr(prog, "consts", ())),
            "_mul": limits.checked_mul,
            "_pow": limits.checked_pow,
            "_shl": limits.checked_lshift,
            "_powm": limits.pow_mod,
            "_shlm": limits.lshift_mod,
            "_nest": nest,
            "_format": limits.checked_format,
            "_wrapu": wrapu,
            "_wraps": wraps,
            "_sdiv": sdiv,
            "_smod": smod,
            "_symbolic": make_symbolic,
            "_eq": symvals.eq,
            "_ne": symvals.ne,
            "_contains": symvals.contains,
            "_cast": symvals.cast,
            "_assert_failed": assert_failed,
            "_same": lambda a, b: a is b or (type(a) is type(b) and a == b),
            "_P": procs,
            "_dyn_target": dyn_target,
            "_CALL": CALL,
            "_RETURN": RETURN,
            "_BLOCK": BLOCK,
            "_AssertFailed": AssertFailed,
            "_setg": setg,
            "_getf": getf,
            "_setf": setf,
            "_new": new,
            "_spawn": spawn,
            "_me": me,
            "_objects": runtime.objects_of,
            "_choose_args": runtime.choose_args,
            "_set_item": runtime.set_item,
            "_remove": runtime.remove,
            "_discard": runtime.discard,
            "_append": runtime.append,
            "_index_of": runtime.index_of,
            "_range": limits.checked_range,
            "_as_seq": as_seq,
            "_unpack": unpack,
            "_cast_u": cast_u,
            "_cast_s": cast_s,
        }
        for name, slots in field_slots.items():
            ns[f"_F_{name}"] = slots
        return ns

    # ------------------------------------------------------------------ the loop
    def run(self, c: StepContext, base: int, fid: int, pc: int, locs: list[Any],
            merge: MergeFn | None, local: list[list[bool]] | None = None) -> int | None:
        """Run one step from frame ``(fid, pc, locs)`` over stack ``base``; the thread's
        new stack id, or None if the step is blocked.

        The step ends after one instruction at atomic depth 0, or when the base frame
        returns; then the next statement runs in the same step while ``local`` says it
        touches only the thread's stack (returns excluded: they need the caller) or
        ``merge`` allows it (a merged statement that turns out to block ends the step
        before it).  Raises AssertFailed / ModelFault (with ``where`` set) on failures.
        """
        code = self.code
        resume = self.resume
        heads = self.loop_heads
        svals = self.interner.S.values
        pending: list[tuple[int, int, list[Any]]] = []  # frames pushed in this step
        budget = ATOMIC_INSTRUCTION_LIMIT
        merged = 0
        saved: tuple[int, int, list[Any], int, int] | None = None
        try:
            while True:
                r = code[fid][pc](c, locs)
                if r >= 0:
                    if r <= pc and heads[fid][r]:
                        c.back = True
                    pc = r
                elif r == CALL:
                    callee, args = c.call  # type: ignore[misc]
                    pending.append((fid, pc, locs))
                    fid = callee
                    pc = 0
                    n = self.nslots[callee] - len(args)
                    locs = args + [None] * n if n else args
                elif r == RETURN:
                    if pending:
                        fid, pc, locs = pending.pop()
                    elif base == EMPTY_STACK:
                        c.steps = merged + 1
                        return EMPTY_STACK
                    else:
                        entry = svals[base]
                        base = entry[0]
                        fid = entry[1]
                        pc = entry[2]
                        locs = list(entry[3:])
                    r = resume[fid][pc](c, locs, c.retval)
                    if r <= pc and heads[fid][r]:
                        c.back = True
                    pc = r
                else:  # BLOCK
                    if c.dirty:
                        raise ModelFault(
                            "wait_until blocked in the middle of an atomic block (only its first "
                            "statement may block)"
                        )
                    if saved is None:
                        return None
                    # a merged statement blocks: the step ends before it
                    fid, pc, locs, depth, base = saved
                    del pending[depth:]
                    c.atomic = 0
                    merged -= 1
                    break
                if c.atomic == 0:
                    if merge is None or merged >= MERGE_LIMIT:
                        break
                    merged += 1
                    if local is not None and local[fid][pc]:
                        continue  # cannot block, touches nothing shared
                    try:
                        go_on = merge(c, fid, pc, locs, pending, base)
                    except Exception as exc:  # never the model's fault
                        raise CheckerBug(f"reduction failed at {fid}:{pc}: {exc!r}") from exc
                    if not go_on:
                        break
                    saved = (fid, pc, list(locs), len(pending), base)
                    c.dirty = False
                    continue
                budget -= 1
                if budget == 0:
                    raise ModelFault("an atomic block ran for too long (an endless loop?)")
        except (AssertFailed, ModelFault) as exc:
            exc.where = (fid, pc)  # type: ignore[union-attr]
            c.steps = merged + 1
            raise
        except runtime.SymmetryBroken as exc:
            exc.where = (fid, pc)  # type: ignore[attr-defined]
            raise
        except (symvals.SolverUnknown, CheckerBug, MemoryError):
            raise  # MemoryError: out of memory is a budget (the engine's), not the model's fault
        except RecursionError as exc:
            fault = ModelFault("recursion too deep")
            fault.where = (fid, pc)  # type: ignore[attr-defined]
            c.steps = merged + 1
            raise fault from exc
        except Exception as exc:  # a Python error inside generated code
            fault = ModelFault(runtime.translate_python_error(exc))
            fault.where = (fid, pc)  # type: ignore[attr-defined]
            c.steps = merged + 1
            raise fault from exc
        c.steps = merged + 1
        intern = self.interner.S.intern
        sid = base
        for f, p, ls in pending:
            sid = intern((sid, f, p, *ls))
        return intern((sid, fid, pc, *locs))


def _loop_heads(fn: Any) -> list[bool]:
    """Which pcs of ``fn`` are `while` tests: a branch some later instruction goes back to."""
    instrs = getattr(fn, "instrs", None) or []
    heads = [False] * len(instrs)
    for pc, ins in enumerate(instrs):
        for t in ins.successors():
            if 0 <= t <= pc and isinstance(instrs[t], ir.IBranch):
                heads[t] = True
    return heads
