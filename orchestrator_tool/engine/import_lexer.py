"""A file's imports read from its header, without a parse tree.

Most modules open with their imports and re-exports and never import again. For those, the
import rules need no syntax tree: this lexer reads the header (comments, directives, import
and re-export statements) token by token, and then makes sure the rest of the file holds no
other import: no word ``import`` or ``require`` and no ``export … from``. It answers ``None``
whenever it is not sure — an unusual statement shape, an escape in a string, an import
attribute, a comment where the tree would fold it into the statement, a later import, a
dynamic one — and the caller parses the file instead. When it answers, the list equals what
the tree gives (``imports.imports_of``); the tests hold the two side by side.
"""

from __future__ import annotations

import re

from .import_model import Import, type_only_statement
from .source import BOM, TRIVIA_RE, has_unusual_space, is_word_byte

_TOKEN = re.compile(
    rb"""(?P<ident>[A-Za-z_$\x80-\xff][\w$\x80-\xff]*)
        |(?P<string>'[^'\\\n\r]*'|"[^"\\\n\r]*")
        |(?P<punct>[{}*,;=()])""",
    re.X,
)
_HSPACE = re.compile(rb"[ \t]*")
# The usual statements in one match (no comment inside, no string name): the token-by-token
# reading below handles the rest.
_NAME = rb"[A-Za-z_$][\w$]*"
_ITEM = rb"(?:type\s+)?" + _NAME + rb"(?:\s+as\s+" + _NAME + rb")?"
_BRACES = rb"\{\s*(?:" + _ITEM + rb"\s*,\s*)*(?:" + _ITEM + rb"\s*)?\}"
_SPEC = rb"""(?P<q>['"])(?P<spec>[^'"\\\n\r]+)(?P=q)"""
_FAST = re.compile(
    rb"(?:import\s+(?:type\s+)?(?:"
    + _NAME
    + rb"(?:\s*,\s*(?:"
    + _BRACES
    + rb"|\*\s*as\s+"
    + _NAME
    + rb"))?|"
    + _BRACES
    + rb"|\*\s*as\s+"
    + _NAME
    + rb")\s*from\s*"
    + rb"|import\s*"
    + rb"|export[ \t]+(?:type[ \t]+)?(?:\*(?:\s+as\s+"
    + _NAME
    + rb")?|"
    + _BRACES
    + rb")\s*from\s*)"
    + _SPEC
)
_LATER_EXPORT = re.compile(rb"export(?![\w$])\s*(?:type(?![\w$])\s*)?([{*/])")

Token = tuple[str, bytes, int, int]  # kind, text, start, end


class _Unsure(Exception):
    """The header has a shape this lexer does not vouch for: parse the file instead."""


class _Lexer:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self._peeked: tuple[int, Token | None] | None = None
        if data.startswith(BOM):
            self.pos = len(BOM)
        if data.startswith(b"#!", self.pos):
            end = data.find(b"\n", self.pos)
            self.pos = len(data) if end < 0 else end

    def skip(self) -> None:
        m = TRIVIA_RE.match(self.data, self.pos)
        if m is not None:
            self.pos = m.end()
        if self.data.startswith(b"/*", self.pos):
            raise _Unsure  # an unterminated block comment

    def peek(self) -> Token | None:
        if self._peeked is not None and self._peeked[0] == self.pos:
            return self._peeked[1]
        at = self.pos
        tok = self._peek()
        self._peeked = (at, tok)
        return tok

    def _peek(self) -> Token | None:
        self.skip()
        if self.pos >= len(self.data):
            return None
        m = _TOKEN.match(self.data, self.pos)
        if m is None:
            return ("other", b"", self.pos, self.pos)
        kind = m.lastgroup or "other"
        return (kind, m.group(), m.start(), m.end())

    def next(self) -> Token:
        tok = self.peek()
        if tok is None or tok[0] == "other":
            raise _Unsure
        self.pos = tok[3]
        return tok

    def expect(self, kind: str, text: bytes | None = None) -> Token:
        tok = self.next()
        if tok[0] != kind or (text is not None and tok[1] != text):
            raise _Unsure
        return tok

    def end_of_statement(self) -> int:
        """After a statement's last string: an optional `;` on the same line, else the line
        must end (automatic semicolon insertion). The statement's end byte."""
        end = self.pos
        p = _HSPACE.match(self.data, self.pos)
        after = p.end() if p is not None else self.pos
        rest = self.data[after : after + 2]
        if rest[:1] == b";":
            self.pos = after + 1
            return after + 1
        if rest[:1] == b"\r" and rest != b"\r\n":
            raise _Unsure  # a lone carriage return: the tree's line ends differ
        if rest[:1] in (b"", b"\n", b"\r"):
            t = TRIVIA_RE.match(self.data, after)
            if t is not None and self.data.startswith(b";", t.end()):
                raise _Unsure  # the tree takes a `;` on a later line into the statement
            return end
        # An import attribute, a comment (the tree takes a trailing one into the statement),
        # or more on the line.
        raise _Unsure


def _specifiers(lx: _Lexer, named: bool) -> None:
    """`{ a, type b, c as d, "e-f" as g, }` (the opening brace already read)."""
    while True:
        item: list[Token] = []
        while True:
            tok = lx.next()
            if tok[0] == "punct" and tok[1] in (b",", b"}"):
                break
            if tok[0] not in ("ident", "string"):
                raise _Unsure
            item.append(tok)
        words = [t[1] if t[0] == "ident" else None for t in item]
        # [type] name [as alias]; an import's alias is an identifier, an export's may be a
        # string; an import's name may be a string only when it is renamed.
        n = len(item)
        if n == 0:
            if tok[1] == b",":
                raise _Unsure  # `{ , }`
        elif not (
            (n == 1 and (words[0] is not None or not named))
            or (n == 2 and words[0] == b"type" and (words[1] is not None or not named))
            or (n == 3 and words[1] == b"as" and (words[2] is not None or not named))
            or (n == 4 and words[0] == b"type" and words[2] == b"as")
        ):
            raise _Unsure
        if n == 4 and named and words[3] is None:
            raise _Unsure
        if tok[1] == b"}":
            return


def _record(
    found: list[Import], data: bytes, spec: tuple[int, int], statement: tuple[int, int], kind: str
) -> None:
    """An import whose specifier text spans ``spec`` (inside the quotes)."""
    if spec[1] <= spec[0]:
        return  # '' has no text: the tree has no specifier either
    found.append(
        Import(
            specifier=data[spec[0] : spec[1]].decode("utf-8", "replace"),
            start=spec[0],
            end=spec[1],
            statement_start=statement[0],
            statement_end=statement[1],
            type_only=kind != "require" and type_only_statement(data[statement[0] : statement[1]]),
            kind=kind,
        )
    )


def _string_import(lx: _Lexer, start: int, kind: str, found: list[Import]) -> None:
    tok = lx.expect("string")
    end = lx.end_of_statement()
    _record(found, lx.data, (tok[2] + 1, tok[3] - 1), (start, end), kind)


def _import(lx: _Lexer, start: int, found: list[Import]) -> None:
    """After `import`."""
    tok = lx.peek()
    if tok is None:
        raise _Unsure
    if tok[0] == "string":
        _string_import(lx, start, "import", found)
        return
    # `type` is a modifier unless it is the default import's name.
    if tok[0] == "ident" and tok[1] == b"type":
        lx.next()
        after = lx.peek()
        if after is None:
            raise _Unsure
        if after[1] == b"from":
            lx.next()
            following = lx.peek()
            if following is not None and following[0] == "string":
                _string_import(lx, start, "import", found)  # import type from "x"
                return
            lx.pos = after[2]  # `import type from from "x"`: `from` is the name
        elif after[1] == b",":
            lx.pos = after[2]  # `type` is the default import's name
            return _after_default(lx, start, found, b"type")
        elif after[1] == b"=":
            raise _Unsure  # `import type = require(…)`: the tree reads a call
    tok = lx.next()
    if tok[0] == "ident":
        return _after_default(lx, start, found, tok[1])
    _bindings(lx, tok)
    lx.expect("ident", b"from")
    _string_import(lx, start, "import", found)


def _bindings(lx: _Lexer, tok: Token) -> None:
    """`* as ns` or `{ a, b as c }`, its first token already read."""
    if tok[1] == b"*":
        lx.expect("ident", b"as")
        lx.expect("ident")
    elif tok[1] == b"{":
        _specifiers(lx, named=True)
    else:
        raise _Unsure


def _after_default(lx: _Lexer, start: int, found: list[Import], name: bytes) -> None:
    if name in (b"import", b"export"):
        raise _Unsure
    tok = lx.next()
    if tok[1] == b"=":  # import x = require("y")
        lx.expect("ident", b"require")
        lx.expect("punct", b"(")
        spec = lx.expect("string")
        lx.expect("punct", b")")
        end = lx.end_of_statement()
        _record(found, lx.data, (spec[2] + 1, spec[3] - 1), (start, end), "require")
        return
    if tok[1] == b",":
        _bindings(lx, lx.next())
        tok = lx.next()
    if tok[0] != "ident" or tok[1] != b"from":
        raise _Unsure
    _string_import(lx, start, "import", found)


def _export(lx: _Lexer, start: int, found: list[Import]) -> bool:
    """After `export`: a re-export or an export list (True), or another export (False: the
    header ends here)."""
    tok = lx.peek()
    if tok is None:
        raise _Unsure
    if any(c in lx.data[start : tok[2]] for c in (b"\n", b"\r")):
        raise _Unsure  # the tree ends the statement at a line break after `export`
    if tok[1] == b"type":
        lx.next()
        after = lx.peek()
        if after is None or after[1] not in (b"{", b"*"):
            return False  # export type X = …
        if any(c in lx.data[tok[3] : after[2]] for c in (b"\n", b"\r")):
            raise _Unsure
        tok = after
    if tok[1] == b"*":
        lx.next()
        nxt = lx.next()
        if nxt[1] == b"as":
            name = lx.next()
            if name[0] not in ("ident", "string"):
                raise _Unsure
            nxt = lx.next()
        if nxt[0] != "ident" or nxt[1] != b"from":
            raise _Unsure
        _string_import(lx, start, "export", found)
        return True
    if tok[1] == b"{":
        lx.next()
        _specifiers(lx, named=False)
        after = lx.peek()
        if after is not None and after[0] == "ident" and after[1] == b"from":
            lx.next()
            _string_import(lx, start, "export", found)
            return True
        # a local export list: `export { a, b };`
        semi = lx.peek()
        if semi is not None and semi[1] == b";":
            lx.next()
        return True
    return False


def header_imports(data: bytes) -> list[Import] | None:
    """The file's imports when all of them sit in its header (see the module docstring), in
    source order; None when the file needs a parse to tell."""
    if has_unusual_space(data, len(BOM) if data.startswith(BOM) else 0):
        return None
    lx = _Lexer(data)
    found: list[Import] = []
    try:
        while True:
            tok = lx.peek()
            if tok is None:
                return found
            kind, text, start, end = tok
            if kind == "string":  # a directive: "use client";
                lx.pos = end
                lx.end_of_statement()
                continue
            if kind == "ident" and text in (b"import", b"export") and _fast(lx, start, found):
                continue
            if kind == "ident" and text == b"import":
                lx.pos = end
                after = lx.peek()
                if after is None or after[1] in (b"(",) or after[0] == "other":
                    raise _Unsure  # import(), import.meta
                _import(lx, start, found)
                continue
            if kind == "ident" and text == b"export":
                lx.pos = end
                if _export(lx, start, found):
                    continue
            break
    except _Unsure:
        return None
    return found if _rest_is_import_free(data, start) else None


def _fast(lx: _Lexer, start: int, found: list[Import]) -> bool:
    m = _FAST.match(lx.data, start)
    if m is None:
        return False
    lx.pos = m.end()
    end = lx.end_of_statement()
    kind = "import" if lx.data.startswith(b"import", start) else "export"
    _record(found, lx.data, m.span("spec"), (start, end), kind)
    return True


def _has_word(data: bytes, word: bytes, start: int) -> bool:
    at = data.find(word, start)
    while at >= 0:
        # After a digit, the word may start a token (`1import` is a number, then `import`).
        before = data[at - 1 : at]
        if (before.isdigit() or not is_word_byte(data, at - 1)) and not is_word_byte(
            data, at + len(word)
        ):
            return True
        at = data.find(word, at + 1)
    return False


def _rest_is_import_free(data: bytes, start: int) -> bool:
    # Anything that could be an import the header did not hold.
    if _has_word(data, b"import", start) or _has_word(data, b"require", start):
        return False
    for m in _LATER_EXPORT.finditer(data, start):
        before = data[m.start() - 1 : m.start()]
        if not before.isdigit() and is_word_byte(data, m.start() - 1):
            continue  # part of a longer name
        if m.group(1) != b"{":
            return False  # export * …, export /* … */
        close = data.find(b"}", m.end())
        if close < 0:
            return False
        inside = data[m.end() : close]
        if any(c in inside for c in (b"/", b"'", b'"', b"`")):
            return False
        p = TRIVIA_RE.match(data, close + 1)
        after = p.end() if p is not None else close + 1
        if data.startswith(b"from", after) or data.startswith(b"/", close + 1):
            return False
    return True
