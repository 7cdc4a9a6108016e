"""Programs for fuzzing the compiler: random models and AST mutations of the shipped ones.

:func:`program` turns a seed into a model text, deterministically: even seeds build a
random program from a small grammar (mostly inside the model language, sometimes not),
odd seeds mutate a model of ``models/`` or ``tests/models/`` (replace an expression, drop,
copy or swap statements, misspell a name, change an operator, a constant or a call's
arguments, insert a construct outside the language).  Whatever the program, the checker
must answer with exit 0, 1, 2 or 3: never an internal error (70) or a traceback.
``tests/test_fuzz_compiler.py`` drives it with Hypothesis; ``tests/corpus_lib.py`` runs a
fixed sample of seeds for the before/after counts.
"""

from __future__ import annotations

import ast
import copy
import random
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODELS = sorted([*(REPO / "models").glob("*.py"), *(REPO / "tests" / "models").glob("*.py")])
ARGS = "verify {} -q --max-states 300 --timeout 5"

NAMES = ("x", "y", "n", "flag", "s", "t", "xs", "o", "k", "i", "me", "len", "spawn", "init", "w0", "w1", "S",
         "Obj", "v", "next", "wait_until", "choose", "new", "objects", "u64", "symbolic", "None", "True")
WEIRD_EXPRS = (
    "lambda: 1", "{1: 2}", "{1, 2}", "[i for i in range(3)]", "(yield)", "x if y else z", "1 / 2", "a @ b",
    "10 ** 5000", "7 ** (10 ** 9)", "1 << (10 ** 9)", "-" * 300 + "1", "(" * 150 + "1" + ")" * 150, "'a' * (10 ** 12)",
    "(1,) * (10 ** 12)", "range(10 ** 12)", "1.5", "1j", "b'x'", "...", "f'{x!r:>{y}}'", "x[1:2:3]", "x.y.z", "x()",
    "(lambda: 0)()", "not not not x", "x < y < z", "x is not None", "x in (1, 2)", "*x", "len()", "len(1, 2)",
    "choose()", "spawn(1)", "new(1)", "objects(3)", "me(1)", "symbolic('s', u64)", "symbolic(1, 2)", "u8(300)",
    "s8(-129)", "int('9' * 5000)", "str(10 ** 1000)", "abs(-x)", "sum(range(5))", "sorted((3, 1))", "tuple(x)",
    "zip((1,), (2,))", "enumerate('ab')", "remove((1,), 2)", "index((), 1)", "call(x)", "atomic()", "print(x)",
    "__import__('os')", "x.__class__", "globals()", "open('/etc/passwd')", "min()", "max(())", "0 // 0", "1 % 0",
    "-1 << 1", "1 >> -1", "'%s' % 1", "'a' + 1", "(1, 2) + 1", "None.x", "()[0]", "'abc'[10]",
)
WEIRD_STMTS = (
    "del x", "import os", "from os import path", "try:\n    pass\nexcept Exception:\n    pass", "raise ValueError",
    "x = y = 1", "x: int", "nonlocal x", "global x", "with open('f') as fh:\n    pass", "while True:\n    pass",
    "for i in range(3):\n    pass\nelse:\n    pass", "async def f():\n    pass", "class C:\n    pass",
    "def inner():\n    pass", "print('hi')", "x += 1", "x, y = 1", "x[0] = 1", "x.f = 1", "break", "continue",
    "return 1", "assert False, 'tag: message'", "assert x, y", "wait_until(False)", "with atomic():\n    pass",
    "with atomic():\n    x = 1\n    wait_until(x)", "spawn(init)", "init()", "match x:\n    case 1:\n        pass",
    "x = choose(())", "x = choose(range(3))", "x = new(Obj)", "x = symbolic('q', u64)", "pass", "...", "'doc'",
)


# --------------------------------------------------------------------------- random programs
ATOMS = ("0", "1", "2", "x", "y", "True", "False", "None", "'s'", "()", "(1, 2)", "xs", "len(xs)", "flag", "N")
THREAD_ATOMS = (*ATOMS, "n", "me()")


def _expr(r: random.Random, depth: int = 0, thread: bool = False) -> str:
    if depth > 3 or r.random() < 0.3:
        return r.choice(THREAD_ATOMS if thread else ATOMS)
    if r.random() < 0.03:
        return r.choice(WEIRD_EXPRS)
    a, b = _expr(r, depth + 1, thread), _expr(r, depth + 1, thread)
    return r.choice((
        f"({a} + {b})", f"({a} - {b})", f"({a} * {b})", f"({a} // {b})", f"({a} % {b})", f"({a} < {b})",
        f"({a} == {b})", f"({a} and {b})", f"(not {a})", f"({a} if {b} else 0)", f"({a}, {b})", f"len(({a},))",
        f"({a} << 2)", f"({a} ** 2)", f"({a} in xs)", f"max({a}, {b})", f"f({a})", "o.v", f"xs[{a}]",
    ))


def _block(r: random.Random, depth: int, indent: str) -> list[str]:
    out = []
    for _ in range(r.randint(1, 4)):
        k = r.random()
        if k < 0.05:
            stmt = r.choice(WEIRD_STMTS)
            out.extend(indent + ln for ln in stmt.splitlines())
        elif k < 0.35:
            out.append(f"{indent}{r.choice(('x', 'y', 'n', 'xs', 'flag'))} = {_expr(r, thread=True)}")
        elif k < 0.45 and depth < 3:
            out.append(f"{indent}if {_expr(r, thread=True)}:")
            out.extend(_block(r, depth + 1, indent + "    "))
            if r.random() < 0.5:
                out.append(f"{indent}else:")
                out.extend(_block(r, depth + 1, indent + "    "))
        elif k < 0.52 and depth < 3:
            out.append(f"{indent}while n < {r.randint(0, 3)}:")
            out.append(f"{indent}    n += 1")
            out.extend(_block(r, depth + 1, indent + "    "))
        elif k < 0.6:
            out.append(f"{indent}wait_until({_expr(r, thread=True)})")
        elif k < 0.68:
            out.append(f"{indent}assert {_expr(r, thread=True)}, \"p{r.randint(0, 2)}: broken\"")
        elif k < 0.74 and depth < 3:
            out.append(f"{indent}with atomic():")
            out.extend(_block(r, depth + 1, indent + "    "))
        elif k < 0.8:
            out.append(f"{indent}{r.choice(('helper()', 'y = helper()', 'x = choose((0, 1))', 'o = new(Obj, v=1)'))}")
        elif k < 0.86:
            out.append(f"{indent}o.v = {_expr(r, thread=True)}")
        elif k < 0.9:
            out.append(f"{indent}{r.choice(('pass', 'return', 'return x'))}")
        else:
            out.append(f"{indent}xs = xs + ({_expr(r, thread=True)},)")
    return out


def random_program(r: random.Random) -> str:
    lines = ['"""A random model."""', "", f"N = {r.choice(('1', '2', '3', '-1', '10 ** 3', 'True', '(1, 2)'))}", ""]
    lines += ["class Obj:", "    v: int = 0", ""]
    lines += [f"x: {r.choice(('int', 'u8', 's8', 'u64', 'int'))} = 0", "y: int = 0", "xs: tuple = ()",
              "flag: bool = False", "o: Obj | None = None", ""]
    lines += ["@pure", "def f(a):", f"    return {_expr(r)}", ""]
    lines += ["def helper():", "    global x", f"    x = {_expr(r)}", "    return x", ""]
    nthreads = r.randint(1, 3)
    for t in range(nthreads):
        lines += [f"def w{t}():", "    global x, y, xs, flag, o", "    n = 0"]
        lines += _block(r, 0, "    ")
        lines.append("")
    lines.append("def init():")
    lines.append("    global o")
    lines.append("    o = new(Obj)")
    for t in range(nthreads):
        extra = r.choice(("", "", ", name='t'", ", daemon=True"))
        lines.append(f"    spawn(w{t}{extra})")
    lines.append("")
    if r.random() < 0.7:
        lines += ["@invariant", "def inv():", '    """it broke"""', f"    return {_expr(r)}", ""]
    if r.random() < 0.3:
        lines += ["@final", "def fin():", f"    return {_expr(r)}", ""]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- mutations
def _parse_expr(text: str) -> ast.expr | None:
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, MemoryError, RecursionError, ValueError):
        return None


def _parse_stmts(text: str) -> list[ast.stmt]:
    try:
        return ast.parse(text).body
    except (SyntaxError, MemoryError, RecursionError, ValueError):
        return [ast.Pass()]


class _Mutator:
    def __init__(self, r: random.Random) -> None:
        self.r = r

    def mutate(self, tree: ast.Module) -> str:
        r = self.r
        for _ in range(r.randint(1, 3)):
            nodes = list(ast.walk(tree))
            kind = r.random()
            if kind < 0.25:
                exprs = [n for n in nodes if isinstance(n, ast.expr) and not isinstance(n, ast.expr_context)]
                if exprs:
                    self._replace_expr(tree, r.choice(exprs))
            elif kind < 0.5:
                bodies = [n for n in nodes if hasattr(n, "body") and isinstance(n.body, list) and n.body]
                if bodies:
                    self._change_body(r.choice(bodies))
            elif kind < 0.65:
                names = [n for n in nodes if isinstance(n, ast.Name)]
                if names:
                    n = r.choice(names)
                    n.id = r.choice((n.id[:-1] or "q", n.id + "x", r.choice(NAMES), n.id.upper()))
            elif kind < 0.75:
                ops = [n for n in nodes if isinstance(n, ast.BinOp | ast.Compare | ast.BoolOp | ast.UnaryOp)]
                if ops:
                    self._change_op(r.choice(ops))
            elif kind < 0.85:
                consts = [n for n in nodes if isinstance(n, ast.Constant)]
                if consts:
                    c = r.choice(consts)
                    c.value = r.choice((0, -1, 1, 2 ** 64, 10 ** 5000 if r.random() < 0.2 else 3, "", "x: y", None,
                                        True, 1.5, b"b", (1, 2)))
            else:
                calls = [n for n in nodes if isinstance(n, ast.Call)]
                if calls:
                    c = r.choice(calls)
                    if c.args and r.random() < 0.5:
                        del c.args[r.randrange(len(c.args))]
                    else:
                        c.args.append(ast.Constant(r.choice((0, None, "z"))))
                        if r.random() < 0.3:
                            c.keywords.append(ast.keyword(arg=r.choice(("name", "daemon", "bogus")),
                                                          value=ast.Constant(1)))
        ast.fix_missing_locations(tree)
        return ast.unparse(tree) + "\n"

    def _replace_expr(self, tree: ast.Module, target: ast.expr) -> None:
        r = self.r
        text = r.choice(WEIRD_EXPRS) if r.random() < 0.6 else _expr(r)
        new = _parse_expr(text)
        if new is None:
            return
        for parent in ast.walk(tree):
            for name, value in ast.iter_fields(parent):
                if value is target:
                    setattr(parent, name, new)
                    return
                if isinstance(value, list):
                    for k, item in enumerate(value):
                        if item is target:
                            value[k] = new
                            return

    def _change_body(self, node: ast.AST) -> None:
        r = self.r
        body: list[ast.stmt] = node.body  # type: ignore[attr-defined]
        k = r.randrange(len(body))
        choice = r.random()
        if choice < 0.3 and len(body) > 1:
            del body[k]
        elif choice < 0.5:
            body.insert(k, copy.deepcopy(body[r.randrange(len(body))]))
        elif choice < 0.65 and len(body) > 1:
            j = r.randrange(len(body))
            body[k], body[j] = body[j], body[k]
        else:
            body[k:k] = _parse_stmts(r.choice(WEIRD_STMTS) if r.random() < 0.7 else "\n".join(_block(r, 0, "")))

    def _change_op(self, node: ast.AST) -> None:
        r = self.r
        if isinstance(node, ast.BinOp):
            node.op = r.choice((ast.Add(), ast.Sub(), ast.Mult(), ast.Div(), ast.FloorDiv(), ast.Mod(), ast.Pow(),
                                ast.LShift(), ast.RShift(), ast.BitOr(), ast.MatMult()))
        elif isinstance(node, ast.Compare):
            node.ops = [r.choice((ast.Eq(), ast.Lt(), ast.Is(), ast.In(), ast.NotIn(), ast.GtE())) for _ in node.ops]
        elif isinstance(node, ast.BoolOp):
            node.op = r.choice((ast.And(), ast.Or()))
        elif isinstance(node, ast.UnaryOp):
            node.op = r.choice((ast.Not(), ast.USub(), ast.Invert(), ast.UAdd()))


def mutated_program(r: random.Random) -> tuple[str, str]:
    source = r.choice(MODELS)
    tree = ast.parse(source.read_text(encoding="utf-8"))
    try:
        return source.stem, _Mutator(r).mutate(tree)
    except (ValueError, TypeError, AttributeError, RecursionError):  # ast.unparse of a broken tree
        return source.stem, source.read_text(encoding="utf-8") + "\n" + r.choice(WEIRD_STMTS) + "\n"


def program(seed: int) -> tuple[str, str]:
    """(a short name, the model text) for ``seed``."""
    r = random.Random(seed)
    if seed % 2 == 0:
        return "random", random_program(r)
    return mutated_program(r)
