"""What each instruction may read and write, from the IR (never from generated text).

A *location* is one of::

    ("G", k)            global k
    ("F", cls, field)   field ``field`` of objects of class id ``cls``
    ("O", cls)          the set of objects of class ``cls`` (read by ``objects``, written by ``new``)
    ("H",)              the number of objects (every ``new`` writes it: indices follow creation order)
    ("T",)              the thread table (``spawn``)

Class-level sets are over-approximations: a field access may touch any object of the
classes that own the field (narrowed where the lowering knows the class).  They say which
locations *thread code* (procedures reachable from a spawned thread, as opposed to code
that only ``init()`` runs) ever writes: everything else is immutable once exploration
starts.  The ``local`` reduction merges statements that touch only the thread's own
stack (and immutable shared data); :mod:`mmnotif_check.lang.footprint` builds its
object-precise analysis on the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmnotif_check.lang import ir
from mmnotif_check.lang.program import Program

Loc = tuple[object, ...]
HEAP: Loc = ("H",)
THREADS: Loc = ("T",)


@dataclass(frozen=True)
class Access:
    """The class-level reads and writes of an instruction (or expression), and what else
    it does that the reductions care about."""

    reads: frozenset[Loc] = frozenset()
    writes: frozenset[Loc] = frozenset()
    chooses: bool = False
    spawns: bool = False
    symbolic: bool = False

    def __or__(self, other: Access) -> Access:
        return Access(
            self.reads | other.reads,
            self.writes | other.writes,
            self.chooses or other.chooses,
            self.spawns or other.spawns,
            self.symbolic or other.symbolic,
        )


NOTHING = Access()


def field_locs(name: str, classes: tuple[int, ...]) -> frozenset[Loc]:
    return frozenset(("F", c, name) for c in classes)


class Effects:
    """Read/write sets of every instruction and pure function of a program."""

    def __init__(self, program: Program) -> None:
        self.program = program
        fns = program.functions
        self.pure_reads: dict[int, frozenset[Loc]] = {}
        self._pure_fixpoint()
        self.instr: list[list[Access]] = [[self.instruction(i) for i in fn.instrs] for fn in fns]
        self.resume: list[dict[int, Access]] = [
            {pc: self.resume_access(i) for pc, i in enumerate(fn.instrs) if isinstance(i, ir.ICall)} for fn in fns
        ]
        self.thread_procs = self._thread_procs()
        mutable: set[Loc] = set()
        for fid in self.thread_procs:
            for acc in self.instr[fid]:
                mutable |= acc.writes
            for acc in self.resume[fid].values():
                mutable |= acc.writes
        self.mutable = frozenset(mutable)
        self.local: list[list[bool]] = [
            [self._is_local(fn.instrs[pc], self.instr[fn.fid][pc]) for pc in range(len(fn.instrs))] for fn in fns
        ]
        self.local_resume: list[dict[int, bool]] = [
            {pc: self._is_local(None, acc) for pc, acc in self.resume[fn.fid].items()} for fn in fns
        ]
        # what any @invariant or @final reads, and which instructions write some of it
        self.property_reads = frozenset().union(*(self.pure_reads.get(f.fid, frozenset())
                                                  for f in fns if f.kind in ("invariant", "final")))
        self.visible: list[list[bool]] = [
            [bool(self.instr[fn.fid][pc].writes & self.property_reads) for pc in range(len(fn.instrs))] for fn in fns
        ]
        # instructions that may block: a wait_until, or an atomic block that starts with one
        # (possibly in a procedure the block calls first)
        self.blocks: list[list[bool]] = [[self._may_block(fn, pc) for pc in range(len(fn.instrs))] for fn in fns]
        # local and not a return (whether a return is local depends on its caller)
        self.local_no_return: list[list[bool]] = [
            [loc and not isinstance(ins, ir.IReturn) for loc, ins in zip(self.local[fn.fid], fn.instrs, strict=True)]
            for fn in fns
        ]

    # ------------------------------------------------------------- expressions
    def expr(self, e: ir.Expr) -> Access:
        reads: set[Loc] = set()
        writes: set[Loc] = set()
        chooses = spawns = symbolic = False
        for node in ir.walk(e):
            if isinstance(node, ir.Global):
                reads.add(("G", node.index))
            elif isinstance(node, ir.Field):
                reads |= field_locs(node.name, node.classes)
            elif isinstance(node, ir.Objects):
                reads.add(("O", node.cls))
            elif isinstance(node, ir.PureCall):
                reads |= self.pure_reads.get(node.fid, frozenset())
            elif isinstance(node, ir.New):
                writes |= {("O", node.cls), HEAP}
            elif isinstance(node, ir.Spawn):
                writes.add(THREADS)
                spawns = True
            elif isinstance(node, ir.Choose):
                chooses = True
            elif isinstance(node, ir.Symbolic):
                symbolic = True
        return Access(frozenset(reads), frozenset(writes), chooses, spawns, symbolic)

    def store(self, t: ir.Target) -> Access:
        acc = NOTHING
        for e in ir.target_exprs(t):
            acc = acc | self.expr(e)
        writes: set[Loc] = set()
        for leaf in ir.target_leaves(t):
            if isinstance(leaf, ir.StoreGlobal):
                writes.add(("G", leaf.index))
            elif isinstance(leaf, ir.StoreField):
                writes |= field_locs(leaf.name, leaf.classes)
        return acc | Access(writes=frozenset(writes))

    def _exprs(self, exprs: list[ir.Expr]) -> Access:
        acc = NOTHING
        for e in exprs:
            acc = acc | self.expr(e)
        return acc

    def _pure_fixpoint(self) -> None:
        pure = [fn for fn in self.program.functions if not fn.takes_steps]
        for fn in pure:
            self.pure_reads[fn.fid] = frozenset()
        changed = True
        while changed:
            changed = False
            for fn in pure:
                reads: set[Loc] = set()
                for st in _walk_stmts(fn.body):
                    for e in _stmt_exprs(st):
                        reads |= self.expr(e).reads
                new = frozenset(reads)
                if new != self.pure_reads[fn.fid]:
                    self.pure_reads[fn.fid] = new
                    changed = True

    # ------------------------------------------------------------ instructions
    def instruction(self, ins: ir.Instr) -> Access:
        """What evaluating ``ins`` may touch (a call: its arguments; see resume_access)."""
        if isinstance(ins, ir.IAssign):
            return self.expr(ins.value) | self.store(ins.target)
        if isinstance(ins, ir.IFor):
            return self.expr(ins.iter) | self.store(ins.target)
        if isinstance(ins, ir.ICall):
            return self._exprs([*ins.call.args, *([ins.call.ref] if ins.call.ref is not None else [])])
        return self._exprs(ins.exprs())

    def resume_access(self, ins: ir.ICall) -> Access:
        """What storing a call's result touches (when the callee returns)."""
        return self.store(ins.dest) if ins.dest is not None else NOTHING

    def _thread_procs(self) -> set[int]:
        """Procedures a spawned thread may run (init-only code excluded)."""
        fns = self.program.functions
        roots: set[int] = set()
        for fn in fns:
            exprs: list[ir.Expr] = []
            if fn.takes_steps:
                for ins in fn.instrs:
                    exprs.extend(ins.exprs())
            else:
                for st in _walk_stmts(fn.body):
                    exprs.extend(_stmt_exprs(st))
            for e in exprs:
                for node in ir.walk(e):
                    if isinstance(node, ir.Spawn):
                        roots.add(node.fid)
                    elif isinstance(node, ir.ProcValue):
                        roots.add(node.fid)  # may be called through a reference
        seen: set[int] = set()
        todo = list(roots)
        while todo:
            fid = todo.pop()
            if fid in seen:
                continue
            seen.add(fid)
            for ins in fns[fid].instrs:
                if isinstance(ins, ir.ICall) and ins.call.fid is not None:
                    todo.append(ins.call.fid)
        return seen

    def _may_block(self, fn: ir.Function, pc: int, depth: int = 0) -> bool:
        ins = fn.instrs[pc]
        if isinstance(ins, ir.IWait):
            return True
        if isinstance(ins, ir.IAtomic) and depth < 8:
            first = fn.instrs[ins.body]
            if isinstance(first, ir.ICall):
                targets = [first.call.fid] if first.call.fid is not None else sorted(self.thread_procs)
                return any(self._may_block(self.program.functions[t], 0, depth + 1) for t in targets)
            return isinstance(first, ir.IWait)
        return False

    def _is_local(self, ins: ir.Instr | None, acc: Access) -> bool:
        """Touches only the thread's own stack (and shared data no thread ever writes)."""
        if ins is not None:
            if ins.info.kind in ("wait", "atomic", "end") or isinstance(ins, ir.IWait | ir.IAtomic | ir.IAtomicEnd):
                return False
            if isinstance(ins, ir.IJump | ir.IReturn) and ins.atomic_exit:
                return False
        if acc.writes or acc.spawns:
            return False
        return not (acc.reads & self.mutable)


def _walk_stmts(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    out: list[ir.Stmt] = []
    for st in stmts:
        out.append(st)
        if isinstance(st, ir.SIf):
            out.extend(_walk_stmts(st.body))
            out.extend(_walk_stmts(st.orelse))
        elif isinstance(st, ir.SWhile | ir.SFor | ir.SAtomic):
            out.extend(_walk_stmts(st.body))
    return out


def _stmt_exprs(st: ir.Stmt) -> list[ir.Expr]:
    if isinstance(st, ir.SAssign):
        value = [st.value] if isinstance(st.value, ir.Expr) else list(st.value.args)
        return [*value, *ir.target_exprs(st.target)]
    if isinstance(st, ir.SEval):
        return [st.value] if isinstance(st.value, ir.Expr) else list(st.value.args)
    if isinstance(st, ir.SWait):
        return [st.cond]
    if isinstance(st, ir.SIf | ir.SWhile):
        return [st.test]
    if isinstance(st, ir.SFor):
        return [st.iter, *ir.target_exprs(st.target)]
    if isinstance(st, ir.SReturn):
        if isinstance(st.value, ir.Expr):
            return [st.value]
        return list(st.value.args) if st.value is not None else []
    if isinstance(st, ir.SAssert):
        return [st.cond, st.message]
    return []
