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
from mmnotif_check.lang.limits import MAX_EXPR_DEPTH, MAX_STMT_DEPTH
from mmnotif_check.textfile import UnreadableFile, read_text

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
    if path.suffix != ".py":  # before reading: /dev/zero or a FIFO must not be read at all
        if at is not None:
            raise at[0].error(at[1], f"cannot import '{shown}': a model file must be a '.py' file")
        raise InputError(shown, 1, 1, "a model file must be a '.py' file")
    try:
        text = read_text(path)
    except FileNotFoundError:
        if at is not None:
            raise at[0].error(at[1], f"imported model file '{shown}' does not exist") from None
        raise InputError(shown, 1, 1, "model file does not exist") from None
    except UnreadableFile as exc:
        if at is not None:
            raise at[0].error(at[1], f"cannot read '{shown}': {exc.message}") from None
        if exc.line > 1 or exc.col > 1:
            raise InputError(shown, exc.line, exc.col, exc.message) from None
        raise InputError(shown, 1, 1, f"cannot read model file: {exc.message}") from None
    return SourceFile(path=path, shown=shown, text=text, tree=parse_model(text, shown), lines=text.splitlines())


def parse_model(text: str, shown: str) -> ast.Module:
    """``ast.parse`` of a model's text, and the nesting limits checked (lang/limits.py):
    every failure is an :class:`InputError` at the line it is about."""
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(shown, line, nul - (text.rfind("\n", 0, nul) + 1) + 1,
                         "syntax error: source code cannot contain null bytes")
    try:
        tree = ast.parse(text, filename=shown)
    except SyntaxError as exc:
        raise InputError(
            shown, exc.lineno or 1, (exc.offset or 1), f"syntax error: {exc.msg}"
        ) from None
    except (MemoryError, RecursionError):  # the parser's own stack: a line nested thousands deep
        raise InputError(shown, _too_deep_for_parser(text), 1, "this line is nested too deeply for the parser: "
                         "split it into several statements with local variables") from None
    deep = too_deep(tree)
    if deep is not None:
        node, message = deep
        raise InputError(shown, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, message)
    return tree


def _too_deep_for_parser(text: str) -> int:
    """The line the parser gave up on: the first that cannot be parsed on its own for lack of
    stack (1 if no single line is to blame)."""
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if len(stripped) < 200:
            continue
        try:
            ast.parse(stripped)
        except (MemoryError, RecursionError):
            return n
        except (SyntaxError, ValueError):
            continue
    return 1


def too_deep(tree: ast.AST) -> tuple[ast.AST, str] | None:
    """The outermost expression that nests more than MAX_EXPR_DEPTH deep, or the statement
    at which statements nest more than MAX_STMT_DEPTH deep (each ``elif`` is a level), with
    the message; None if there is none.  One iterative pass: any tree is safe to measure."""
    # (node, expression depth, statement depth, the outermost expression it is part of)
    stack: list[tuple[ast.AST, int, int, ast.AST | None]] = [(tree, 0, 0, None)]
    while stack:
        node, e, s, root = stack.pop()
        if isinstance(node, ast.expr):
            e += 1
            if root is None:
                root = node
            if e > MAX_EXPR_DEPTH:
                return root, (f"expression nested too deeply (more than {MAX_EXPR_DEPTH} levels): split it into "
                              "several statements with local variables")
        elif isinstance(node, ast.stmt):
            s += 1
            e, root = 0, None
            if s > MAX_STMT_DEPTH:
                return node, (f"statements nested too deeply (more than {MAX_STMT_DEPTH} levels; each elif is "
                              "one): split the function")
        for child in ast.iter_child_nodes(node):
            stack.append((child, e, s, root))
    return None


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
