"""Bad inputs: every one is a single ``file:line:col: error: message`` line.

Through the API, :func:`load_model` raises :class:`InputError` (``.render()`` is the line);
through the CLI, the line goes to stderr, the exit code is 2 and there is no traceback.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmnotif_check import load_model
from mmnotif_check.cli import cli
from mmnotif_check.errors import InputError

# (id, model text, line, col, key phrase of the message)
BAD_MODELS: list[tuple[str, str, int, int, str]] = [
    ("syntax-error", "x: int = 0\ndef w(:\n    pass\n", 2, 7, "syntax error"),
    (
        "lambda",
        "x: int = 0\ndef w():\n    global x\n    x = (lambda: 1)\n",
        4, 10, "'lambda' is not part of the model language",
    ),
    ("dict-display", "def w():\n    y = 0\n    y = {1: 2}\n", 3, 9, "a dict display is not part of the model language"),
    ("set-display", "def w():\n    y = {1, 2}\n", 2, 9, "a set display is not part of the model language"),
    (
        "try",
        "def w():\n    try:\n        pass\n    except Exception:\n        pass\n",
        2, 5, "'try' is not part of the model language",
    ),
    ("import-statement", '"""doc"""\nimport os\n', 2, 1, "'import' is not part of the model language"),
    (
        "import-of-non-model-module",
        "x: int = 0\nfrom os import path\n",
        2, 1, "import of 'os' is not part of the model language",
    ),
    ("unknown-name", "def w():\n    y = zz + 1\n", 2, 9, "unknown name 'zz'"),
    (
        "unknown-field-store",
        "class S:\n    v: int = 0\n\ndef w():\n    s = new(S)\n    s.q = 1\n",
        6, 5, "no class has a field 'q'",
    ),
    (
        "unknown-field-read-with-suggestion",
        "class S:\n    val: int = 0\n\ndef w():\n    s = new(S)\n    y = s.vals\n",
        6, 9, "no class has a field 'vals'; did you mean 'val'?",
    ),
    (
        "unknown-field-in-new",
        "class S:\n    v: int = 0\n\ndef w():\n    s = new(S, nope=1)\n",
        5, 16, "class 'S' has no field 'nope'",
    ),
    (
        "too-many-arguments",
        "def f(a):\n    pass\n\ndef w():\n    f(1, 2)\n",
        5, 5, "'f' takes 1 argument but 2 were given",
    ),
    (
        "missing-argument",
        "def f(a, b):\n    pass\n\ndef w():\n    f(1)\n",
        5, 5, "'f' missing argument 'b'",
    ),
    (
        "procedure-call-in-if-test",
        "def f():\n    return True\n\ndef w():\n    if f():\n        pass\n",
        5, 8, "procedure 'f' takes steps and may only be called as a whole statement",
    ),
    (
        "procedure-call-as-operand",
        "def f():\n    return 1\n\ndef w():\n    y = f() + 1\n",
        5, 9, "procedure 'f' takes steps",
    ),
    (
        "wait-until-not-first-in-atomic",
        "x: int = 0\n\ndef w():\n    global x\n    with atomic():\n        x = 1\n        wait_until(x == 1)\n",
        7, 9, "wait_until may only be the first statement of a 'with atomic()' block",
    ),
    (
        "assign-global-without-global",
        "x: int = 0\n\ndef w():\n    x = 1\n",
        4, 5, "assignment to global 'x' needs 'global x'",
    ),
    (
        "assign-constant",
        "N = 3\n\ndef w():\n    N = 4\n",
        4, 5, "'N' is a constant and cannot be assigned",
    ),
    (
        "method-call-in-expression",
        "xs: tuple = ()\n\ndef w():\n    ys = xs.append(1)\n",
        4, 10, "method call '.append()' is not part of the model language",
    ),
    (
        "true-division",
        "x: int = 0\n\ndef w():\n    global x\n    x = 4 / 2\n",
        5, 9, "'/' is not part of the model language",
    ),
    (
        "true-division-augmented",
        "x: int = 0\n\ndef w():\n    global x\n    x /= 2\n",
        5, 5, "'/=' is not part of the model language",
    ),
    (
        "pure-declares-global",
        "x: int = 0\n\n@pure\ndef p():\n    global x\n    x = 1\n    return 1\n",
        5, 5, "'global' in @pure function 'p'",
    ),
    (
        "pure-assigns-global",
        "x: int = 0\n\n@pure\ndef p():\n    x = 1\n    return 1\n",
        5, 5, "@pure function 'p' may not assign global 'x'",
    ),
    (
        "pure-waits",
        "x: int = 0\n\n@pure\ndef p():\n    wait_until(x == 1)\n    return 1\n",
        5, 5, "must be side-effect-free and non-blocking",
    ),
    (
        "nested-def",
        "def w():\n    def inner():\n        pass\n    inner()\n",
        2, 5, "a nested function is not part of the model language",
    ),
    (
        "class-with-method",
        "class S:\n    v: int = 0\n\n    def m(self):\n        pass\n",
        4, 5, "methods are not part of the model language",
    ),
    ("unknown-decorator", "@staticmethod\ndef w():\n    pass\n", 1, 2, "unknown decorator"),
    ("unknown-type", "x: float = 0\n", 1, 4, "unknown type 'float'"),
    ("float-literal", "def w():\n    y = 1.5\n", 2, 9, "a float literal is not part of the model language"),
    (
        "while-else",
        "def w():\n    while True:\n        pass\n    else:\n        pass\n",
        2, 5, "'while ... else' is not part of the model language",
    ),
    (
        "for-else",
        "def w():\n    for i in range(2):\n        pass\n    else:\n        pass\n",
        2, 5, "'for ... else' is not part of the model language",
    ),
    (
        "procedure-calls-init",
        "def init():\n    pass\n\ndef w():\n    init()\n",
        5, 5, "init() runs once before exploration and cannot be called",
    ),
    (
        "spawn-of-pure-function",
        "@pure\ndef p():\n    return 1\n\ndef init():\n    spawn(p)\n",
        6, 11, "spawn() needs a procedure name as its first argument",
    ),
    (
        "spawn-of-a-global",
        "x: int = 0\n\ndef init():\n    spawn(x)\n",
        4, 11, "spawn() needs a procedure name as its first argument",
    ),
    (
        "spawn-unknown-keyword",
        "def w():\n    pass\n\ndef init():\n    spawn(w, prio=1)\n",
        5, 14, "spawn() has no keyword 'prio'",
    ),
    ("break-outside-loop", "def w():\n    break\n", 2, 5, "'break' outside a loop"),
    ("chained-assignment", "def w():\n    a = b = 1\n", 2, 5, "chained assignment"),
    ("redefine-builtin", "def len(x):\n    return 0\n", 1, 1, "'len' is a builtin of the model language"),
    ("defined-twice", "x: int = 0\nx: int = 1\n", 2, 1, "'x' is defined twice"),
    ("invariant-with-parameters", "@invariant\ndef p(a):\n    return True\n", 2, 1, "must take no parameters"),
    ("expression-statement", "def w():\n    y = 1\n    y + 1\n", 3, 5, "an expression statement has no effect"),
    ("with-other-than-atomic", "def w():\n    with open('f'):\n        pass\n", 2, 5, "a 'with' other than 'with atomic():'"),
    ("class-called", "class S:\n    v: int = 0\n\ndef w():\n    s = S()\n", 5, 9, "classes are not called"),
    ("unknown-function", "def w():\n    y = frob(1)\n", 2, 9, "unknown function 'frob'"),
    ("statement-at-module-level", "x: int = 0\nif x:\n    pass\n", 2, 1, "'if' at module level is not part of the model language"),
    ("bad-global-initial-value", "x: bool = 3\n", 1, 11, "global 'x' of type bool cannot start as 3"),
    ("global-of-a-constant", "N = 1\n\ndef w():\n    global N\n", 4, 5, "'global N': 'N' is not a global"),
    ("missing-relative-import", '"""doc"""\nfrom .nothere import X\n', 2, 1, "does not exist"),
]


def _load_error(path: Path, overrides: dict | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        load_model(str(path), overrides or {})
    return info.value


def test_there_are_at_least_twenty_distinct_cases():
    assert len({c[0] for c in BAD_MODELS}) == len(BAD_MODELS) >= 20


@pytest.mark.parametrize(("name", "text", "line", "col", "phrase"), BAD_MODELS, ids=[c[0] for c in BAD_MODELS])
def test_bad_model_is_one_located_error(write_model, name, text, line, col, phrase):
    path = write_model(text)
    err = _load_error(path)
    assert (err.path, err.line, err.col) == (str(path), line, col)
    rendered = err.render()
    assert rendered.startswith(f"{path}:{line}:{col}: error: ")
    assert phrase in rendered
    assert "\n" not in rendered
    assert str(err) == rendered


def test_method_call_statement_is_rejected_at_the_call(write_model):
    """``xs.append(1)`` as a statement is rejected where it stands.

    (Questionable: the message is the generic "this call has no effect as a statement",
    not the specific "method call '.append()' ..." given for the same call in an
    expression.)
    """
    path = write_model("xs: tuple = ()\n\ndef w():\n    global xs\n    xs.append(1)\n")
    err = _load_error(path)
    assert (err.line, err.col) == (5, 5)
    assert "call" in err.message


# ------------------------------------------------------------------ constant overrides

CONSTS = "N = 3\nFLAG = True\nNAME = 'a'\nANY = None\nM = N + 1\nx: int = M\n"


def test_override_of_an_unknown_constant_lists_the_known_ones(write_model):
    path = write_model(CONSTS)
    err = _load_error(path, {"NN": 1})
    assert err.render().startswith(f"{path}:1:1: error: ")
    assert "unknown constant 'NN'" in err.message
    assert "did you mean 'N'?" in err.message
    assert "known constants: ANY, FLAG, M, N, NAME" in err.message


@pytest.mark.parametrize(
    ("name", "value", "phrase"),
    [
        ("FLAG", 3, "constant 'FLAG' has type bool"),
        ("N", True, "constant 'N' has type int"),
        ("N", "three", "constant 'N' has type int"),
        ("NAME", 1, "constant 'NAME' has type str"),
    ],
)
def test_override_must_keep_the_type(write_model, name, value, phrase):
    path = write_model(CONSTS)
    err = _load_error(path, {name: value})
    assert err.render().startswith(f"{path}:1:1: error: ")
    assert phrase in err.message


def test_good_overrides_apply_before_dependent_constants(write_model):
    path = write_model(CONSTS)
    model = load_model(str(path), {"N": 10, "ANY": (1, "x"), "FLAG": False})
    assert model.constants["M"] == 11
    assert model.global_values(model.initial_states()[0]) == (11,)
    assert model.constants["ANY"] == (1, "x")


def test_missing_model_file(tmp_path):
    path = tmp_path / "nope.py"
    err = _load_error(path)
    assert err.render() == f"{path}:1:1: error: model file does not exist"


def test_model_file_must_be_python(tmp_path):
    path = tmp_path / "model.txt"
    path.write_text("x: int = 0\n")
    err = _load_error(path)
    assert err.render().startswith(f"{path}:1:1: error: ")
    assert "'.py'" in err.message


def test_error_in_an_imported_file_is_located_in_that_file(tmp_path):
    (tmp_path / "lib.py").write_text("def helper():\n    y = {1: 2}\n")
    root = tmp_path / "root.py"
    root.write_text("from .lib import helper\n\ndef init():\n    spawn(helper)\n")
    err = _load_error(root)
    assert err.path.endswith("lib.py")
    assert (err.line, err.col) == (2, 9)
    assert "a dict display" in err.message


# -------------------------------------------------------------------------------- the CLI


def _cli(args: list[str]):
    return CliRunner().invoke(cli, args)


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout.strip() == ""
    return lines[0]


CLI_CASES = [
    c for c in BAD_MODELS
    if c[0] in {"syntax-error", "lambda", "unknown-name", "procedure-call-in-if-test", "spawn-of-pure-function"}
]


@pytest.mark.parametrize(("name", "text", "line", "col", "phrase"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_reports_bad_models_on_one_line(write_model, name, text, line, col, phrase):
    path = write_model(text)
    msg = _one_line_error(_cli(["verify", str(path)]))
    assert msg.startswith(f"{path}:{line}:{col}: error: ")
    assert phrase in msg


def test_cli_set_unknown_constant(write_model):
    path = write_model(CONSTS)
    msg = _one_line_error(_cli(["verify", str(path), "--set", "ROUNDS=2"]))
    assert msg.startswith("<command line>:1:1: error: --set ROUNDS: unknown constant 'ROUNDS'")
    assert "known constants: ANY, FLAG, M, N, NAME" in msg


@pytest.mark.parametrize(
    ("item", "phrase"),
    [
        ("N", "expected NAME=VALUE"),
        ("=3", "expected NAME=VALUE"),
        ("N=[1", "is not a literal"),
        ("N=1.5", "is not a model value"),
    ],
)
def test_cli_set_malformed(write_model, item, phrase):
    path = write_model(CONSTS)
    msg = _one_line_error(_cli(["verify", str(path), "--set", item]))
    assert msg.startswith("<command line>:1:1: error: --set ")
    assert phrase in msg


def test_cli_set_given_twice(write_model):
    path = write_model(CONSTS)
    msg = _one_line_error(_cli(["verify", str(path), "--set", "N=1", "--set", "N=2"]))
    assert msg == "<command line>:1:1: error: --set N given twice"


def test_cli_set_wrong_type(write_model):
    path = write_model(CONSTS)
    msg = _one_line_error(_cli(["verify", str(path), "--set", "FLAG=3"]))
    assert msg.startswith("<command line>:1:1: error: --set FLAG: ")
    assert "constant 'FLAG' has type bool" in msg


def test_cli_set_accepts_bare_words_and_booleans(write_model):
    path = write_model(CONSTS + "\ndef init():\n    pass\n")  # without init() nothing would be checked
    result = _cli(["verify", str(path), "--set", "FLAG=false", "--set", "NAME=abc", "--set", "N=5"])
    assert result.exit_code == 0, result.output


def test_cli_missing_model_file(tmp_path):
    path = tmp_path / "nope.py"
    msg = _one_line_error(_cli(["verify", str(path)]))
    assert msg == f"{path}:1:1: error: model file does not exist"


def test_cli_bfs_and_dfs_together(write_model):
    path = write_model(CONSTS)
    msg = _one_line_error(_cli(["verify", str(path), "--bfs", "--dfs"]))
    assert msg == "<command line>:1:1: error: --bfs and --dfs exclude each other"


@pytest.mark.parametrize("option", ["--max-states", "--max-depth", "--max-memory"])
def test_cli_negative_budget(write_model, option):
    path = write_model(CONSTS)
    msg = _one_line_error(_cli(["verify", str(path), option, "-1"]))
    assert msg == f"<command line>:1:1: error: {option} must be a positive integer, not -1"


def test_cli_non_positive_timeout(write_model):
    path = write_model(CONSTS)
    msg = _one_line_error(_cli(["verify", str(path), "--timeout", "0"]))
    assert msg == "<command line>:1:1: error: --timeout must be a positive number, not 0"


def test_cli_unknown_property(write_model):
    path = write_model(CONSTS + "\n@invariant\ndef small():\n    return x < 100\n")
    msg = _one_line_error(_cli(["verify", str(path), "--property", "big"]))
    assert msg.startswith("<command line>:1:1: error: --property big: ")
    assert "known: small" in msg


def test_cli_replay_bad_model_is_one_line(write_model):
    path = write_model(textwrap.dedent("def w():\n    y = zz\n"))
    msg = _one_line_error(_cli(["replay", str(path), "--path", "0"]))
    assert msg.startswith(f"{path}:2:9: error: unknown name 'zz'")


def test_cli_replay_malformed_path(write_model):
    path = write_model("x: int = 0\n")
    msg = _one_line_error(_cli(["replay", str(path), "--path", "0/a"]))
    assert msg.startswith("<command line>:1:1: error: --path: bad path '0/a'")
