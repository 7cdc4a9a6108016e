"""Symbolic fixed-width integers backed by Z3 bit-vectors (DESIGN section 7).

This is the only module that imports Z3, and it does so lazily: a model that never calls
``symbolic()`` never loads it.

* :class:`Sym` is a bit-vector term with a width and a signedness; arithmetic wraps as in
  C, and mixed operands follow C's usual arithmetic conversions (the wider type wins; at
  equal width unsigned wins).  A term that simplifies to a constant stays a Sym so that it
  keeps its width (it converts to an int where one is needed: an index, a count).
* :class:`SymBool` is a symbolic truth value.  Using one where Python needs a ``bool``
  (``if``, ``while``, ``wait_until``, ``assert``, ``and``/``or``/``not``, ``any``/``all``)
  asks the active :class:`Brancher` to fork: each side is kept only if the path condition
  stays satisfiable.
* Equality and hashing of both classes are structural (Z3 hash-conses terms, so the term
  id is a canonical key); the model language's ``==`` is compiled to :func:`eq` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_Z3: Any = None
SOLVER_TIMEOUT_MS = 10_000
WITNESS_RLIMIT = 2_000_000  # Z3 resource units per query while minimising a witness


class SolverUnknown(Exception):
    """Z3 answered ``unknown`` (a timeout, say): the run cannot claim anything."""


def z3() -> Any:
    global _Z3
    if _Z3 is None:
        import z3 as module

        module.set_param("smt.random_seed", 0)
        module.set_param("sat.random_seed", 0)
        _Z3 = module
    return _Z3


class Brancher:
    """Decides symbolic branches for the step (or property evaluation) in progress."""

    __slots__ = ()

    def branch(self, cond: SymBool) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


_ACTIVE: list[Brancher | None] = [None]


def set_active(b: Brancher | None) -> None:
    _ACTIVE[0] = b


def _active() -> Brancher:
    b = _ACTIVE[0]
    if b is None:
        raise TypeError("a symbolic condition was used outside a step")
    return b


def _wrap(term: Any, width: int, signed: bool) -> Any:
    """A simplified term.  A constant stays a Sym, so it keeps its width and wraps."""
    return Sym(z3().simplify(term), width, signed)


def _wrap_bool(term: Any) -> Any:
    t = z3().simplify(term)
    if z3().is_true(t):
        return True
    if z3().is_false(t):
        return False
    return SymBool(t)


class Sym:
    __slots__ = ("k", "s", "t", "w")

    def __init__(self, term: Any, width: int, signed: bool) -> None:
        self.t = term
        self.w = width
        self.s = signed
        self.k = term.get_id()

    # structural identity (for states), never the model's ==
    def __eq__(self, other: object) -> bool:
        return type(other) is Sym and other.k == self.k and other.s == self.s

    def __hash__(self) -> int:
        return int(self.k)

    def __repr__(self) -> str:
        if z3().is_bv_value(self.t):
            return str(self.__index__())
        return str(self.t)

    def __format__(self, spec: str) -> str:
        if z3().is_bv_value(self.t):
            return format(self.__index__(), spec)
        return str(self.t)

    def _other(self, other: Any) -> Any:
        if type(other) is Sym:
            if other.w < self.w:  # C's usual arithmetic conversions: widen the narrower
                ext = z3().SignExt if other.s else z3().ZeroExt
                return ext(self.w - other.w, other.t)
            return other.t
        if type(other) is int or type(other) is bool:
            return z3().BitVecVal(int(other) % (1 << self.w), self.w)
        raise TypeError(f"unsupported operand for a symbolic u{self.w}: {type(other).__name__}")

    def _common(self, other: Any) -> tuple[Sym, Any]:
        """C's usual arithmetic conversions between two Syms: (self converted, other's term)."""
        w = max(self.w, other.w)
        if self.w == other.w:
            signed = self.s and other.s
        else:
            signed = self.s if self.w > other.w else other.s
        a = cast(self, w, signed)
        b = cast(other, w, signed)
        return a, b.t

    def _bin(self, other: Any, op: Callable[[Any, Any], Any], rev: bool = False) -> Any:
        if type(other) is Sym and (other.w != self.w or other.s != self.s):
            a, b = self._common(other)
            return _wrap(op(b, a.t) if rev else op(a.t, b), a.w, a.s)
        o = self._other(other)
        return _wrap(op(o, self.t) if rev else op(self.t, o), self.w, self.s)

    def __add__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a - b)

    def __rsub__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a - b, rev=True)

    def __mul__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a * b)

    __rmul__ = __mul__

    def __floordiv__(self, o: Any) -> Any:
        self._nonzero_divisor(o)
        return self._bin(o, (lambda a, b: a / b) if self.s else (lambda a, b: z3().UDiv(a, b)))

    def __rfloordiv__(self, o: Any) -> Any:
        self._nonzero_divisor(self)
        return self._bin(o, (lambda a, b: a / b) if self.s else (lambda a, b: z3().UDiv(a, b)), rev=True)

    def __mod__(self, o: Any) -> Any:
        self._nonzero_divisor(o)
        return self._bin(o, (lambda a, b: z3().SRem(a, b)) if self.s else (lambda a, b: z3().URem(a, b)))

    def __rmod__(self, o: Any) -> Any:
        self._nonzero_divisor(self)
        return self._bin(o, (lambda a, b: z3().SRem(a, b)) if self.s else (lambda a, b: z3().URem(a, b)), rev=True)

    def __and__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a & b)

    __rand__ = __and__

    def __or__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a | b)

    __ror__ = __or__

    def __xor__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a ^ b)

    __rxor__ = __xor__

    def __lshift__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a << b)

    def __rlshift__(self, o: Any) -> Any:
        return self._bin(o, lambda a, b: a << b, rev=True)

    def __rshift__(self, o: Any) -> Any:
        return self._bin(o, (lambda a, b: a >> b) if self.s else (lambda a, b: z3().LShR(a, b)))

    def __rrshift__(self, o: Any) -> Any:
        return self._bin(o, (lambda a, b: a >> b) if self.s else (lambda a, b: z3().LShR(a, b)), rev=True)

    def __neg__(self) -> Any:
        return _wrap(-self.t, self.w, self.s)

    def __pos__(self) -> Any:
        return self

    def __invert__(self) -> Any:
        return _wrap(~self.t, self.w, self.s)

    def _cmp(self, o: Any, signed_op: Callable[[Any, Any], Any], unsigned_op: Callable[[Any, Any], Any]) -> Any:
        if type(o) is Sym and (o.w != self.w or o.s != self.s):
            a, b = self._common(o)
            return _wrap_bool(signed_op(a.t, b) if a.s else unsigned_op(a.t, b))
        if (type(o) is int or type(o) is bool) and not self._fits(int(o)):
            # an int constant outside the type: compare as mathematical integers
            wide = max(self.w, int(o).bit_length()) + 2
            a = cast(self, wide, True)
            return a._cmp(int(o), signed_op, unsigned_op)
        other = self._other(o)
        return _wrap_bool(signed_op(self.t, other) if self.s else unsigned_op(self.t, other))

    def __lt__(self, o: Any) -> Any:
        return self._cmp(o, lambda a, b: a < b, lambda a, b: z3().ULT(a, b))

    def __le__(self, o: Any) -> Any:
        return self._cmp(o, lambda a, b: a <= b, lambda a, b: z3().ULE(a, b))

    def __gt__(self, o: Any) -> Any:
        return self._cmp(o, lambda a, b: a > b, lambda a, b: z3().UGT(a, b))

    def __ge__(self, o: Any) -> Any:
        return self._cmp(o, lambda a, b: a >= b, lambda a, b: z3().UGE(a, b))

    def _fits(self, v: int) -> bool:
        if self.s:
            return -(1 << (self.w - 1)) <= v < 1 << (self.w - 1)
        return 0 <= v < 1 << self.w

    def sym_eq(self, o: Any) -> Any:
        if type(o) is Sym and (o.w != self.w or o.s != self.s):
            a, b = self._common(o)
            return _wrap_bool(a.t == b)
        if (type(o) is int or type(o) is bool) and not self._fits(int(o)):
            return False
        return _wrap_bool(self.t == self._other(o))

    def _nonzero_divisor(self, o: Any) -> None:
        """Division by zero is a run-time error, also when the divisor only may be zero."""
        d = self._other(o) if type(o) is not Sym else o.t
        zero = z3().simplify(d == z3().BitVecVal(0, d.size()))
        if z3().is_true(zero):
            raise ZeroDivisionError("division by zero")
        if z3().is_false(zero) or _ACTIVE[0] is None:  # outside a step: build the term only
            return
        if _active().branch(SymBool(zero)):
            raise ZeroDivisionError("division by zero")

    def __pow__(self, o: Any) -> Any:
        n = int(o)
        if n < 0:
            raise TypeError("negative exponent")
        result: Any = _wrap(z3().BitVecVal(1, self.w), self.w, self.s)
        for _ in range(n):
            result = result * self
        return result

    def __abs__(self) -> Any:
        if not self.s:
            return self
        return _wrap(z3().If(self.t < 0, -self.t, self.t), self.w, self.s)

    def __bool__(self) -> bool:
        if z3().is_bv_value(self.t):
            return bool(self.t.as_long() != 0)
        return _active().branch(SymBool(self.t != z3().BitVecVal(0, self.w)))

    def __index__(self) -> int:
        """A constant used as an index or a count."""
        if z3().is_bv_value(self.t):
            v = int(self.t.as_long())
            return v - (1 << self.w) if self.s and v >= 1 << (self.w - 1) else v
        raise TypeError("a symbolic value cannot be used as an index or a count")

    __int__ = __index__


class SymBool:
    __slots__ = ("k", "t")

    def __init__(self, term: Any) -> None:
        self.t = term
        self.k = term.get_id()

    def __eq__(self, other: object) -> bool:
        return type(other) is SymBool and other.k == self.k

    def __hash__(self) -> int:
        return int(self.k)

    def __repr__(self) -> str:
        return str(self.t)

    def __format__(self, spec: str) -> str:
        return str(self.t)

    def __bool__(self) -> bool:
        return _active().branch(self)

    def negate(self) -> SymBool:
        return SymBool(z3().simplify(z3().Not(self.t)))


def make_symbolic(name: str, width: int, signed: bool) -> Sym:
    return Sym(z3().BitVec(name, width), width, signed)


def is_symbolic(v: Any) -> bool:
    return type(v) is Sym or type(v) is SymBool


def eq(a: Any, b: Any) -> Any:
    """The model language's ``==`` when symbolic values may occur."""
    if type(a) is Sym:
        return a.sym_eq(b)
    if type(b) is Sym:
        return b.sym_eq(a)
    if type(a) is SymBool or type(b) is SymBool:
        ta = a.t if type(a) is SymBool else z3().BoolVal(bool(a))
        tb = b.t if type(b) is SymBool else z3().BoolVal(bool(b))
        return _wrap_bool(ta == tb)
    if type(a) is tuple and type(b) is tuple:
        if len(a) != len(b):
            return False
        return all(eq(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def ne(a: Any, b: Any) -> Any:
    r = eq(a, b)
    if type(r) is SymBool:
        return r.negate()
    return not r


def contains(seq: Any, x: Any) -> bool:
    return any(eq(x, y) for y in seq)


def cast(v: Any, width: int, signed: bool) -> Any:
    """C conversion to an integer type of ``width`` bits (truncate or extend)."""
    if type(v) is Sym:
        t = v.t
        if width < v.w:
            t = z3().Extract(width - 1, 0, t)
        elif width > v.w:
            t = z3().SignExt(width - v.w, t) if v.s else z3().ZeroExt(width - v.w, t)
        return _wrap(t, width, signed)
    u = int(v) & ((1 << width) - 1)
    if signed and u >= 1 << (width - 1):
        u -= 1 << width
    return u


class PathSolver:
    """Satisfiability of conjunctions of path constraints, with a cache and a timeout."""

    def __init__(self, timeout_ms: int = SOLVER_TIMEOUT_MS) -> None:
        self.timeout_ms = timeout_ms
        # keyed by term ids; the terms are kept alive with the answer, because Z3 reuses
        # the id of a term that has been freed
        self.cache: dict[frozenset[int], tuple[bool, list[Any]]] = {}
        self.calls = 0
        self.hits = 0
        self.seconds = 0.0

    def sat(self, terms: list[Any]) -> bool:
        key = frozenset(t.get_id() for t in terms)
        hit = self.cache.get(key)
        if hit is not None:
            self.hits += 1
            return hit[0]
        import time

        start = time.perf_counter()
        s = z3().SolverFor("QF_BV")
        s.set("timeout", self.timeout_ms)
        s.set("random_seed", 0)
        s.add(*terms)
        r = s.check()
        self.calls += 1
        self.seconds += time.perf_counter() - start
        if r == z3().unknown:
            raise SolverUnknown(f"Z3 answered unknown ({s.reason_unknown()}) within {self.timeout_ms} ms")
        answer = bool(r == z3().sat)
        self.cache[key] = (answer, list(terms))
        return answer

    def witness(self, terms: list[Any], variables: dict[str, tuple[int, bool]]) -> dict[str, int]:
        """Concrete values for every symbolic variable satisfying ``terms``.

        Canonical, so the same violation always shows the same witness: the variables in
        name order take, lexicographically, the smallest (unsigned) values that work, found
        bit by bit from the most significant one.  Each query is bounded by a resource
        limit (deterministic, unlike a time limit); where one runs out the bit keeps the
        value of the model found so far, which is still a true witness.
        """
        import time

        start = time.perf_counter()
        z = z3()
        s = z.SolverFor("QF_BV")
        s.set("timeout", self.timeout_ms)
        s.set("random_seed", 0)
        s.add(*terms)
        if s.check() != z.sat:
            return {}
        model = s.model()
        s.set("rlimit", WITNESS_RLIMIT)
        for name, (width, _) in sorted(variables.items()):
            v = z.BitVec(name, width)
            for i in range(width - 1, -1, -1):
                bit = z.Extract(i, i, v)
                current = model.eval(bit, model_completion=True)
                zero = bit == z.BitVecVal(0, 1)
                if current.as_long() == 0:
                    s.add(zero)  # the model already has it: keep it
                    continue
                r = s.check(zero)
                self.calls += 1
                if r == z.sat:
                    model = s.model()  # before the next assertion invalidates it
                    s.add(zero)
                else:  # unsat, or out of resources: keep the model's 1
                    s.add(bit == z.BitVecVal(1, 1))
        self.seconds += time.perf_counter() - start
        out: dict[str, int] = {}
        for name, (width, signed) in sorted(variables.items()):
            val = model.eval(z.BitVec(name, width), model_completion=True).as_long()
            if signed and val >= 1 << (width - 1):
                val -= 1 << width
            out[name] = val
        return out
