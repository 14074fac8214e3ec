"""One glob dialect: workspace globs (pnpm-workspace.yaml, package.json `workspaces`) and
turbo's `globalDependencies`, plus the syntax check of the gitignore-style globs of
orchestrator.toml and `.eslintignore`.

``*`` ``?`` ``[...]`` stay inside one path segment; ``**`` as a whole segment crosses any
number of them; ``{a,b}`` is an alternation (expanded before matching, so it may hold '/').
Unless ``dot``, no wildcard matches a leading '.' of a segment (as pnpm's and turbo's globs).

A glob comes from a file in the repository, which is untrusted input, so:

- a syntax error (an unclosed '{' or '[', an empty or reversed set) is a ``GlobSyntaxError``
  with the column, which the caller turns into a ``file:line:col`` error;
- the size of a glob is bounded (length, brace nesting and expansions);
- the regex it becomes matches in time linear in the path (times the glob's length): every
  `*` and `**` but the last of a segment or a path is an atomic, leftmost group, the
  construction fnmatch uses, so `*a*a*a*a*b` cannot backtrack exponentially on a long name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TypeAlias

from ..errors import InputError

MAX_LENGTH = 4096
MAX_BRACE_DEPTH = 8
MAX_EXPANSIONS = 256


class GlobSyntaxError(ValueError):
    """A glob that cannot be read; ``column`` is 1-based within the glob."""

    def __init__(self, message: str, column: int, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.hint = hint


# Plain classes with __slots__: a dataclass costs half a millisecond to define, and this
# module is imported by every command, the pre-commit hook's included.
class _Class:
    """A set, ``[...]``: (low, high) ranges, a single character being (c, c)."""

    __slots__ = ("items", "negated")

    def __init__(self, negated: bool, items: tuple[tuple[str, str], ...]) -> None:
        self.negated = negated
        self.items = items

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Class) and (self.negated, self.items) == (
            other.negated,
            other.items,
        )

    def __hash__(self) -> int:
        return hash((self.negated, self.items))


_Token: TypeAlias = "str | _Class"  # a literal character, "*", "?", "/" or a set; "**" a globstar


class _Alt:
    """``{a,b}``: each alternative a token list (may hold more alternations)."""

    __slots__ = ("options",)

    def __init__(self, options: tuple[tuple[_Node, ...], ...]) -> None:
        self.options = options


_Node: TypeAlias = "str | _Class | _Alt"


def _read_class(pattern: str, i: int) -> tuple[_Class, int]:
    """The set starting at ``pattern[i] == '['``; returns it and the index after its ']'."""
    n = len(pattern)
    j = i + 1
    negated = j < n and pattern[j] in "!^"
    if negated:
        j += 1
    start = j
    if j < n and pattern[j] == "]":  # a ']' right after '[' (or '[!') is a member (POSIX)
        j += 1
    end = pattern.find("]", j)
    if end < 0:
        if pattern[start : start + 1] == "]":
            raise GlobSyntaxError(
                f"empty set {pattern[i : start + 1]!r}: it matches nothing",
                i + 1,
                "remove it, or write '[[]' and '[]]' for a literal '[' or ']'",
            )
        raise GlobSyntaxError(
            "'[' is not closed", i + 1, "close the set with ']', or write '[[]' for a literal '['"
        )
    body = pattern[start:end]
    items: list[tuple[str, str]] = []
    k = 0
    while k < len(body):
        lo = body[k]
        if k + 2 < len(body) and body[k + 1] == "-":
            hi = body[k + 2]
            if lo > hi:
                raise GlobSyntaxError(
                    f"range '{lo}-{hi}' is reversed",
                    start + k + 1,
                    f"write it from low to high: '{hi}-{lo}'",
                )
            items.append((lo, hi))
            k += 3
        else:
            items.append((lo, lo))
            k += 1
    return _Class(negated, tuple(items)), end + 1


def _parse(pattern: str) -> tuple[_Node, ...]:
    if len(pattern) > MAX_LENGTH:
        raise GlobSyntaxError(
            f"the glob is longer than {MAX_LENGTH} characters", MAX_LENGTH + 1, "shorten it"
        )
    # stack of (the '{' column, the options closed so far, the open option's nodes)
    stack: list[tuple[int, list[tuple[_Node, ...]], list[_Node]]] = []
    current: list[_Node] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "[":
            cls, i = _read_class(pattern, i)
            current.append(cls)
            continue
        if c == "{":
            if len(stack) >= MAX_BRACE_DEPTH:
                raise GlobSyntaxError(
                    f"braces nested more than {MAX_BRACE_DEPTH} deep", i + 1, "flatten them"
                )
            stack.append((i + 1, [], current))
            current = []
        elif c == "," and stack:
            stack[-1][1].append(tuple(current))
            current = []
        elif c == "}" and stack:
            _, options, outer = stack.pop()
            options.append(tuple(current))
            outer.append(_Alt(tuple(options)))
            current = outer
        elif c == "*" and pattern[i : i + 2] == "**":
            current.append("**")
            i += 2
            while i < n and pattern[i] == "*":
                i += 1
            continue
        else:
            current.append(c)  # '*', '?', '/' and literals; a stray '}' is a literal
        i += 1
    if stack:
        raise GlobSyntaxError(
            "'{' is not closed", stack[-1][0], "close the alternatives with '}': {a,b}"
        )
    return tuple(current)


def _expand(nodes: tuple[_Node, ...], column: int) -> list[tuple[_Token, ...]]:
    out: list[tuple[_Token, ...]] = [()]
    for node in nodes:
        if isinstance(node, _Alt):
            tails = [t for option in node.options for t in _expand(option, column)]
            out = [head + tail for head in out for tail in tails]
        else:
            out = [(*head, node) for head in out]
        if len(out) > MAX_EXPANSIONS:
            raise GlobSyntaxError(
                f"the braces expand to more than {MAX_EXPANSIONS} globs",
                column,
                "split it into a few simpler globs",
            )
    return out


def _alternatives(pattern: str) -> list[tuple[_Token, ...]]:
    nodes = _parse(pattern)
    first_brace = pattern.find("{") + 1 or 1
    return list(dict.fromkeys(_expand(nodes, first_brace)))


def check(pattern: str) -> None:
    """Raise ``GlobSyntaxError`` when ``pattern`` is not a glob of this dialect."""
    _alternatives(pattern)


def expand_braces(pattern: str) -> list[str]:
    """``pattern`` with its alternations expanded (`{apps,packages}/*` → two globs)."""
    return ["".join(_text(t) for t in alt) for alt in _alternatives(pattern)]


def _text(token: _Token) -> str:
    if isinstance(token, _Class):
        body = "".join(lo if lo == hi else f"{lo}-{hi}" for lo, hi in token.items)
        return f"[{'!' if token.negated else ''}{body}]"
    return token


# --------------------------------------------------------------------------- regex


def _class_regex(cls: _Class) -> str:
    def esc(ch: str) -> str:
        return "\\" + ch if ch in "\\]^-[" else ch

    body = "".join(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}" for lo, hi in cls.items)
    # A set never matches '/': the segments are what the globs walk.
    return f"[^/{body}]" if cls.negated else f"(?!/)[{body}]"


def _single(token: _Token) -> str:
    if isinstance(token, _Class):
        return _class_regex(token)
    if token == "?":
        return "[^/]"
    return re.escape(token)


class _Atomic:
    """A group the regex engine does not backtrack into once it matched."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[_Part, ...]) -> None:
        self.parts = parts


_Part: TypeAlias = "str | _Atomic"


def _render(parts: tuple[_Part, ...], names: list[int]) -> str:
    out: list[str] = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        else:
            # `(?>...)` needs Python 3.11; a lookahead is atomic too, and the backreference
            # then consumes what it matched (fnmatch's construction).
            names.append(len(names))
            name = f"a{names[-1]}"
            out.append(f"(?=(?P<{name}>{_render(p.parts, names)}))(?P={name})")
    return "".join(out)


def _segment_regex(tokens: list[_Token], nodot: str) -> tuple[_Part, ...]:
    """One segment (no '/', no globstar): the head, then each `*` but the last as an atomic
    lazy group up to the fixed-width piece after it, then `[^/]*` and the tail."""
    stars = [k for k, t in enumerate(tokens) if t in ("*", "**")]
    wild_start = bool(tokens) and (tokens[0] in ("*", "**", "?") or isinstance(tokens[0], _Class))
    lead = nodot if wild_start else ""
    if not stars:
        return (lead + "".join(_single(t) for t in tokens),)
    out: list[_Part] = [lead + "".join(_single(t) for t in tokens[: stars[0]])]
    for a, b in pairwise(stars):
        mid = "".join(_single(t) for t in tokens[a + 1 : b])
        if mid:
            out.append(_Atomic((f"[^/]*?{mid}",)))
    out.append("[^/]*" + "".join(_single(t) for t in tokens[stars[-1] + 1 :]))
    return tuple(out)


def _alternative_regex(tokens: tuple[_Token, ...], nodot: str) -> tuple[_Part, ...]:
    segments: list[list[_Token]] = [[]]
    for t in tokens:
        if t == "/":
            segments.append([])
        else:
            segments[-1].append(t)
    # Runs of globstar segments are one globstar.
    merged: list[list[_Token] | None] = []  # None: a globstar segment
    for seg in segments:
        if seg == ["**"]:
            if not merged or merged[-1] is not None:
                merged.append(None)
        else:
            merged.append(seg)
    any_seg = rf"{nodot}[^/]*"
    out: list[_Part] = []
    k = 0
    while k < len(merged):
        here = merged[k]
        if here is not None:
            out.extend(_segment_regex(here, nodot))
            if k + 1 < len(merged):
                out.append("/")
            k += 1
            continue
        rest = merged[k + 1 :]
        if not rest:  # a trailing globstar: anything below, or nothing
            out.append(rf"(?:{any_seg}(?:/{any_seg})*)?")
            break
        nxt = next((j for j, s in enumerate(rest) if s is None), None)
        chunk: list[_Part] = []
        for j, s in enumerate(rest if nxt is None else rest[:nxt]):
            if s is not None:
                chunk.extend((["/"] if j else []) + list(_segment_regex(s, nodot)))
        if nxt is None:
            out.append(rf"(?:{any_seg}/)*")
            out.extend(chunk)
            break
        # Skip the fewest segments before the chunk, and commit: the globstar after it can
        # take whatever a later occurrence of the chunk would have left.
        out.append(_Atomic((rf"(?:{any_seg}/)*?", *chunk, "/")))
        k += 1 + nxt
    return tuple(out)


@lru_cache(maxsize=512)
def glob_to_regex(pattern: str, *, dot: bool = False) -> re.Pattern[str]:
    """The regex matching the POSIX relative paths ``pattern`` matches (a trailing '/'
    allowed). ``GlobSyntaxError`` for a glob that cannot be read."""
    nodot = "" if dot else r"(?!\.)"
    names: list[int] = []
    alts = [_render(_alternative_regex(t, nodot), names) + r"/?\Z" for t in _alternatives(pattern)]
    return re.compile(alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")")


def matches_any(patterns: Iterable[str], path: str) -> bool:
    """Whether the relative POSIX ``path`` matches one of ``patterns`` (dot files included:
    these are path filters, such as a validator's ``ignore`` option)."""
    return any(glob_to_regex(p, dot=True).match(path) for p in patterns)


# --------------------------------------------------------------------------- gitignore dialect


def check_gitignore(pattern: str) -> None:
    """Raise ``GlobSyntaxError`` when a gitignore-style glob cannot be compiled (pathspec,
    which reads them, fails on a reversed range or a trailing backslash)."""
    if len(pattern) > MAX_LENGTH:
        raise GlobSyntaxError(
            f"the glob is longer than {MAX_LENGTH} characters", MAX_LENGTH + 1, "shorten it"
        )
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, re.error) as exc:  # GitIgnorePatternError is a ValueError
        column = 1
        i = pattern.find("[")
        while i >= 0:
            try:
                _read_class(pattern, i)
            except GlobSyntaxError as bad:
                if "reversed" in bad.message:
                    raise bad from None
            i = pattern.find("[", i + 1)
        if pattern.rstrip(" ").endswith("\\"):
            raise GlobSyntaxError(
                "a trailing '\\' escapes nothing",
                len(pattern.rstrip(" ")),
                "remove it, or write '\\\\' for a literal backslash",
            ) from None
        raise GlobSyntaxError(
            f"not a valid gitignore pattern ({exc})", column, "see `man gitignore`"
        ) from None


def located_error(
    exc: GlobSyntaxError,
    *,
    what: str,
    glob: str,
    path: Path,
    position: tuple[int, int] | None,
    offset: int = 0,
) -> InputError:
    """``exc`` as a ``file:line:col`` error: ``position`` is where the glob's value starts in
    the file (its opening quote, if any), ``offset`` where the checked text starts in it."""
    line = column = None
    if position is not None:
        line, column = position
        try:
            text_line = path.read_text("utf-8", "replace").splitlines()[line - 1]
        except (OSError, IndexError):
            text_line = ""
        if text_line[column - 1 : column] in ("'", '"'):
            column += 1
        column += offset + exc.column - 1
    return InputError(
        f"{what} {glob[:200]!r}: {exc.message}", path=path, line=line, column=column, hint=exc.hint
    )
