"""A file to validate: its bytes, its language, its parse tree (built once, shared)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from . import nesting
from .memo import Memo, MemoKey
from .nesting import NestingTooDeep

if TYPE_CHECKING:
    import libcst
    from tree_sitter import Language, Node, Tree


# The tree's nesting error, kept so a second ask raises it without parsing again.
_TOO_DEEP: MemoKey[NestingTooDeep] = MemoKey("too_deep")
_LIBCST: MemoKey[libcst.Module | None] = MemoKey("libcst")


@lru_cache(maxsize=4)
def ts_language(name: str) -> Language:
    import tree_sitter_typescript as tst
    from tree_sitter import Language

    raw = tst.language_typescript() if name == "typescript" else tst.language_tsx()
    return Language(raw)


@dataclass
class SourceFile:
    path: str  # relative to the monorepo root
    data: bytes
    language: str  # typescript | tsx | javascript | python
    _tree: Tree | None = field(default=None, repr=False)
    memo: Memo = field(default_factory=Memo, repr=False)  # per-file shared results
    _line_starts: list[int] | None = field(default=None, repr=False)
    # Set when only import rules read the file: its imports may come from its header alone.
    imports_from_header: bool = field(default=False, repr=False)

    @property
    def grammar(self) -> str:
        return "typescript" if self.language == "typescript" else "tsx"

    @property
    def tree(self) -> Tree:
        """The tree-sitter tree, parsed around the grammar's known gaps (grammar_gaps). Read a
        node's text with ``text(node)``: the offsets are the file's, always."""
        if self._tree is None:
            from tree_sitter import Parser

            from .grammar_gaps import parse

            too_deep = self.memo.get(_TOO_DEEP)
            if too_deep is not None:
                raise too_deep
            parser = Parser(ts_language(self.grammar))
            self._tree = parse(parser, self.data, self.grammar == "tsx", self._check_depth)
        return self._tree

    def _check_depth(self, tree: Tree) -> None:
        """Raise NestingTooDeep (and remember it) when ``tree`` is too deep to analyse."""
        at = nesting.tree_too_deep(tree)
        if at is not None:
            line, column = self.position(at)
            error = NestingTooDeep(self.path, nesting.TREE_LIMIT, line, column)
            raise self.memo.put(_TOO_DEEP, error)

    @property
    def parsed(self) -> bool:
        """Whether the tree has been built (a file only the import rules read may never be)."""
        return self._tree is not None

    def unparsed(self) -> tuple[tuple[int, int], ...]:
        """The 1-based (first line, last line) regions the checks could not read: what
        tree-sitter could not parse, or the whole of a Python file libcst rejects."""
        if self.language == "python":
            if self.python_module() is not None:
                return ()
            lines = len(self.line_starts()) - (1 if self.data.endswith(b"\n") else 0)
            return ((1, max(lines, 1)),)
        from .grammar_gaps import unparsed_regions

        return unparsed_regions(self.tree.root_node)

    @property
    def syntax_error(self) -> bool:
        """Whether libcst rejects this Python file. libcst follows Python's grammar, so the
        file is wrong; a TypeScript region tree-sitter cannot parse may well be valid (its
        grammar is not tsc's), and is never called a syntax error."""
        return self.language == "python" and self.python_module() is None

    def python_module(self) -> libcst.Module | None:
        """The libcst module of a Python file (None when it does not parse)."""
        return self.memo.once(_LIBCST, self._parse_python)

    def _parse_python(self) -> libcst.Module | None:
        import libcst

        # libcst overflows the C stack on deep nesting, killing the process: count first.
        at = nesting.python_too_deep(self.data)
        if at is not None:
            line, column = self.position(at)
            raise NestingTooDeep(self.path, nesting.PYTHON_LIMIT, line, column)
        beyond = nesting.python_beyond_cpython(self.data)
        if beyond is not None:
            raise NestingTooDeep(self.path, nesting.PYTHON_LIMIT, 1, 1, beyond)
        try:
            return libcst.parse_module(self.data)
        except libcst.ParserSyntaxError:
            return None

    def utf16_column(self, line: int, codepoint_col: int) -> int:
        """1-based UTF-16 column of a 0-based code-point column on a 1-based line."""
        start = self.line_starts()[line - 1]
        end = self.data.find(b"\n", start)
        text = self.data[start : end if end >= 0 else None].decode("utf-8", "replace")
        prefix = text[:codepoint_col]
        if prefix.isascii():
            return codepoint_col + 1
        return len(prefix.encode("utf-16-le")) // 2 + 1

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.data.find
            i = find(b"\n")
            while i >= 0:
                starts.append(i + 1)
                i = find(b"\n", i + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, byte_offset: int) -> tuple[int, int]:
        """1-based (line, column), the column in UTF-16 code units."""
        starts = self.line_starts()
        row = bisect_right(starts, byte_offset) - 1
        prefix = self.data[starts[row] : byte_offset]
        if prefix.isascii():
            return row + 1, len(prefix) + 1
        units = len(prefix.decode("utf-8", "replace").encode("utf-16-le")) // 2
        return row + 1, units + 1


def is_word_byte(data: bytes, i: int) -> bool:
    """Whether ``data[i]`` can be part of a JavaScript name (ASCII letters, digits, `_`, `$`,
    and any byte of a non-ASCII character); False out of range."""
    if i < 0 or i >= len(data):
        return False
    c = data[i]
    return c in (36, 95) or c >= 128 or 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


BOM = b"\xef\xbb\xbf"
# White space and comments between JavaScript tokens (a `//` comment ends at CR or LF); the
# byte scanners that read a file's first statements without a tree skip them with this.
TRIVIA = rb"(?:[ \t\r\n\f\v]+|//[^\n\r]*|/\*.*?\*/)*"
TRIVIA_RE = re.compile(TRIVIA, re.S)

# Spaces and line breaks outside ASCII (NBSP, U+2000 to U+200B, U+2028/U+2029, U+202F, U+205F,
# U+2060, U+3000, a BOM past the start): the tree reads them as white space, the byte scanners
# as part of a name.
_UNUSUAL_SPACE = re.compile(
    rb"\xc2\xa0|\xe1\x9a\x80|\xe2\x80[\x80-\x8b\xa8\xa9\xaf]|\xe2\x81[\x9f\xa0]|\xe3\x80\x80"
    rb"|\xef\xbb\xbf"
)


def has_unusual_space(data: bytes, start: int = 0) -> bool:
    """Whether ``data[start:]`` holds a space or line break outside ASCII (see above)."""
    return not data.isascii() and _UNUSUAL_SPACE.search(data, start) is not None
