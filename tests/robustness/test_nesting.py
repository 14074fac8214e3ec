"""The nesting limits: Python's brackets counted from the bytes as CPython counts them, and a
syntax tree's depth read from samples without missing a level."""

from __future__ import annotations

import pytest
from tree_sitter import Tree

from orchestrator_tool.engine.nesting import PYTHON_LIMIT, python_too_deep, tree_too_deep
from orchestrator_tool.engine.source import SourceFile


def nested(depth: int, open_: str = "(", close: str = ")") -> str:
    return "x = " + open_ * depth + "1" + close * depth + "\n"


@pytest.mark.parametrize(("open_", "close"), [("(", ")"), ("[", "]"), ("{1: ", "}")])
def test_the_python_limit_is_cpythons(open_: str, close: str) -> None:
    ok, deep = nested(PYTHON_LIMIT, open_, close), nested(PYTHON_LIMIT + 1, open_, close)
    compile(ok, "ok.py", "exec")
    with pytest.raises(SyntaxError, match="too many nested parentheses"):
        compile(deep, "deep.py", "exec")
    assert python_too_deep(ok.encode()) is None
    assert python_too_deep(deep.encode()) == 4 + PYTHON_LIMIT * len(open_)


@pytest.mark.parametrize(
    "source",
    [
        'x = "' + "(" * 300 + '"\n',
        "x = '" + "[" * 300 + "'  # " + "{" * 300 + "\n",
        'x = """\n' + "(" * 300 + '\n"""\n',
        "x = r'\\'(' + '" + "(" * 300 + "'\n",  # a raw string's \' does not end it
        "x = b'" + "(" * 300 + "'\n",
        "x = '" + "(" * 300 + "\ny = 1\n",  # unterminated: ends with its line
        "x = [" + "(1), " * 500 + "]\n",  # many brackets, shallow
        "# " + "(" * 300 + "\n" + nested(150),
    ],
    ids=["string", "comment", "triple", "raw", "bytes", "unterminated", "wide", "deep-enough"],
)
def test_brackets_in_strings_and_comments_are_not_nesting(source: str) -> None:
    assert python_too_deep(source.encode()) is None


def test_an_f_strings_fields_nest() -> None:
    # libcst parses the fields (and dies on 2,000 levels in one, as anywhere else).
    source = 'x = f"{' + "(" * 300 + "1" + ")" * 300 + '}"\n'
    assert python_too_deep(source.encode()) is not None


def exact_depth(tree: Tree) -> int:
    cursor = tree.walk()
    deepest = 0
    while True:
        deepest = max(deepest, cursor.depth)
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return deepest


SHAPES = {
    "calls": lambda n: "g(" * n + ")" * n + ";",
    "objects": lambda n: "x = " + "{a: " * n + "1" + "}" * n + ";",
    "chain": lambda n: "x = a" + ".b()" * n + ";",
    "binary": lambda n: "x = " + "a + " * n + "1;",
    "else-if": lambda n: "if (x) {}" + " else if (x) {}" * n,
    "jsx": lambda n: "x = " + "<div>" * n + "</div>" * n + ";",
    "union": lambda n: "type T = " + " | ".join(f'"{i}"' for i in range(n)) + ";",
    "wide": lambda n: "g(1);\n" * n,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("n", [3, 40, 200])
def test_the_sampled_depth_misses_no_level(shape: str, n: int) -> None:
    code = f"export function f() {{\n  {SHAPES[shape](n)}\n}}\n".encode()
    tree = SourceFile("a.tsx", code, "tsx").tree
    depth = exact_depth(tree)
    for limit in {1, depth - 130, depth - 1, depth, depth + 1, depth + 127}:
        if limit < 1:
            continue
        found = tree_too_deep(tree, limit)
        assert (found is not None) == (depth > limit), (limit, depth)
        if found is not None:
            assert 0 <= found < len(code)
