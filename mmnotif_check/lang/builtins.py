"""Tables of the model language: builtins, their arities, operators, what is rejected.

Everything the compiler needs to know about a name it did not find in the model lives
here, so the lowering (lang/lower.py) stays about structure.  The kernel library's lock
procedures are also listed here: the IR marks calls of them as lock operations, which is
what lets the reductions see which data a held lock protects (lang/reduce.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mmnotif_check.lang.types import SINT_WIDTHS, UINT_WIDTHS

DECORATORS = {"pure", "invariant", "final"}
STATEMENT_BUILTINS = {"wait_until", "atomic"}
STEP_BUILTINS = {"choose", "spawn", "new", "call"}  # only inside procedures and init()
EXPR_BUILTINS = {
    "len", "min", "max", "sum", "all", "any", "abs", "range", "sorted", "reversed",
    "tuple", "list", "enumerate", "zip", "bool", "int", "str", "remove", "discard",
    "append", "index", "objects", "me", "symbolic", *UINT_WIDTHS, *SINT_WIDTHS,
}
ALL_BUILTINS = STATEMENT_BUILTINS | STEP_BUILTINS | EXPR_BUILTINS | DECORATORS
ARITY: dict[str, tuple[int, int | None]] = {
    "len": (1, 1), "abs": (1, 1), "min": (1, None), "max": (1, None), "sum": (1, 2),
    "all": (1, 1), "any": (1, 1), "range": (1, 3), "sorted": (1, 1), "reversed": (1, 1),
    "tuple": (0, 1), "list": (0, 1), "enumerate": (1, 1), "zip": (1, None), "bool": (1, 1),
    "int": (1, 1), "str": (1, 1), "remove": (2, 2), "discard": (2, 2), "append": (2, 2),
    "index": (2, 2), "objects": (1, 1), "me": (0, 0), "choose": (1, None), "spawn": (1, None),
    "new": (1, 1), "call": (1, None), "symbolic": (2, 2), "wait_until": (1, 1), "atomic": (0, 0),
    **{name: (1, 1) for name in (*UINT_WIDTHS, *SINT_WIDTHS)},
}
GENERATOR_CONSUMERS = {"all", "any", "sum", "min", "max", "sorted", "tuple", "list", "len"}

# How a generic builtin call renders (``{}`` is the joined argument list); the rest call
# the Python builtin of the same name.
BUILTIN_RENDER = {
    "range": "_range({})",
    "sorted": "tuple(sorted({}))",
    "reversed": "tuple(reversed(_as_seq({})))",
    "tuple": "tuple({})",
    "list": "tuple({})",
    "enumerate": "_nest(tuple(enumerate({})))",
    "zip": "_nest(tuple(zip({})))",
    "remove": "_remove({})",
    "discard": "_discard({})",
    "append": "_append({})",
    "index": "_index_of({})",
}

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

BINOPS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^",
}
CMPOPS: dict[type, str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}
UNARYOPS: dict[type, str] = {ast.Not: "not ", ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}


# ------------------------------------------------------------------- lock operations
LOCKS_MODULE = "locks.py"  # mmnotif_check/kernel/locks.py


@dataclass(frozen=True)
class LockOp:
    """What a call of a kernel-library lock procedure does to its first argument.

    ``acquire`` ops block until the lock is free for ``mode`` (``read``, ``write`` or
    ``excl``); trylocks never block and are not listed, so they protect nothing.
    """

    action: str  # acquire | release
    mode: str  # read | write | excl


LOCK_PROCEDURES: dict[str, LockOp] = {
    "down_read": LockOp("acquire", "read"),
    "down_write": LockOp("acquire", "write"),
    "mutex_lock": LockOp("acquire", "excl"),
    "spin_lock": LockOp("acquire", "excl"),
    "up_read": LockOp("release", "read"),
    "up_write": LockOp("release", "write"),
    "downgrade_write": LockOp("release", "write"),
    "mutex_unlock": LockOp("release", "excl"),
    "spin_unlock": LockOp("release", "excl"),
}

# @pure functions that ask whether the running thread holds a lock (lockdep_assert_held):
# another thread's lock operation cannot change their answer.
OWNERSHIP_QUERIES = frozenset({"rwsem_held_write", "rwsem_held_read", "rwsem_held", "mutex_is_held"})

# How to tell, from a lock object's fields, which thread holds it and how (class name in
# the kernel library -> (exclusive owner field or None, shared holders field or None)).
LOCK_CLASSES: dict[str, tuple[str | None, str | None]] = {
    "RwSem": ("writer", "readers"),
    "Mutex": ("owner", None),
    "SpinLock": ("owner", None),
}
