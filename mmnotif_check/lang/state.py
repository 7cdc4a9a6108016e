"""How a model state is stored: a flat tuple of small ints naming interned parts.

A state is ``(gid, mid, r_0, ..., r_{n-1}, s_0, ..., s_{m-1})``:

* ``gid`` names the tuple of global values;
* ``mid`` names the *meta* part: the thread table (``(name, daemon)`` per thread, in spawn
  order, so a thread id is an index) and the symbolic path condition;
* ``r_i`` names the record of object ``i`` (objects in creation order): ``(ref, field1,
  field2, ...)``;
* ``s_j`` names the call stack of thread ``j``; ``0`` is the empty stack of a thread that
  has returned.  A stack is a linked list of interned entries ``(parent, fid, pc,
  local0, local1, ...)``: the innermost frame and the id of the stack below it.

Every part is stored once however many states share it (SPIN's collapse compression),
and a state hashes as a short tuple of ints, so the visited set never re-hashes nested
values.  :class:`Interner` owns the tables; they only grow during a run.
"""

from __future__ import annotations

from typing import Any

State = tuple[int, ...]
EMPTY_STACK = 0


class Table:
    """An interning table: ``intern(value)`` is a small int, ``values[id]`` the value."""

    __slots__ = ("ids", "values")

    def __init__(self, first: Any = None) -> None:
        self.values: list[Any] = []
        self.ids: dict[Any, int] = {}
        if first is not None:
            self.intern(first)

    def intern(self, value: Any) -> int:
        ids = self.ids
        k = ids.get(value)
        if k is None:
            k = ids[value] = len(self.values)
            self.values.append(value)
        return k

    def __len__(self) -> int:
        return len(self.values)

    def clear(self, first: Any = None) -> None:
        """Forget every value, in place (users may hold ``intern`` and ``values``)."""
        del self.values[:]
        self.ids.clear()
        if first is not None:
            self.intern(first)


class Interner:
    """The tables of one compiled model (globals, meta, records, stack entries)."""

    __slots__ = ("G", "M", "R", "S")

    def __init__(self) -> None:
        self.G = Table()
        self.M = Table()
        self.R = Table()
        self.S = Table(("<returned>",))  # id 0: the empty stack

    def clear(self) -> None:
        """Forget every interned part (states interned before mean nothing afterwards)."""
        self.G.clear()
        self.M.clear()
        self.R.clear()
        self.S.clear(("<returned>",))

    def encode(self, g: tuple[Any, ...], infos: tuple[Any, ...], pc: tuple[Any, ...],
               heap: tuple[Any, ...] | list[Any], stacks: tuple[int, ...] | list[int]) -> State:
        rid = self.R.intern
        return (self.G.intern(g), self.M.intern((infos, pc)), *[rid(r) for r in heap], *stacks)

    def parts(self, state: State) -> tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], int]:
        """(globals, thread infos, path condition, number of objects) of ``state``."""
        infos, pc = self.M.values[state[1]]
        return self.G.values[state[0]], infos, pc, len(state) - 2 - len(infos)

    def heap(self, state: State, nobj: int) -> tuple[Any, ...]:
        rv = self.R.values
        return tuple([rv[r] for r in state[2 : 2 + nobj]])

    def frames(self, sid: int) -> list[tuple[Any, ...]]:
        """The frames ``(fid, pc, locals...)`` of stack ``sid``, outermost first."""
        out = []
        sv = self.S.values
        while sid != EMPTY_STACK:
            entry = sv[sid]
            out.append(entry[1:])
            sid = entry[0]
        out.reverse()
        return out

    def sizes(self) -> dict[str, int]:
        return {"globals": len(self.G), "meta": len(self.M), "records": len(self.R), "stack_entries": len(self.S)}
