"""States between processes: stable hashes and the wire format of a batch of states.

A state is a tuple of ids into its process's interning tables (lang/state.py), so the same
state has different ids in two workers.  Two things make it travel:

* a **stable hash** of every interned part, computed from the part's value and the same
  in every process (``hash()`` of a str or of None is not: it is seeded per process, and a
  model object's reference hashes by identity).  A state's *key*, the tuple of its parts'
  stable hashes, picks the worker that owns it and, under ``--symmetry``, which member of
  a class of swapped states stands for the class, so every worker makes the same choice.
* a **batch**: states with their parts' values (a stack as the chain of its frames),
  pickled once per batch so a part shared by many states is written once, and interned
  again by the receiver.  Object and procedure references travel as their indices and
  become the receiver's own reference objects.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import zlib
from typing import TYPE_CHECKING, Any

from mmnotif_check.lang.runtime import ProcRef, Ref, Tid
from mmnotif_check.lang.state import EMPTY_STACK, State

if TYPE_CHECKING:
    from mmnotif_check.lang.executor import Executable
    from mmnotif_check.lang.state import Interner

_NONE_HASH = 0x2F0B_93A1_55C3
_REF_TAG = 0x5245_46
_PROC_TAG = 0x5052_4F43


def value_hash(v: Any) -> int:
    """A hash of a model value that every process computes alike (equal values, equal
    hashes, as the model's own equality has them)."""
    t = type(v)
    if t is int or t is bool or t is Tid:
        return hash(int(v))  # an int's hash is not seeded
    if t is tuple:
        return hash(tuple([value_hash(x) for x in v]))
    if v is None:
        return _NONE_HASH
    if t is str:
        return zlib.crc32(v.encode("utf-8", "surrogatepass")) ^ (len(v) << 32)
    if t is Ref:
        return hash((_REF_TAG, v.c, v.i))
    if t is ProcRef:
        return hash((_PROC_TAG, v.id))
    raise TypeError(f"no stable hash for a {t.__name__} value")


class StableHashes:
    """Stable hashes of one interner's parts, computed once per part."""

    def __init__(self, interner: Interner) -> None:
        self.interner = interner
        self._g: dict[int, int] = {}
        self._m: dict[int, int] = {}
        self._r: dict[int, int] = {}
        self._s: dict[int, int] = {EMPTY_STACK: 0}

    def clear(self) -> None:
        self._g.clear()
        self._m.clear()
        self._r.clear()
        self._s.clear()
        self._s[EMPTY_STACK] = 0

    def key(self, state: State) -> tuple[int, ...]:
        """The state's stable key: the stable hash of each of its parts, in order."""
        interner = self.interner
        gid, mid = state[0], state[1]
        g = self._g.get(gid)
        if g is None:
            g = self._g[gid] = value_hash(interner.G.values[gid])
        m = self._m.get(mid)
        if m is None:
            m = self._m[mid] = value_hash(interner.M.values[mid])
        base = len(state) - len(interner.M.values[mid][0])
        rget = self._r.get
        sget = self._s.get
        out = [g, m]
        for rid in state[2:base]:
            h = rget(rid)
            if h is None:
                h = self._r[rid] = value_hash(interner.R.values[rid])
            out.append(h)
        for sid in state[base:]:
            h = sget(sid)
            if h is None:
                h = self._stack(sid)
            out.append(h)
        return tuple(out)

    def _stack(self, sid: int) -> int:
        memo = self._s
        svals = self.interner.S.values
        chain = []
        while sid not in memo:
            chain.append(sid)
            sid = svals[sid][0]
        h = memo[sid]
        for s in reversed(chain):
            entry = svals[s]
            h = memo[s] = hash((h, entry[1], entry[2], *[value_hash(x) for x in entry[3:]]))
        return h

    def owner(self, state: State, workers: int) -> int:
        """Which of ``workers`` partitions owns ``state`` (the same in every process)."""
        return hash(self.key(state)) % workers


# ------------------------------------------------------------------------ batches

_receiver: Executable | None = None  # the executable whose references a batch being read becomes


def _ref(c: int, i: int, name: str) -> Ref:
    assert _receiver is not None
    return _receiver.ref_named(c, i, name)


def _proc(fid: int) -> ProcRef:
    assert _receiver is not None
    return _receiver.proc_ref(fid)


def _tid(v: int) -> Tid:
    return Tid(v)


_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH[Ref] = lambda r: (_ref, (r.c, r.i, r.name))
_DISPATCH[ProcRef] = lambda p: (_proc, (p.id,))
_DISPATCH[Tid] = lambda t: (_tid, (int(t),))


class Packer:
    """Turns states of one process into bytes another process interns again."""

    def __init__(self, interner: Interner, exe: Executable) -> None:
        self.interner = interner
        self.exe = exe

    def pack(self, items: list[tuple[State, int, int, int]]) -> bytes:
        """``(state, parent, code, depth)`` items as one batch."""
        interner = self.interner
        gv, mv, rv, sv = interner.G.values, interner.M.values, interner.R.values, interner.S.values
        stacks: dict[int, Any] = {EMPTY_STACK: None}

        def stack(sid: int) -> Any:
            got = stacks.get(sid)
            if got is None and sid not in stacks:
                chain = []
                while sid not in stacks:
                    chain.append(sid)
                    sid = sv[sid][0]
                got = stacks[sid]
                for s in reversed(chain):
                    entry = sv[s]
                    got = stacks[s] = (got, *entry[1:])
            return got

        rows = []
        for state, parent, code, depth in items:
            infos = mv[state[1]][0]
            base = len(state) - len(infos)
            rows.append((gv[state[0]], mv[state[1]], tuple([rv[r] for r in state[2:base]]),
                         tuple([stack(s) for s in state[base:]]), parent, code, depth))
        buf = io.BytesIO()
        pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _DISPATCH
        pickler.dump(rows)
        return buf.getvalue()

    def unpack(self, blob: bytes) -> list[tuple[State, int, int, int]]:
        """The items of a batch, their states interned in this process."""
        global _receiver
        _receiver = self.exe
        try:
            rows = pickle.loads(blob)
        finally:
            _receiver = None
        interner = self.interner
        g_intern, m_intern, r_intern, s_intern = (interner.G.intern, interner.M.intern, interner.R.intern,
                                                  interner.S.intern)
        # id() of a part object of this batch -> its local id, per table
        gmemo: dict[int, int] = {}
        mmemo: dict[int, int] = {}
        rmemo: dict[int, int] = {}
        stacks: dict[int, int] = {}

        def stack(entry: Any) -> int:
            if entry is None:
                return EMPTY_STACK
            got = stacks.get(id(entry))
            if got is None:
                chain = []
                while entry is not None and id(entry) not in stacks:
                    chain.append(entry)
                    entry = entry[0]
                got = EMPTY_STACK if entry is None else stacks[id(entry)]
                for e in reversed(chain):
                    got = stacks[id(e)] = s_intern((got, *e[1:]))
            return got

        out = []
        for g, m, records, stks, parent, code, depth in rows:
            gid = gmemo.get(id(g))
            if gid is None:
                gid = gmemo[id(g)] = g_intern(g)
            mid = mmemo.get(id(m))
            if mid is None:
                mid = mmemo[id(m)] = m_intern(m)
            ids = [gid, mid]
            for r in records:
                rid = rmemo.get(id(r))
                if rid is None:
                    rid = rmemo[id(r)] = r_intern(r)
                ids.append(rid)
            ids.extend([stack(s) for s in stks])
            out.append((tuple(ids), parent, code, depth))
        return out
