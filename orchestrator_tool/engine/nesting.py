"""Nesting limits: a file nested deeper than the analysis can follow is not checked, and said so.

- Python: brackets deeper than CPython's own limit (200: deeper is a SyntaxError, "too many
  nested parentheses"). libcst's parser overflows the C stack near 1,200 levels and takes the
  whole process down, so the brackets are counted from the bytes, before libcst sees them.
  Nesting without brackets (8,000 unary `-`, a 4,000-link `a[0][0]…` or `a.b.b…` chain) also
  crashes libcst or takes it minutes; CPython refuses such a file at once ("maximum recursion
  depth exceeded during ast construction"), so CPython's parser is asked first, which costs
  a hundredth of libcst's parse.
- TypeScript and JavaScript: a syntax tree deeper than 800 levels, nested brackets and long
  chains alike (`a.b().c()…`, `a + b + …` nest in the tree as deeply). tree-sitter parses any
  depth, but the rules' walks are not all linear in it (tree-sitter finds a node's parent by
  searching down from the root) and some recurse once per level, within Python's recursion
  limit (1,000 frames). At 800 levels every rule ends within a few seconds; the deepest of
  57,000 files of public monorepos is 320 levels (a generated parser), the deepest
  hand-written ones about 240 (a union of model names, a chain of routes).

Both checks cost next to nothing on ordinary files: the Python scan runs only on a file with
more opening brackets than the limit, and the tree's depth is read at one node in 128.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Tree, TreeCursor

PYTHON_LIMIT = 200
TREE_LIMIT = 800
_STRIDE = 128  # tree nodes between two depth samples


class NestingTooDeep(Exception):
    """A file nests deeper than its language's limit: it is not checked."""

    def __init__(
        self, path: str, limit: int, line: int, column: int, detail: str | None = None
    ) -> None:
        self.detail = detail or f"nesting deeper than {limit} levels at {line}:{column}"
        super().__init__(f"{path}:{line}:{column}: {self.detail}")
        self.path = path
        self.limit = limit
        self.line = line
        self.column = column


# Comments, strings (prefixed, triple-quoted, unterminated to the end of the line) and
# brackets. Each alternative starts with its own characters and a string's body is one pass,
# so the scan is linear.
_PY_TOKEN = re.compile(
    rb"""(?P<comment>\#[^\r\n]*)
    |(?P<prefix>[rRbBuUfF]{0,2})(?P<string>
        '''(?:[^\\]|\\.)*?(?:'''|\Z)
        |\"\"\"(?:[^\\]|\\.)*?(?:\"\"\"|\Z)
        |'(?:[^\\'\r\n]|\\.)*(?:'|(?=[\r\n])|\Z)
        |"(?:[^\\"\r\n]|\\.)*(?:"|(?=[\r\n])|\Z))
    |(?P<open>[\[({])
    |(?P<close>[\])}])""",
    re.X | re.S,
)
_BRACKET = re.compile(rb"(?P<open>[\[({])|(?P<close>[\])}])")


def python_too_deep(data: bytes, limit: int = PYTHON_LIMIT) -> int | None:
    """The offset of the first bracket nested deeper than ``limit`` in Python source, or None.
    The brackets of an f-string count too (its replacement fields are parsed, and nest), text
    and fields alike: a few brackets in its text do not make ordinary code deep."""
    if sum(data.count(c) for c in (b"(", b"[", b"{")) <= limit:
        return None
    depth = 0
    for m in _PY_TOKEN.finditer(data):
        kind = m.lastgroup
        if kind == "string":
            if b"f" not in m.group("prefix").lower():
                continue
            brackets = list(_BRACKET.finditer(data, m.start("string"), m.end()))
        elif kind == "comment":
            continue
        else:
            brackets = [m]
        for b in brackets:
            if b.lastgroup == "open":
                depth += 1
                if depth > limit:
                    return b.start()
            else:
                depth = max(depth - 1, 0)
    return None


def python_beyond_cpython(data: bytes) -> str | None:
    """Why CPython's parser refuses ``data`` for its nesting, or None (an ordinary syntax error
    is left to libcst, which reports it)."""
    import ast

    try:
        ast.parse(data)
    except (RecursionError, MemoryError):
        return "nested deeper than Python allows (CPython cannot parse it)"
    except (SyntaxError, ValueError) as exc:
        said = str(exc)
        if "too many nested" in said or "too complex" in said:
            return f"nested deeper than Python allows ({said})"
    return None


def tree_too_deep(tree: Tree, limit: int = TREE_LIMIT) -> int | None:
    """The start offset of a node deeper than ``limit`` in the tree, or None.

    The depth is read at every 128th node in document order: the next node in that order is
    at most one level deeper, so a node between two samples is at most 127 levels deeper than
    the one before it. Only a stretch whose sample comes within 128 levels of the limit is read
    node by node."""
    root = tree.root_node
    count = root.descendant_count
    cursor = root.walk()
    close: list[int] = []
    for i in range(0, count, _STRIDE):
        cursor.goto_descendant(i)
        depth = cursor.depth
        if depth > limit:
            return _start(cursor)
        if depth + _STRIDE - 1 > limit:
            close.append(i)
    for start in close:
        for i in range(start + 1, min(start + _STRIDE, count)):
            cursor.goto_descendant(i)
            if cursor.depth > limit:
                return _start(cursor)
    return None


def _start(cursor: TreeCursor) -> int:
    node = cursor.node
    return node.start_byte if node is not None else 0
