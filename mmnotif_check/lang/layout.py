"""Lay out a procedure's statements as its instruction list (DESIGN section 4).

One instruction per step-taking statement, in source order; ``if``/``while``/``for``
headers branch, ``break``/``continue``/``pass`` jump, a call with a result stores it when
the callee returns, ``return f(...)`` is a call followed by the return of its result,
``with atomic():`` is bracketed by an :class:`~ir.IAtomic` and an :class:`~ir.IAtomicEnd`,
and every procedure ends with an implicit ``return``.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmnotif_check.lang import ir


class Label:
    """A pc not known yet (a forward jump); resolved once the target is placed."""

    __slots__ = ("alias", "pc")

    def __init__(self) -> None:
        self.pc: int | None = None
        self.alias: Label | None = None

    def resolve(self) -> int:
        lab: Label = self
        while lab.pc is None:
            assert lab.alias is not None, "unplaced label"
            lab = lab.alias
        return lab.pc


@dataclass
class _Loop:
    head: Label
    after: Label
    atomic_depth: int
    for_slots: tuple[int, int] | None


class Layout:
    def __init__(self, fn: ir.Function, end_info: ir.InstrInfo) -> None:
        self.fn = fn
        self.end_info = end_info
        self.instrs: list[ir.Instr] = []
        # (instruction, attribute, label) to patch once every label is placed
        self.patches: list[tuple[ir.Instr, str, Label]] = []
        self.loops: list[_Loop] = []
        self.atomic_depth = 0

    def run(self) -> list[ir.Instr]:
        end = Label()
        self.block(self.fn.body, end)
        end.pc = len(self.instrs)
        self.instrs.append(ir.IReturn(self.end_info, None))
        for ins, attr, lab in self.patches:
            setattr(ins, attr, lab.resolve())
        return self.instrs

    def emit(self, entry: Label, ins: ir.Instr, **targets: Label) -> None:
        if entry.pc is None and entry.alias is None:
            entry.pc = len(self.instrs)
        self.instrs.append(ins)
        for attr, lab in targets.items():
            self.patches.append((ins, attr, lab))

    def block(self, stmts: list[ir.Stmt], cont: Label) -> Label:
        """Place ``stmts``; return the label of the block's entry (``cont`` if empty)."""
        labels = [Label() for _ in stmts] + [cont]
        for k, st in enumerate(stmts):
            self.statement(st, labels[k], labels[k + 1])
        return labels[0]

    def statement(self, st: ir.Stmt, entry: Label, nxt: Label) -> None:
        if isinstance(st, ir.SWait):
            self.emit(entry, ir.IWait(st.info, st.cond), next=nxt)
        elif isinstance(st, ir.SEval):
            if isinstance(st.value, ir.ProcCall):
                self.emit(entry, ir.ICall(st.info, st.value), next=nxt)
            else:
                self.emit(entry, ir.IEval(st.info, st.value), next=nxt)
        elif isinstance(st, ir.SAssign):
            if isinstance(st.value, ir.ProcCall):
                self.emit(entry, ir.ICall(st.info, st.value, dest=st.target), next=nxt)
            else:
                self.emit(entry, ir.IAssign(st.info, st.target, st.value), next=nxt)
        elif isinstance(st, ir.SIf):
            ins = ir.IBranch(st.info, st.test)
            self.emit(entry, ins)
            self.patches.append((ins, "then", self.block(st.body, nxt)))
            self.patches.append((ins, "orelse", self.block(st.orelse, nxt) if st.orelse else nxt))
        elif isinstance(st, ir.SWhile):
            ins = ir.IBranch(st.info, st.test)
            self.emit(entry, ins, orelse=nxt)
            self.loops.append(_Loop(entry, nxt, self.atomic_depth, None))
            self.patches.append((ins, "then", self.block(st.body, entry)))
            self.loops.pop()
        elif isinstance(st, ir.SFor):
            fins = ir.IFor(st.info, st.target, st.iter, st.seq_slot, st.idx_slot)
            self.emit(entry, fins, exit=nxt)
            self.loops.append(_Loop(entry, nxt, self.atomic_depth, (st.seq_slot, st.idx_slot)))
            self.patches.append((fins, "body", self.block(st.body, entry)))
            self.loops.pop()
        elif isinstance(st, ir.SJump):
            self._jump(st, entry, nxt)
        elif isinstance(st, ir.SReturn):
            if isinstance(st.value, ir.ProcCall):
                after = Label()
                self.emit(entry, ir.ICall(st.info, st.value, slot=st.slot), next=after)
                after.pc = len(self.instrs)
                self.instrs.append(ir.IReturn(st.info, None, from_slot=st.slot, atomic_exit=self.atomic_depth))
            else:
                self.emit(entry, ir.IReturn(st.info, st.value, atomic_exit=self.atomic_depth))
        elif isinstance(st, ir.SAssert):
            self.emit(entry, ir.IAssert(st.info, st.cond, st.message), next=nxt)
        elif isinstance(st, ir.SAtomic):
            begin = ir.IAtomic(st.info)
            self.emit(entry, begin)
            end = Label()
            self.atomic_depth += 1
            self.patches.append((begin, "body", self.block(st.body, end)))
            self.atomic_depth -= 1
            end.pc = len(self.instrs)
            begin.end = end.pc
            self.instrs.append(ir.IAtomicEnd(st.end_info))
            self.patches.append((self.instrs[-1], "next", nxt))
        else:  # pragma: no cover - the lowering produces nothing else
            raise AssertionError(f"unexpected statement {st!r}")

    def _jump(self, st: ir.SJump, entry: Label, nxt: Label) -> None:
        if st.what == "pass":
            self.emit(entry, ir.IJump(st.info), target=nxt)
            return
        loop = self.loops[-1]
        exit_atomic = self.atomic_depth - loop.atomic_depth
        if st.what == "break":
            clear = loop.for_slots if loop.for_slots is not None else ()
            self.emit(entry, ir.IJump(st.info, atomic_exit=exit_atomic, clear_slots=clear), target=loop.after)
        else:
            self.emit(entry, ir.IJump(st.info, atomic_exit=exit_atomic), target=loop.head)


def layout(fn: ir.Function, end_info: ir.InstrInfo) -> list[ir.Instr]:
    """The instruction list of procedure ``fn`` (its implicit return described by ``end_info``)."""
    return Layout(fn, end_info).run()
