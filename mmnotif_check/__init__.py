'''mmnotif-check: a model checker for Linux kernel notifier concurrency protocols.

Check a model (or a spec) from Python; docs/api.md has the whole API::

    >>> import pathlib, tempfile
    >>> from mmnotif_check import check
    >>> model = pathlib.Path(tempfile.mkdtemp()) / "racy.py"
    >>> _ = model.write_text("""
    ... locked: bool = False
    ... in_cs: int = 0
    ...
    ... def worker():
    ...     global locked, in_cs
    ...     wait_until(not locked)
    ...     locked = True
    ...     in_cs += 1
    ...     in_cs -= 1
    ...     locked = False
    ...
    ... def init():
    ...     spawn(worker, name="t0")
    ...     spawn(worker, name="t1")
    ...
    ... @invariant
    ... def mutual_exclusion():
    ...     "two threads are in the critical section"
    ...     return in_cs <= 1
    ... """)
    >>> result = check(model, reduction="none")
    >>> result.verdict, result.property
    ('violated', 'mutual_exclusion')
    >>> [(s.thread, s.statement) for s in result.steps()][-2:]
    [('t1', 'locked = True'), ('t1', 'in_cs += 1')]
    >>> result.stats.states
    28
    >>> print(result.render("mermaid").splitlines()[2])
    sequenceDiagram
    >>> check(model, constants={"NO_SUCH": 1})
    Traceback (most recent call last):
    ...
    mmnotif_check.errors.OverrideError: ...racy.py:1:1: error: unknown constant 'NO_SUCH' (known constants: none)

The lower layers stay public too: :func:`load_model` compiles a model into a transition
system and :func:`explore` searches it.
'''

__version__ = "0.1.0"

from mmnotif_check.api import CheckResult, Step, UnexpectedVerdict, check, load_spec
from mmnotif_check.engine.result import Result, Stats, Violation
from mmnotif_check.engine.search import explore
from mmnotif_check.errors import InputError, NondeterminismError, OverrideError
from mmnotif_check.lang.system import CompiledModel, load_model
from mmnotif_check.options import CheckOptions

__all__ = [
    "CheckOptions",
    "CheckResult",
    "CompiledModel",
    "InputError",
    "NondeterminismError",
    "OverrideError",
    "Result",
    "Stats",
    "Step",
    "UnexpectedVerdict",
    "Violation",
    "__version__",
    "check",
    "explore",
    "load_model",
    "load_spec",
]
