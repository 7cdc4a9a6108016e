"""Find, read and parse model files; never import or execute them.

A model file may import other model files: the shipped kernel library
(``from mmnotif_check.kernel.locks import RwSem``) or a file next to it
(``from .common import X``).  :func:`load_sources` returns the root file and everything
it imports, transitively, in a deterministic order (dependencies first).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

from mmnotif_check.errors import InputError

KERNEL_PACKAGE = "mmnotif_check.kernel"
BUILTIN_MODULES = frozenset({"mmnotif_check", "mmnotif_check.builtins"})
KERNEL_DIR = Path(__file__).resolve().parent.parent / "kernel"


# How the shipped kernel library's files are named wherever the package is installed (a
# virtualenv inside the repository, site-packages, a checkout): by their package path.
LIBRARY_PREFIX = "mmnotif_check/kernel/"


def display_path(path: Path) -> str:
    """A path as the user should see it: the kernel library's files by their package path
    (``mmnotif_check/kernel/locks.py``, the same for every installation and working
    directory), other files relative to the working directory if inside it."""
    if KERNEL_DIR in Path(os.path.abspath(path)).parents:
        return LIBRARY_PREFIX + Path(os.path.relpath(os.path.abspath(path), KERNEL_DIR)).as_posix()
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel


def is_library_path(shown: str) -> bool:
    """Whether a file name as the checker shows it is one of the shipped kernel library's
    (also the ``<mmnotif_check.kernel>/x.py`` form reports of version 0.1.0 used)."""
    name = shown.replace("\\", "/")
    return name.startswith((LIBRARY_PREFIX, f"<{KERNEL_PACKAGE}>/")) or f"/{LIBRARY_PREFIX}" in name


@dataclass
class SourceFile:
    """One parsed model file."""

    path: Path
    shown: str
    text: str
    tree: ast.Module
    lines: list[str]
    # module key of each imported module, by the ImportFrom node that names it
    imports: dict[int, str] = field(default_factory=dict)

    def error(self, node: ast.AST | None, message: str) -> InputError:
        line = getattr(node, "lineno", 1) if node is not None else 1
        col = getattr(node, "col_offset", 0) + 1 if node is not None else 1
        return InputError(self.shown, line, col, message)

    def segment(self, node: ast.AST) -> str:
        """The source text of a node, like ``ast.get_source_segment`` but from the lines
        split once (that function splits the whole file on every call: quadratic)."""
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if first is None or last is None or col is None or end_col is None:
            return ""
        lines = self.lines[first - 1 : last]
        if not lines:
            return ""
        # ast columns are UTF-8 byte offsets
        if len(lines) == 1:
            return lines[0].encode()[col:end_col].decode(errors="replace")
        head = lines[0].encode()[col:].decode(errors="replace")
        tail = lines[-1].encode()[:end_col].decode(errors="replace")
        return "\n".join([head, *lines[1:-1], tail])


def _read(path: Path, shown: str, at: tuple[SourceFile, ast.AST] | None) -> SourceFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if at is not None:
            raise at[0].error(at[1], f"imported model file '{shown}' does not exist") from None
        raise InputError(shown, 1, 1, "model file does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        if at is not None:
            raise at[0].error(at[1], f"cannot read '{shown}': {exc}") from None
        raise InputError(shown, 1, 1, f"cannot read model file: {exc}") from None
    if path.suffix != ".py":
        raise InputError(shown, 1, 1, "a model file must be a '.py' file")
    try:
        tree = ast.parse(text, filename=shown)
    except SyntaxError as exc:
        raise InputError(
            shown, exc.lineno or 1, (exc.offset or 1), f"syntax error: {exc.msg}"
        ) from None
    return SourceFile(path=path, shown=shown, text=text, tree=tree, lines=text.splitlines())


def resolve_import(src: SourceFile, node: ast.ImportFrom) -> Path | None:
    """The file an import names; None for the no-op builtins import."""
    module = node.module or ""
    if node.level == 0:
        if module in BUILTIN_MODULES:
            return None
        if module.startswith(KERNEL_PACKAGE + "."):
            rest = module[len(KERNEL_PACKAGE) + 1 :].split(".")
            return KERNEL_DIR.joinpath(*rest[:-1], rest[-1] + ".py")
        raise src.error(
            node,
            f"import of '{module}' is not part of the model language (allowed: "
            f"'from {KERNEL_PACKAGE}.<module> import ...' and relative "
            "'from .<module> import ...')",
        )
    if not module:
        raise src.error(node, "'from . import x' is not supported; use 'from .x import name'")
    base = src.path.parent
    for _ in range(node.level - 1):
        base = base.parent
    parts = module.split(".")
    return base.joinpath(*parts[:-1], parts[-1] + ".py")


def load_sources(root: str | Path) -> list[SourceFile]:
    """Parse ``root`` and every model file it imports, dependencies first."""
    root_path = Path(root).resolve()
    order: list[SourceFile] = []
    state: dict[Path, str] = {}
    by_path: dict[Path, SourceFile] = {}

    def visit(path: Path, at: tuple[SourceFile, ast.AST] | None) -> None:
        if state.get(path) is not None:
            return  # done, or in progress (an import cycle is resolved by name later)
        state[path] = "active"
        src = _read(path, display_path(path) if at is not None else str(root), at)
        by_path[path] = src
        for node in src.tree.body:
            if isinstance(node, ast.ImportFrom):
                target = resolve_import(src, node)
                if target is None:
                    continue
                target = target.resolve()
                src.imports[id(node)] = str(target)
                visit(target, (src, node))
        state[path] = "done"
        order.append(src)

    visit(root_path, None)
    return order
