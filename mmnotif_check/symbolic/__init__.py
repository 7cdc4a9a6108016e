"""Symbolic data: Z3-backed fixed-width values and path conditions (lazy import)."""
