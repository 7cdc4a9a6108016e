"""Alias module: the mutex and spinlock primitives of ``locks``."""

from .locks import Mutex, SpinLock, mutex_is_held, mutex_lock, mutex_trylock, mutex_unlock, spin_lock, spin_unlock
