"""The documented bounds of model values and model source (docs/language.md, "Limits").

A model is data from a patch under review: it must never make the checker run for hours
inside one step, exhaust the memory with one value, or crash the interpreter.  So:

- an ``int`` has at most :data:`MAX_INT_BITS` bits: ``*``, ``**`` and ``<<`` (whose result
  can be exponentially larger than their operands) check before they compute, and a store
  into an ``int`` global or field checks the value.  Fixed-width arithmetic (``u64``,
  ``s32``, ...) wraps instead: ``**`` and ``<<`` compute modulo ``2^width`` directly;
- a tuple, string or range built by ``*`` or ``range()`` has at most :data:`MAX_ITEMS` items;
- tuples nest at most :data:`MAX_NESTING` deep;
- an expression in the source nests at most :data:`MAX_EXPR_DEPTH` deep, statements at most
  :data:`MAX_STMT_DEPTH` (each ``elif`` is a level).

At run time a value beyond a bound is a run-time error of the model at the statement that
builds it (a violation of kind ``error``, deterministic like any other); in a constant, a
global's initial value, ``--set``, a spec's ``[constants]`` or a trace file it is bad input
(exit 2) located at it.
"""

from __future__ import annotations

from typing import Any

MAX_INT_BITS = 4096  # about 1,233 decimal digits
MAX_ITEMS = 1_000_000
MAX_NESTING = 100
MAX_EXPR_DEPTH = 64
MAX_STMT_DEPTH = 100
_INT_LIMIT = 1 << MAX_INT_BITS


class LimitError(ValueError):
    """A value beyond a bound of this module; ``str()`` is the message for the user."""


def _shown(v: int) -> str:
    return str(v) if v.bit_length() <= 64 else f"an int of {v.bit_length()} bits"


def _too_large(what: str) -> LimitError:
    return LimitError(f"integer too large: {what} has more than {MAX_INT_BITS} bits")


def _is_int(v: Any) -> bool:
    return type(v) is int or type(v) is bool


def checked_mul(a: Any, b: Any) -> Any:
    """``a * b`` within the bounds (ints: the bits; sequences: the items)."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is bool) and (tb is int or tb is bool):
        if a.bit_length() + b.bit_length() - 1 > MAX_INT_BITS:
            raise _too_large("the product")
        r = a * b
        if r.bit_length() > MAX_INT_BITS:
            raise _too_large("the product")
        return r
    if (ta is tuple or ta is str) and (tb is int or tb is bool):
        _check_items(len(a) * b, "a tuple" if ta is tuple else "a str")
    elif (tb is tuple or tb is str) and (ta is int or ta is bool):
        _check_items(len(b) * a, "a tuple" if tb is tuple else "a str")
    return a * b


def checked_pow(a: Any, b: Any) -> Any:
    """``a ** b`` for an ``int`` result of at most :data:`MAX_INT_BITS` bits (decided
    before it is computed)."""
    if _is_int(a) and _is_int(b):
        if b < 0:
            raise LimitError(f"negative exponent: {_shown(a)} ** {_shown(b)} is not an integer")
        if b <= 1 or a in (0, 1, -1):
            return a**b
        size = abs(a).bit_length()
        if b * (size - 1) + 1 > MAX_INT_BITS:  # |a| >= 2^(size-1): a lower bound of the result
            raise _too_large(f"{_shown(a)} ** {_shown(b)}")
        r = a**b
        if r.bit_length() > MAX_INT_BITS:
            raise _too_large(f"{_shown(a)} ** {_shown(b)}")
        return r
    return a**b


def checked_lshift(a: Any, b: Any) -> Any:
    """``a << b`` within :data:`MAX_INT_BITS` (decided before it is computed)."""
    if _is_int(a) and _is_int(b):
        if b < 0:
            raise LimitError("negative shift count")
        if a and a.bit_length() + b > MAX_INT_BITS:
            raise _too_large(f"{_shown(a)} << {_shown(b)}")
        return a << b
    return a << b


def pow_mod(a: Any, b: Any, width: int) -> Any:
    """``a ** b`` wrapped to ``width`` bits (the caller applies the signed or unsigned
    conversion): modular exponentiation, so no huge intermediate is ever built."""
    if _is_int(a) and _is_int(b):
        if b < 0:
            raise LimitError(f"negative exponent: {_shown(a)} ** {_shown(b)} is not an integer")
        return pow(a, b, 1 << width)
    return a**b


def lshift_mod(a: Any, b: Any, width: int) -> Any:
    """``a << b`` wrapped to ``width`` bits: a shift by ``width`` or more gives 0."""
    if _is_int(a) and _is_int(b):
        if b < 0:
            raise LimitError("negative shift count")
        if b >= width:
            return 0
        return (a & ((1 << width) - 1)) << b
    return a << b


def checked_format(v: Any, spec: Any) -> str:
    """``format(v, spec)`` of an f-string, with a width or precision of at most
    :data:`MAX_ITEMS` characters (``f"{x:>{n}}"`` with a huge ``n`` would build it)."""
    if type(spec) is str and spec:
        run = 0
        for ch in spec:
            run = run + 1 if ch.isdigit() else 0
            if run > 7:
                raise LimitError(f"value too large: the format {spec[:20]!r} asks for more than {MAX_ITEMS} characters")
        number = ""
        for ch in spec + " ":
            if ch.isdigit():
                number += ch
            elif number:
                _check_items(int(number), "a formatted value")
                number = ""
    return format(v, spec)


def _check_items(n: int, what: str) -> None:
    if n > MAX_ITEMS:
        raise LimitError(f"value too large: {what} of {n} items (at most {MAX_ITEMS})")


def checked_range(*args: Any) -> tuple[int, ...]:
    """``range(...)`` as a tuple of at most :data:`MAX_ITEMS` items."""
    r = range(*args)
    _check_items(len(r), "a range")
    return tuple(r)


def nesting(v: Any, limit: int = MAX_NESTING) -> int:
    """How deep tuples nest in ``v`` (0 for a non-tuple), or ``limit + 1`` as soon as it is
    known to be deeper than ``limit`` (iterative: any depth is safe to ask about)."""
    if type(v) is not tuple:
        return 0
    deepest = 1
    stack = [(v, 1)]
    while stack:
        x, d = stack.pop()
        if d > deepest:
            deepest = d
            if d > limit:
                return limit + 1
        for y in x:
            if type(y) is tuple and y:
                stack.append((y, d + 1))
    return deepest


def check_nesting(v: Any) -> Any:
    """``v``, unless tuples nest in it more than :data:`MAX_NESTING` deep."""
    if type(v) is tuple and nesting(v) > MAX_NESTING:
        raise LimitError(f"value too large: tuples nested more than {MAX_NESTING} deep")
    return v


def check_int(v: Any) -> Any:
    """``v``, unless it is an int of more than :data:`MAX_INT_BITS` bits."""
    if type(v) is int and not -_INT_LIMIT < v < _INT_LIMIT:
        raise LimitError(f"integer too large: an int of {v.bit_length()} bits (at most {MAX_INT_BITS})")
    return v


def input_problem(v: Any) -> str | None:
    """What makes an input value (a constant override, a value read from a file) exceed the
    bounds: ints, the items of tuples and strings, nesting; None if nothing does."""
    if nesting(v) > MAX_NESTING:
        return f"value too large: nested more than {MAX_NESTING} deep"
    stack = [v]
    while stack:
        x = stack.pop()
        if type(x) is int and not -_INT_LIMIT < x < _INT_LIMIT:
            return f"integer too large (more than {MAX_INT_BITS} bits)"
        if isinstance(x, tuple | list | str) and len(x) > MAX_ITEMS:
            return f"value too large: more than {MAX_ITEMS} items"
        if isinstance(x, tuple | list):
            stack.extend(x)
    return None
