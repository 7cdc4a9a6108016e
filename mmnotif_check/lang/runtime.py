"""Run-time support for compiled models.

Generated code (see :mod:`mmnotif_check.lang.codegen`) calls the helpers here.  The state
layout they work on is documented in :mod:`mmnotif_check.lang.state`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from mmnotif_check.lang import limits
from mmnotif_check.symbolic.values import Brancher, Sym, SymBool, cast

INT_LIMIT = 1 << limits.MAX_INT_BITS

# Control codes returned by compiled instructions (non-negative values are the next pc).
CALL = -1
RETURN = -2
BLOCK = -3


class ModelFault(Exception):
    """A run-time error in the model: None dereference, bad index, wrong type, ..."""


class AssertFailed(Exception):
    """A model ``assert`` failed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SymmetryBroken(Exception):
    """The model computes with a thread id, so threads cannot be swapped (``--symmetry``)."""


def _broken(self: Any, *args: Any) -> Any:
    raise SymmetryBroken("arithmetic or an ordering comparison on a thread id (me() or a spawn's result)")


class Tid(int):
    """A thread id as ``me()`` and ``spawn()`` return it under ``--symmetry``: equal to, and
    hashed like, its int, so states do not change; but the checker can find it in the data
    to rename it when it swaps threads, and using it as a number is refused."""

    __slots__ = ()

    def __repr__(self) -> str:
        return int.__repr__(self)

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _broken
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = _broken
    __lshift__ = __rlshift__ = __rshift__ = __rrshift__ = __and__ = __rand__ = _broken
    __or__ = __ror__ = __xor__ = __rxor__ = __neg__ = __pos__ = __invert__ = __abs__ = _broken
    __lt__ = __le__ = __gt__ = __ge__ = _broken


class Ref:
    """A reference to a model object.

    Interned per (class, heap index, per-class ordinal), so identity is equality and
    hashing is as cheap as it gets.
    """

    __slots__ = ("c", "i", "name")

    def __init__(self, cls_id: int, index: int, name: str) -> None:
        self.c = cls_id
        self.i = index
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return self.name

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Ref):
            return self.i < other.i
        return NotImplemented


class ProcRef:
    """A reference to a procedure (a C function pointer such as ``ops->invalidate``)."""

    __slots__ = ("id", "name", "nparams")

    def __init__(self, fid: int, name: str, nparams: int) -> None:
        self.id = fid
        self.name = name
        self.nparams = nparams

    def __repr__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return self.name


class StepContext(Brancher):
    """Mutable working copy of one state while one thread takes one step.

    ``G`` (globals) and ``H`` (object records, in creation order) are the state's tuples
    until the step first writes them, then list copies; ``hd`` lists the objects whose
    record the step replaced.  ``I`` is the thread table (``(name, daemon)`` per thread)
    and ``spawned`` the stack ids of threads the step started.  ``dirty`` records whether
    the step has written anything (a ``wait_until`` that fails after a write is an error).
    """

    __slots__ = (
        "G",
        "H",
        "I",
        "P",
        "arities",
        "atomic",
        "back",
        "call",
        "choice_pos",
        "dirty",
        "hd",
        "model",
        "prefix",
        "retval",
        "solver",
        "spawned",
        "stacks",
        "steps",
        "tid",
    )

    def __init__(self) -> None:
        self.G: Any = ()
        self.H: Any = ()
        self.I: Any = ()
        self.hd: list[int] = []
        self.spawned: list[int] = []
        self.stacks: Any = ()  # the stack ids of every thread before the step
        self.steps = 1  # literal steps (statements) the step took, merged ones included
        self.back = False  # whether a step went back to a `while` loop's test (set, never cleared, by the run)
        self.arities: list[int] = []
        self.call: tuple[int, list[Any]] | None = None
        self.choice_pos = 0
        self.dirty = False
        self.prefix: Sequence[int] = ()
        self.retval: Any = None
        self.tid = -1
        self.atomic = 0
        self.model: Any = None
        self.P: list[Any] = []  # path condition (SymBool constraints) in symbolic models
        self.solver: Any = None

    def branch(self, cond: Any) -> bool:
        """Fork on a symbolic condition: keep each side whose path condition is satisfiable."""
        terms = [p.t for p in self.P]
        neg = cond.negate()
        t_ok = self.solver.sat([*terms, cond.t])
        f_ok = self.solver.sat([*terms, neg.t])
        if t_ok and f_ok:
            pick = bool(self.choose((True, False)))
            self.P.append(cond if pick else neg)
            return pick
        if not (t_ok or f_ok):
            raise ModelFault("the path condition became unsatisfiable")
        return bool(t_ok)

    def choose(self, options: Any) -> Any:
        opts = tuple(options)
        if not opts:
            raise ModelFault("choose() over an empty sequence")
        k = self.choice_pos
        self.choice_pos = k + 1
        if k < len(self.prefix):
            pick = self.prefix[k]
            if pick >= len(opts):
                raise ModelFault("replayed choice out of range")
        else:
            pick = 0
        if k >= len(self.arities):
            self.arities.append(len(opts))
        return opts[pick]


def choose_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """``choose(a, b, ...)`` picks among its arguments; ``choose(seq)`` among the items."""
    if len(args) == 1 and isinstance(args[0], tuple | range):
        return tuple(args[0])
    return args


def set_item(seq: Any, index: Any, value: Any) -> tuple[Any, ...]:
    """``xs[i] = v`` on an immutable tuple value: a new tuple."""
    if type(value) is tuple:
        limits.check_nesting((value,))
    if not isinstance(seq, tuple):
        raise ModelFault(f"item assignment into a {type_name(seq)}, not a tuple")
    if type(index) is not int and type(index) is not bool:
        raise ModelFault(f"tuple index must be an int, not {type_name(index)}")
    n = len(seq)
    if not -n <= index < n:
        raise ModelFault(f"index {index} out of range for a tuple of length {n}")
    if index < 0:
        index += n
    return (*seq[:index], value, *seq[index + 1 :])


def remove(seq: Any, item: Any) -> tuple[Any, ...]:
    """A copy of ``seq`` without the first occurrence of ``item``."""
    if not isinstance(seq, tuple):
        raise ModelFault(f"remove() needs a tuple, not {type_name(seq)}")
    for k, x in enumerate(seq):
        if x == item:
            return seq[:k] + seq[k + 1 :]
    raise ModelFault(f"remove(): {item!r} is not in {seq!r}")


def discard(seq: Any, item: Any) -> tuple[Any, ...]:
    """Like :func:`remove`, but a missing item is not an error."""
    if not isinstance(seq, tuple):
        raise ModelFault(f"discard() needs a tuple, not {type_name(seq)}")
    for k, x in enumerate(seq):
        if x == item:
            return seq[:k] + seq[k + 1 :]
    return seq


def append(seq: Any, item: Any) -> tuple[Any, ...]:
    if not isinstance(seq, tuple):
        raise ModelFault(f"append() needs a tuple, not {type_name(seq)}")
    if type(item) is tuple:
        limits.check_nesting((item,))
    return (*seq, item)


def index_of(seq: Any, item: Any) -> int:
    if not isinstance(seq, tuple):
        raise ModelFault(f"index() needs a tuple, not {type_name(seq)}")
    for k, x in enumerate(seq):
        if x == item:
            return k
    raise ModelFault(f"index(): {item!r} is not in {seq!r}")


def type_name(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, Ref):
        return f"reference to {value.name.split('#')[0]}"
    if isinstance(value, ProcRef):
        return "procedure reference"
    return type(value).__name__


# the checker's own classes, as a model's author knows the values they stand for
_TYPE_NAMES = {
    "'NoneType'": "'None'", "'Ref'": "'object reference'", "'ProcRef'": "'procedure reference'",
    "'Tid'": "'int'", "'Sym'": "'symbolic int'", "'SymBool'": "'symbolic bool'",
}


def _model_terms(text: str) -> str:
    for internal, shown in _TYPE_NAMES.items():
        text = text.replace(internal, shown)
    return text


def translate_python_error(exc: BaseException) -> str:
    """Turn a Python exception raised by generated code into a model-level message."""
    if isinstance(exc, limits.LimitError):
        return str(exc)
    text = str(exc)
    if isinstance(exc, ValueError) and "integer string conversion" in text:
        return f"integer too large to convert to or from a string (more than {sys.get_int_max_str_digits()} digits)"
    if isinstance(exc, OverflowError):
        return f"value too large: {text}"
    if isinstance(exc, ValueError) and text == "negative shift count":
        return text
    if isinstance(exc, AttributeError) and "NoneType" in text:
        return "None dereference (attribute access on None)"
    if isinstance(exc, AttributeError):
        return "attribute access on a value that is not an object"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, IndexError):
        return "index out of range"
    if isinstance(exc, TypeError) and "NoneType" in text and "subscript" in text:
        return "None dereference (subscript of None)"
    if isinstance(exc, TypeError) and "tuple indices must be integers" in text and "NoneType" in text:
        return "object has no such field (wrong object type)"
    if isinstance(exc, RecursionError):
        return "recursion too deep"
    if isinstance(exc, ValueError):  # min(()), int("zz"): the right type, a value it cannot take
        return f"bad value: {_model_terms(text)}"
    return f"wrong type: {_model_terms(text)}"


def make_checker(kind: str, cls_id: int | None, width: int | None) -> Callable[[Any], Any]:
    """A store-time converter/checker for a declared field or global type."""
    if kind == "bool":

        def check_bool(v: Any) -> Any:
            if v is True or v is False or type(v) is SymBool:
                return v
            raise ModelFault(f"expected a bool, got {type_name(v)} {v!r}")

        return check_bool
    if kind == "int":

        def check_int(v: Any) -> Any:
            if type(v) is int:
                if -INT_LIMIT < v < INT_LIMIT:
                    return v
                return limits.check_int(v)  # raises: more than MAX_INT_BITS bits
            if type(v) is bool or type(v) is Sym or type(v) is Tid:
                return v
            raise ModelFault(f"expected an int, got {type_name(v)} {v!r}")

        return check_int
    if kind == "uint":
        assert width is not None
        mask = (1 << width) - 1

        def check_uint(v: Any) -> Any:
            if type(v) is int or type(v) is bool:
                return v & mask
            if type(v) is Sym:
                return cast(v, width, False)
            raise ModelFault(f"expected a u{width}, got {type_name(v)} {v!r}")

        return check_uint
    if kind == "sint":
        assert width is not None
        mask = (1 << width) - 1
        half = 1 << (width - 1)

        def check_sint(v: Any) -> Any:
            if type(v) is Sym:
                return cast(v, width, True)
            if type(v) is int or type(v) is bool:
                v &= mask
                return v - (1 << width) if v >= half else v
            raise ModelFault(f"expected an s{width}, got {type_name(v)} {v!r}")

        return check_sint
    if kind in ("str", "tuple"):
        exact = str if kind == "str" else tuple

        def check_exact(v: Any) -> Any:
            if type(v) is exact:
                return v
            raise ModelFault(f"expected a {kind}, got {type_name(v)} {v!r}")

        return check_exact
    if kind == "proc":

        def check_proc(v: Any) -> Any:
            if v is None or type(v) is ProcRef:
                return v
            raise ModelFault(f"expected a procedure reference or None, got {type_name(v)} {v!r}")

        return check_proc
    if kind == "ref":

        def check_ref(v: Any) -> Any:
            if v is None or (type(v) is Ref and v.c == cls_id):
                return v
            raise ModelFault(f"expected a reference or None, got {type_name(v)} {v!r}")

        return check_ref
    return lambda v: v


def objects_of(heap: Iterable[tuple[Any, ...]], cls_id: int) -> tuple[Ref, ...]:
    return tuple(rec[0] for rec in heap if rec[0].c == cls_id)
