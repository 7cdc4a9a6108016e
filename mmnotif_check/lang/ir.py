"""The typed IR every model function is lowered into.

:mod:`mmnotif_check.lang.lower` turns the syntax tree of each function into the structured
form below (statements containing expression trees), checking the model language on the
way.  Procedures are then laid out as an instruction list (:mod:`.layout`): one
instruction per executed statement, each with its kind, source span, successor pcs and
the expressions it evaluates.  Code generation (:mod:`.codegen`) renders the IR to Python;
every analysis (:mod:`.effects`: read and write sets, lock operations, visibility; the
reductions; mutation) reads the IR, never the generated text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from mmnotif_check.lang.builtins import LockOp

# ----------------------------------------------------------------------------- spans


@dataclass(frozen=True, slots=True)
class InstrInfo:
    """Where an instruction comes from: file, line, column, the statement's text, its kind.

    ``kind`` is one of stmt | call | return | wait | atomic | if | while | for | end.
    """

    path: str
    line: int
    col: int
    text: str
    kind: str


# ----------------------------------------------------------------------- expressions


class Expr:
    """An expression node.  Nodes are immutable; ``children`` lists sub-expressions."""

    __slots__ = ()

    def children(self) -> tuple[Expr, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Const(Expr):
    value: Any


@dataclass(frozen=True, slots=True)
class Local(Expr):
    """A local variable or parameter (slot ``slot`` of the frame)."""

    slot: int
    name: str


@dataclass(frozen=True, slots=True)
class CompVar(Expr):
    """A comprehension variable, rendered ``_c<depth>_<name>``."""

    name: str
    depth: int


@dataclass(frozen=True, slots=True)
class Global(Expr):
    index: int


@dataclass(frozen=True, slots=True)
class ProcValue(Expr):
    """A procedure used as a value (a C function pointer)."""

    fid: int


@dataclass(frozen=True, slots=True)
class Field(Expr):
    """``obj.name``; ``classes`` are the class ids that may own the field."""

    obj: Expr
    name: str
    classes: tuple[int, ...]

    def children(self) -> tuple[Expr, ...]:
        return (self.obj,)


@dataclass(frozen=True, slots=True)
class Index(Expr):
    base: Expr
    index: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.base, self.index)


@dataclass(frozen=True, slots=True)
class Slice(Expr):
    base: Expr
    lower: Expr | None
    upper: Expr | None
    step: Expr | None

    def children(self) -> tuple[Expr, ...]:
        return tuple(e for e in (self.base, self.lower, self.upper, self.step) if e is not None)


@dataclass(frozen=True, slots=True)
class BinOp(Expr):
    """``left op right``; with ``width`` set the result wraps to that C type."""

    op: str
    left: Expr
    right: Expr
    width: int | None = None
    signed: bool = False

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class UnaryOp(Expr):
    op: str  # "not " | "-" | "+" | "~"
    operand: Expr
    width: int | None = None
    signed: bool = False

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class BoolOp(Expr):
    op: str  # and | or
    values: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.values


@dataclass(frozen=True, slots=True)
class Compare(Expr):
    """A comparison chain ``operands[0] ops[0] operands[1] ...``."""

    ops: tuple[str, ...]
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@dataclass(frozen=True, slots=True)
class IfExp(Expr):
    test: Expr
    body: Expr
    orelse: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.test, self.body, self.orelse)


@dataclass(frozen=True, slots=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...]
    starred: tuple[bool, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.items


@dataclass(frozen=True, slots=True)
class FormattedValue(Expr):
    value: Expr
    conversion: str  # "" | "r" | "s"
    spec: Expr | None

    def children(self) -> tuple[Expr, ...]:
        return (self.value,) if self.spec is None else (self.value, self.spec)


@dataclass(frozen=True, slots=True)
class FString(Expr):
    parts: tuple[Expr, ...]  # Const(str) pieces and FormattedValue

    def children(self) -> tuple[Expr, ...]:
        return self.parts


@dataclass(frozen=True, slots=True)
class CompPattern:
    """A comprehension target: a variable or a tuple of patterns."""

    var: CompVar | None
    elts: tuple[CompPattern, ...] = ()


@dataclass(frozen=True, slots=True)
class CompGen:
    target: CompPattern
    iter: Expr
    ifs: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Comprehension(Expr):
    """A list comprehension or generator expression (both make tuples)."""

    elt: Expr
    gens: tuple[CompGen, ...]
    as_tuple: bool = True  # False: a bare generator consumed by all/any/sum/...

    def children(self) -> tuple[Expr, ...]:
        out: list[Expr] = []
        for g in self.gens:
            out.append(g.iter)
            out.extend(g.ifs)
        out.append(self.elt)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class PureCall(Expr):
    fid: int
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class BuiltinCall(Expr):
    """A side-effect-free builtin: len, min, max, sum, all, any, abs, range, sorted, ..."""

    name: str
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class Choose(Expr):
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class New(Expr):
    cls: int
    fields: tuple[tuple[str, Expr], ...]

    def children(self) -> tuple[Expr, ...]:
        return tuple(e for _, e in self.fields)


@dataclass(frozen=True, slots=True)
class Objects(Expr):
    cls: int


@dataclass(frozen=True, slots=True)
class Spawn(Expr):
    fid: int
    args: tuple[Expr, ...]
    name: Expr | None
    daemon: Expr | None

    def children(self) -> tuple[Expr, ...]:
        return tuple(e for e in (*self.args, self.name, self.daemon) if e is not None)


@dataclass(frozen=True, slots=True)
class Me(Expr):
    pass


@dataclass(frozen=True, slots=True)
class Symbolic(Expr):
    name: Expr
    width: int
    signed: bool

    def children(self) -> tuple[Expr, ...]:
        return (self.name,)


@dataclass(frozen=True, slots=True)
class Cast(Expr):
    """``u8(x)`` .. ``s64(x)``."""

    arg: Expr
    width: int
    signed: bool

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


def walk(e: Expr) -> list[Expr]:
    """Every node of an expression tree, parents before children."""
    out = [e]
    i = 0
    while i < len(out):
        out.extend(out[i].children())
        i += 1
    return out


# ------------------------------------------------------------------- store targets


class Target:
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class StoreLocal(Target):
    slot: int
    name: str


@dataclass(frozen=True, slots=True)
class StoreGlobal(Target):
    index: int


@dataclass(frozen=True, slots=True)
class StoreField(Target):
    obj: Expr
    name: str
    classes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StoreItem(Target):
    """``base[index] = v``: stores ``_set_item(base, index, v)`` back into ``base``."""

    base: Target
    base_value: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class StoreTuple(Target):
    elts: tuple[Target, ...]


def target_exprs(t: Target) -> list[Expr]:
    """The expressions a store evaluates (object and index expressions, the old value)."""
    if isinstance(t, StoreField):
        return [t.obj]
    if isinstance(t, StoreItem):
        return [t.base_value, t.index, *target_exprs(t.base)]
    if isinstance(t, StoreTuple):
        return [e for x in t.elts for e in target_exprs(x)]
    return []


def target_leaves(t: Target) -> list[Target]:
    """The locals, globals and fields a store finally writes."""
    if isinstance(t, StoreItem):
        return target_leaves(t.base)
    if isinstance(t, StoreTuple):
        return [x for e in t.elts for x in target_leaves(e)]
    return [t]


# -------------------------------------------------------------- structured statements


@dataclass(frozen=True, slots=True)
class ProcCall:
    """A call of a procedure: static (``fid``) or through a reference (``ref``)."""

    fid: int | None
    ref: Expr | None
    args: tuple[Expr, ...]
    lock: LockOp | None = None  # set for the kernel library's lock procedures


class Stmt:
    __slots__ = ()
    info: InstrInfo


@dataclass(slots=True)
class SAssign(Stmt):
    info: InstrInfo
    target: Target
    value: Expr | ProcCall


@dataclass(slots=True)
class SEval(Stmt):
    """A statement that is a call: a procedure, or spawn/choose/new for their effect."""

    info: InstrInfo
    value: Expr | ProcCall


@dataclass(slots=True)
class SWait(Stmt):
    info: InstrInfo
    cond: Expr


@dataclass(slots=True)
class SIf(Stmt):
    info: InstrInfo
    test: Expr
    body: list[Stmt]
    orelse: list[Stmt]


@dataclass(slots=True)
class SWhile(Stmt):
    info: InstrInfo
    test: Expr
    body: list[Stmt]


@dataclass(slots=True)
class SFor(Stmt):
    info: InstrInfo
    target: Target
    iter: Expr
    body: list[Stmt]
    seq_slot: int = -1  # hidden frame slots holding the sequence and the position
    idx_slot: int = -1


@dataclass(slots=True)
class SJump(Stmt):
    """``break``, ``continue`` or ``pass``."""

    info: InstrInfo
    what: str


@dataclass(slots=True)
class SReturn(Stmt):
    info: InstrInfo
    value: Expr | ProcCall | None
    slot: int = -1  # ``return f(...)``: the hidden slot receiving the callee's result


@dataclass(slots=True)
class SAssert(Stmt):
    info: InstrInfo
    cond: Expr
    message: Expr


@dataclass(slots=True)
class SAtomic(Stmt):
    info: InstrInfo
    body: list[Stmt]
    end_info: InstrInfo


# ----------------------------------------------------------------- instructions


class Instr:
    """One instruction of a procedure.  ``kind`` names it; ``info`` says where it is from."""

    kind: ClassVar[str]
    info: InstrInfo

    def successors(self) -> tuple[int, ...]:
        return ()

    def exprs(self) -> list[Expr]:
        """Every expression the instruction evaluates."""
        return []


@dataclass(slots=True)
class IAssign(Instr):
    kind: ClassVar[str] = "assign"
    info: InstrInfo
    target: Target
    value: Expr
    next: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.next,)

    def exprs(self) -> list[Expr]:
        return [self.value, *target_exprs(self.target)]


@dataclass(slots=True)
class IEval(Instr):
    kind: ClassVar[str] = "eval"
    info: InstrInfo
    value: Expr
    next: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.next,)

    def exprs(self) -> list[Expr]:
        return [self.value]


@dataclass(slots=True)
class IWait(Instr):
    """``wait_until(cond)``: blocks the thread while ``cond`` is false."""

    kind: ClassVar[str] = "wait"
    info: InstrInfo
    cond: Expr
    next: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.next,)

    def exprs(self) -> list[Expr]:
        return [self.cond]


@dataclass(slots=True)
class IBranch(Instr):
    """``if`` / ``while`` tests."""

    kind: ClassVar[str] = "branch"
    info: InstrInfo
    cond: Expr
    then: int = -1
    orelse: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.then, self.orelse)

    def exprs(self) -> list[Expr]:
        return [self.cond]


@dataclass(slots=True)
class IJump(Instr):
    """``pass``, ``break`` or ``continue``; leaves ``atomic_exit`` atomic blocks and, for a
    ``break`` out of a ``for``, clears the loop's hidden slots."""

    kind: ClassVar[str] = "jump"
    info: InstrInfo
    target: int = -1
    atomic_exit: int = 0
    clear_slots: tuple[int, ...] = ()

    def successors(self) -> tuple[int, ...]:
        return (self.target,)


@dataclass(slots=True)
class IFor(Instr):
    """One iteration of ``for target in iter`` (the sequence is evaluated once)."""

    kind: ClassVar[str] = "for"
    info: InstrInfo
    target: Target
    iter: Expr
    seq_slot: int
    idx_slot: int
    body: int = -1
    exit: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.body, self.exit)

    def exprs(self) -> list[Expr]:
        return [self.iter, *target_exprs(self.target)]


@dataclass(slots=True)
class ICall(Instr):
    """A procedure call: pushes the callee's frame; on return the value is stored into
    ``dest`` (a store target), into hidden slot ``slot``, or dropped."""

    kind: ClassVar[str] = "call"
    info: InstrInfo
    call: ProcCall
    dest: Target | None = None
    slot: int = -1
    next: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.next,)

    def exprs(self) -> list[Expr]:
        out = list(self.call.args)
        if self.call.ref is not None:
            out.insert(0, self.call.ref)
        if self.dest is not None:
            out.extend(target_exprs(self.dest))
        return out


@dataclass(slots=True)
class IReturn(Instr):
    """Pops the frame.  ``value`` is returned (``from_slot``: a hidden slot's value)."""

    kind: ClassVar[str] = "return"
    info: InstrInfo
    value: Expr | None
    from_slot: int = -1
    atomic_exit: int = 0

    def exprs(self) -> list[Expr]:
        return [self.value] if self.value is not None else []


@dataclass(slots=True)
class IAssert(Instr):
    kind: ClassVar[str] = "assert"
    info: InstrInfo
    cond: Expr
    message: Expr
    next: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.next,)

    def exprs(self) -> list[Expr]:
        return [self.cond, self.message]


@dataclass(slots=True)
class IAtomic(Instr):
    """Enters ``with atomic():``; the block and its matching IAtomicEnd are one step."""

    kind: ClassVar[str] = "atomic"
    info: InstrInfo
    body: int = -1
    end: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.body,)


@dataclass(slots=True)
class IAtomicEnd(Instr):
    kind: ClassVar[str] = "atomic_end"
    info: InstrInfo
    next: int = -1

    def successors(self) -> tuple[int, ...]:
        return (self.next,)


# ------------------------------------------------------------------------ functions


@dataclass
class Function:
    """One lowered function.  Procedures (and ``init``) have ``instrs``; ``@pure``
    functions and properties run natively and keep the structured ``body``."""

    fid: int
    name: str
    kind: str  # proc | init | pure | invariant | final
    params: list[str]
    local_names: list[str]  # slot -> name; hidden slots are named "<...>"
    body: list[Stmt]
    instrs: list[Instr] = field(default_factory=list)
    path: str = ""
    line: int = 0

    @property
    def nslots(self) -> int:
        return len(self.local_names)

    @property
    def takes_steps(self) -> bool:
        return self.kind in ("proc", "init")

    @property
    def infos(self) -> list[InstrInfo]:
        return [i.info for i in self.instrs]
