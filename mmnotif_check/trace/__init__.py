"""Counterexample traces: rebuilt by replaying a path, rendered in several formats."""
