"""Alias module: the rw_semaphore primitives of ``locks``."""

from .locks import (
    RwSem,
    down_read,
    down_read_trylock,
    down_write,
    downgrade_write,
    lockdep_assert_held,
    lockdep_assert_held_read,
    lockdep_assert_held_write,
    rwsem_held,
    rwsem_held_read,
    rwsem_held_write,
    up_read,
    up_write,
)
