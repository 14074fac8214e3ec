"""TOML text: the parser (the standard library's, tomli before 3.11) and where each key and
value of a document is written, so that an error about a value names its line and column.

The parser gives values, not positions. `positions` reads the text again, after the parser has
accepted it, and records for every key path — the dotted table header and its key, quoted keys,
keys inside inline tables, the n-th `[[array-of-tables]]` entry, the n-th element of an array —
where its key and its value start. It is only called to report an error."""

from __future__ import annotations

import bisect
import contextlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]

_BLANK = re.compile(r"[ \t]*(?:#[^\n]*)?")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:"{1,2}(?!"))?', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'(?!''))*'''(?:'{1,2}(?!'))?")
# numbers, booleans, dates and times (a date and its time may be apart by a space)
_OTHER = re.compile(r"[0-9A-Za-z_.:+-]+(?: [0-9][0-9A-Za-z_.:+-]*)?")


def loads(text: str) -> dict[str, object]:
    """The document ``text`` holds (raises ValueError, tomllib's TOMLDecodeError, when it is
    not TOML)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    data: dict[str, object] = tomllib.loads(text)
    return data


def line_col(text: str, idx: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``idx``."""
    return text.count("\n", 0, idx) + 1, idx - text.rfind("\n", 0, idx)


@dataclass(frozen=True)
class _Spot:
    key: int  # offset of the key (of the table header, of an array's element)
    value: int  # offset of the value's first character


class Positions:
    """Where the keys and values of one TOML text are written."""

    def __init__(self, text: str, spots: dict[KeyPath, _Spot]) -> None:
        self._spots = spots
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(self, path: Sequence[str | int], *, key: bool = False) -> int | None:
        """The offset where the value at ``path`` starts (where its key does, with ``key``).
        A path that is not written (a key the document misses, or one pydantic extends with
        the name of a union's member) is placed at the value of the longest part that is."""
        for n in range(len(path), 0, -1):
            spot = self._spots.get(tuple(path[:n]))
            if spot is not None:
                return spot.key if key and n == len(path) else spot.value
        return None

    def line_col(self, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int] | None:
        """``offset(path, key=key)`` as a 1-based line and column."""
        idx = self.offset(path, key=key)
        if idx is None:
            return None
        line = bisect.bisect_right(self._line_starts, idx)
        return line, idx - self._line_starts[line - 1] + 1


def positions(text: str) -> Positions:
    """Where each key and value of ``text``, a document `loads` accepts, is written (what was
    read before anything unexpected, should the text not be TOML after all)."""
    reader = _Reader(text)
    with contextlib.suppress(_Unexpected):
        reader.document()
    return Positions(text, reader.spots)


class _Unexpected(Exception):
    """The text is not the TOML this reader expects: what was read so far is kept."""


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.spots: dict[KeyPath, _Spot] = {}

    # -- characters

    def peek(self) -> str:
        return self.text[self.i : self.i + 1]

    def skip(self, pattern: re.Pattern[str]) -> None:
        m = pattern.match(self.text, self.i)
        if m is not None:
            self.i = m.end()

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _Unexpected
        self.i += 1

    def record(self, path: KeyPath, key: int, value: int) -> None:
        # the first place a table or key is written is where it is defined
        self.spots.setdefault(path, _Spot(key, value))

    # -- the document

    def document(self) -> None:
        table: KeyPath = ()
        arrays: dict[KeyPath, int] = {}  # entries of each array of tables so far
        while True:
            self.skip(_BLANK_LINES)
            if self.i >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header(arrays)
            else:
                self.value(self.key_and_equals(table))
            self.skip(_BLANK)
            if self.peek() not in ("\n", "\r", ""):
                raise _Unexpected

    def header(self, arrays: dict[KeyPath, int]) -> KeyPath:
        """The path of the `[table]` or `[[array.entry]]` header at the cursor."""
        start = self.i
        array = self.text.startswith("[[", start)
        self.i += 2 if array else 1
        parts = self.dotted_key()
        self.expect("]")
        if array:
            self.expect("]")
        path: KeyPath = ()
        for n, (name, at) in enumerate(parts):
            path += (name,)
            if array and n == len(parts) - 1:
                arrays[path] = arrays.get(path, 0) + 1
                self.record(path, start, start)
                path += (arrays[path] - 1,)
            elif path in arrays:  # a table inside the latest entry of an array of tables
                path += (arrays[path] - 1,)
                continue
            self.record(path, at if n < len(parts) - 1 else start, start)
        return path

    def dotted_key(self) -> list[tuple[str, int]]:
        """The parts of the (dotted) key at the cursor, each with its offset."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip(_BLANK)
            at = self.i
            bare = _BARE_KEY.match(self.text, at)
            if bare is not None:
                name = bare.group()
                self.i = bare.end()
            else:
                quoted = _BASIC.match(self.text, at) or _LITERAL.match(self.text, at)
                if quoted is None:
                    raise _Unexpected
                # the parser decodes the escapes, exactly as it did for the document
                (name,) = loads(quoted.group() + " = 0")
                self.i = quoted.end()
            parts.append((name, at))
            self.skip(_BLANK)
            if self.peek() != ".":
                return parts
            self.i += 1

    def key_and_equals(self, table: KeyPath) -> KeyPath:
        """Read `key =` (the key dotted or not) in ``table``: the path of the value that
        follows, recorded with the key's offset and the value's."""
        parts = self.dotted_key()
        self.expect("=")
        self.skip(_BLANK)
        path = table
        for n, (name, at) in enumerate(parts):
            path += (name,)
            self.record(path, at, self.i if n == len(parts) - 1 else at)
        return path

    def value(self, path: KeyPath) -> None:
        """Read the value at the cursor, recording the keys of its inline tables and the
        elements of its arrays (with a stack: nesting may be as deep as the parser allowed)."""
        open_: list[tuple[str, KeyPath, int]] = []  # ("[" or "{", path, elements so far)
        expecting = True
        while True:
            if expecting:
                self.record(path, self.i, self.i)
                char = self.peek()
                if char in ("[", "{"):
                    self.i += 1
                    open_.append((char, path, 0))
                    path, expecting = self.first_member(open_)
                else:
                    self.scalar()
                    expecting = False
                continue
            if not open_:
                return
            path, expecting = self.next_member(open_)

    def first_member(self, open_: list[tuple[str, KeyPath, int]]) -> tuple[KeyPath, bool]:
        kind, container, _ = open_[-1]
        self.skip(_BLANK_LINES)
        if self.peek() == ("]" if kind == "[" else "}"):
            self.i += 1
            open_.pop()
            return container, False
        if kind == "[":
            return (*container, 0), True
        return self.key_and_equals(container), True

    def next_member(self, open_: list[tuple[str, KeyPath, int]]) -> tuple[KeyPath, bool]:
        kind, container, count = open_[-1]
        close = "]" if kind == "[" else "}"
        self.skip(_BLANK_LINES)
        if self.peek() == close:
            self.i += 1
            open_.pop()
            return container, False
        self.expect(",")
        self.skip(_BLANK_LINES)
        if self.peek() == close:  # a trailing comma
            self.i += 1
            open_.pop()
            return container, False
        open_[-1] = (kind, container, count + 1)
        if kind == "[":
            return (*container, count + 1), True
        return self.key_and_equals(container), True

    def scalar(self) -> None:
        for pattern in (_ML_BASIC, _ML_LITERAL, _BASIC, _LITERAL, _OTHER):
            m = pattern.match(self.text, self.i)
            if m is not None:
                self.i = m.end()
                return
        raise _Unexpected
