"""mmnotif-check: a model checker for Linux kernel notifier concurrency protocols.

Public API::

    from mmnotif_check import load_model, explore, CheckOptions
    model = load_model("models/peterson.py", {"ROUNDS": 2})
    result = explore(model, CheckOptions())
"""

__version__ = "0.1.0"

from mmnotif_check.engine.result import Result, Stats, Violation
from mmnotif_check.engine.search import explore
from mmnotif_check.lang.system import CompiledModel, load_model
from mmnotif_check.options import CheckOptions

__all__ = [
    "CheckOptions",
    "CompiledModel",
    "Result",
    "Stats",
    "Violation",
    "__version__",
    "explore",
    "load_model",
]
