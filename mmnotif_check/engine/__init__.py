"""The generic explicit-state engine: interface, search, verdicts."""

from mmnotif_check.engine.interface import (
    BlockedThread,
    PropertyFailure,
    StepFailure,
    TransitionSystem,
)
from mmnotif_check.engine.result import Result, Stats, Violation
from mmnotif_check.engine.search import explore

__all__ = [
    "BlockedThread",
    "PropertyFailure",
    "Result",
    "Stats",
    "StepFailure",
    "TransitionSystem",
    "Violation",
    "explore",
]
