"""Kernel primitives written in the model language (package data, never imported).

Model files import them with ``from mmnotif_check.kernel.<module> import ...``; the
checker compiles them together with the model.
"""
