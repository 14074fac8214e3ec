"""Suppression comments.

Ours, with a mandatory reason:

    // orchestrator-ignore ANY001: the SDK's types are wrong here     (the next line)
    // orchestrator-ignore-file IMP002, ANY: generated client          (the whole file)

and, for migration, the other linters' own:

- eslint's ``eslint-disable-next-line``, ``eslint-disable-line`` and ``eslint-disable`` …
  ``eslint-enable`` ranges, naming a rule a validator declares as its ``ESLINT_EQUIVALENTS``
  or naming none (everything);
- Biome's ``biome-ignore`` (the next line), ``biome-ignore-all`` (the file, at its top) and
  ``biome-ignore-start`` … ``biome-ignore-end`` ranges, naming ``lint`` (everything), a group
  (``lint/suspicious``) or a rule a validator declares as its ``BIOME_EQUIVALENTS``
  (``lint/suspicious/noExplicitAny``), with Biome's own grammar: a comment Biome rejects (no
  reason, no colon) silences nothing here either.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .source import BOM, TRIVIA_RE, SourceFile

if TYPE_CHECKING:
    from tree_sitter import Node

# Comments are read with linear scanners: a pattern with adjacent quantifiers over the same
# characters (`[ \t]*[A-Za-z0-9_, \t]*[ \t]*`) backtracks for minutes on a comment of a few
# thousand spaces that ends in a character it does not expect.
_OURS_HEAD = re.compile(r"orchestrator-ignore(-file)?(?![\w-])")
_CODE_CHARS = re.compile(r"[A-Za-z0-9_, \t]*")
_ESLINT = re.compile(
    r"^eslint-(?P<kind>disable-next-line|disable-line|disable|enable)(?=\s|$)(?P<rest>.*)$", re.S
)
_KEYWORDS = re.compile(rb"orchestrator-ignore|eslint-(?:disable|enable)|/\*\s*eslint\s")
# /* eslint rule-a: "off", rule-b: 0 */ configures rules for the whole file
_INLINE_CONFIG = re.compile(r"^eslint\s+(?P<body>.*)$", re.S)
_RULE_NAME = re.compile(r"[@\w/.-]+")
_OFF = re.compile(r"""\s*:\s*(?:["']off["']|0|\[\s*(?:["']off["']|0)\b)""")

SUPPRESSION_CODE = "SUP001"


@dataclass
class Suppressions:
    """What the comments of one file silence."""

    file_codes: set[str] = field(default_factory=set)  # ours, whole file ("*" = all)
    line_codes: dict[int, set[str]] = field(default_factory=dict)  # ours: line -> codes
    # eslint's and Biome's directives: line -> rule names or Biome filters ("*": every rule)
    linter_lines: dict[int, set[str]] = field(default_factory=dict)
    linter_ranges: list[tuple[int, int, str]] = field(default_factory=list)  # (from, to, rule)
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, message)

    def silences(self, d: Diagnostic, names: Collection[str], honour_linters: bool) -> bool:
        """Whether ``d`` is silenced; ``names`` are its validator's eslint and Biome
        equivalents, and the linters' comments count only with ``honour_linters``."""
        if _match(d.code, self.file_codes) or _match(d.code, self.line_codes.get(d.line, ())):
            return True
        if not honour_linters:
            return False
        rules = self.linter_lines.get(d.line)
        if rules and any(_names(rule, names) for rule in rules):
            return True
        return any(
            start <= d.line <= end and _names(rule, names)
            for start, end, rule in self.linter_ranges
        )


def _match(code: str, codes: Iterable[str]) -> bool:
    return any(c == "*" or code.startswith(c) for c in codes)


def _names(rule: str, names: Collection[str]) -> bool:
    """Whether a directive's rule covers one of ``names``: everything, the rule itself, or
    (Biome) the group it belongs to (`lint/suspicious` covers `lint/suspicious/noConsole`)."""
    if rule == "*" or rule in names:
        return True
    return rule.startswith("lint/") and any(n.startswith(rule + "/") for n in names)


def _comment_at(source: SourceFile, offset: int) -> Node | None:
    # A comment is a leaf: the smallest node at the offset is the comment, or none of its
    # ancestors is one (walking up through them cost the square of the depth).
    node = source.tree.root_node.descendant_for_byte_range(offset, offset)
    return node if node is not None and node.type == "comment" else None


def _comment_body(text: str) -> tuple[str, bool]:
    """(the comment's text without its markers, whether it is a block comment)."""
    if text.startswith("/*"):
        return text[2 : -2 if text.endswith("*/") else None].strip(), True
    return text[2:].strip(), False


@dataclass(frozen=True)
class _Ours:
    """An `orchestrator-ignore[-file] CODES[: reason]` comment, read."""

    file: bool
    codes: str  # as written: codes separated by commas, spaces or tabs
    reason: str | None  # None without a colon


def _ours(body: str) -> _Ours | None:
    """The comment's body (its markers and surrounding white space stripped) read as ours:
    the keyword, codes (letters, digits, `_`, commas, spaces, tabs), then the end or a colon
    and a reason. None when the body is anything else. One pass over the body."""
    head = _OURS_HEAD.match(body)
    if head is None:
        return None
    codes = _CODE_CHARS.match(body, head.end())
    assert codes is not None  # the pattern matches the empty string
    end = codes.end()
    if end == len(body):
        return _Ours(head.group(1) is not None, codes.group().lstrip(" \t"), None)
    if body[end] != ":":
        return None
    reason = body[end + 1 :].strip(" \t")
    return _Ours(head.group(1) is not None, codes.group().lstrip(" \t"), reason)


def _add_ours(
    out: Suppressions, ours: _Ours, line: int, col: int, next_line: int, marker: str
) -> None:
    """Record an `orchestrator-ignore` comment (or the problem with it)."""
    codes = {c for c in re.split(r"[,\s]+", ours.codes) if c}
    if not codes:
        out.problems.append((line, col, "orchestrator-ignore needs the codes it silences"))
        return
    if not (ours.reason or "").strip():
        out.problems.append(
            (
                line,
                col,
                f"orchestrator-ignore {', '.join(sorted(codes))} needs a reason: "
                f"`{marker} orchestrator-ignore CODE: why`",
            )
        )
    if ours.file:
        out.file_codes |= codes
    else:
        out.line_codes.setdefault(next_line, set()).update(codes)


_PY_COMMENT = re.compile(rb"#[ \t]*(orchestrator-ignore[^\r\n]*)")


def _parse_python(source: SourceFile) -> Suppressions:
    """Ours only, in `#` comments (Python's own `# noqa` is the validators' business)."""
    out = Suppressions()
    for m in _PY_COMMENT.finditer(source.data):
        line, col = source.position(m.start())
        body = m.group(1).decode("utf-8", "replace").strip()
        ours = _ours(body)
        if ours is not None:
            _add_ours(out, ours, line, col, line + 1, "#")
    return out


def parse(source: SourceFile, biome_names: Collection[str] | None = None) -> Suppressions:
    """The suppression comments of ``source``. ``biome_names``: the Biome rules the file's
    findings answer to, when Biome's comments count (None: they do not); a file whose Biome
    comments name none of them, nor every rule, has them skipped without a parse."""
    if source.language == "python":
        return _parse_python(source)
    out = Suppressions()
    seen: set[int] = set()
    open_ranges: dict[str, int] = {}
    data = source.data
    last = len(source.line_starts()) + 1
    starts = [m.start() for m in _KEYWORDS.finditer(data)]
    biome: _Biome | None = None
    if biome_names is not None:
        # Biome reads its keyword in any case: a lowered copy keeps the scan a literal search
        # (a case-insensitive pattern would be several times slower).
        biome_starts = [m.start() for m in _BIOME_KEYWORD.finditer(data.lower())]
        if biome_starts and _biome_names_any(data, biome_starts, biome_names):
            biome = _Biome()
            starts = sorted(starts + biome_starts)
    for offset in starts:
        comment = _comment_at(source, offset)
        if comment is None or comment.start_byte in seen:
            continue
        seen.add(comment.start_byte)
        raw = source.text(comment)
        body, block = _comment_body(raw)
        line, col = source.position(comment.start_byte)
        end_line = source.position(comment.end_byte)[0]
        ours = _ours(body)
        if ours is not None:
            _add_ours(out, ours, line, col, end_line + 1, "//")
            continue
        directive = _ESLINT.match(body)
        if directive:
            _add_eslint(out, directive, block, line, end_line, open_ranges)
        elif block and (inline := _INLINE_CONFIG.match(body)):
            for rule in _rules_off(inline.group("body")):
                out.linter_ranges.append((1, last, rule))
        if biome is not None:
            for kind, filters in _biome_directives(raw):
                at_top = kind == "all" and _at_top(data, comment.start_byte)
                biome.add(out, kind, filters, line, end_line, at_top)
    out.linter_ranges.extend((start, last, r) for r, start in open_ranges.items())
    if biome is not None:
        biome.finish(out, last)
    return out


def _rules_off(body: str) -> Iterator[str]:
    """The rules an inline config (`eslint rule-a: "off", rule-b: [0]`) turns off. Each run of
    rule-name characters is read once: searching the value after every suffix of a long run
    made this quadratic."""
    pos = 0
    while (name := _RULE_NAME.search(body, pos)) is not None:
        off = _OFF.match(body, name.end())
        if off is None:
            pos = name.end()
            continue
        yield name.group()
        pos = off.end()


def _add_eslint(
    out: Suppressions,
    directive: re.Match[str],
    block: bool,
    line: int,
    end_line: int,
    open_ranges: dict[str, int],
) -> None:
    """Record an eslint directive comment, with eslint's rules for where each kind counts."""
    rest = directive.group("rest").split("--", 1)[0]
    rules = {r.strip() for r in rest.split(",") if r.strip()} or {"*"}
    kind = directive.group("kind")
    if kind == "disable-line":
        if line == end_line:  # eslint ignores a multi-line disable-line comment
            out.linter_lines.setdefault(line, set()).update(rules)
    elif kind == "disable-next-line":
        out.linter_lines.setdefault(end_line + 1, set()).update(rules)
    elif not block:
        return  # eslint honours eslint-disable/eslint-enable in block comments only
    elif kind == "disable":
        for r in rules:
            open_ranges.setdefault(r, line)
    else:
        for r in list(open_ranges) if rules == {"*"} else rules:
            start = open_ranges.pop(r, None)
            if start is not None:
                out.linter_ranges.append((start, line, r))


# --------------------------------------------------------------------------- Biome

# biome-ignore, biome-ignore-all, -start, -end: Biome matches the keyword in any case and with
# `-` or `_`; the suffix only as `-all` or `-ALL` (and so on).
_BIOME = re.compile(
    r"[bB][iI][oO][mM][eE][-_][iI][gG][nN][oO][rR][eE]"
    r"(?P<kind>-all|-ALL|-start|-START|-end|-END)?"
)
_BIOME_KEYWORD = re.compile(rb"biome[-_]ignore")  # searched in a lowered copy
_BIOME_SEPARATOR = re.compile(r"[:(\s]")
# The categories a suppression names: Biome rejects the whole comment for one it does not know.
_BIOME_CATEGORY = re.compile(r"(?:lint|assist|syntax|format)(?:/[\w-]+){0,2}")
_BIOME_LINE_MAX = 512


def _biome_directive(line: str, need_reason: bool = True) -> tuple[str, list[str]] | None:
    """(kind, lint filters) of one line of a comment that Biome reads as a suppression, or
    None. Kinds: line, all, start, end. Filters: `*` for `lint`, else `lint/group` or
    `lint/group/rule` (a rule's `(value)` dropped); other categories (format, assist, a
    plugin) are left out. Follows Biome's parser: categories up to a colon, each optionally
    with a `(value)`, then a reason that may not be empty (unless not ``need_reason``); a
    word that is no category (`lint`, `assist`, `syntax`, `format`, with up to two more
    segments) rejects the comment, as Biome's category registry does."""
    m = _BIOME.match(line)
    if m is None:
        return None
    kind = (m.group("kind") or "-line")[1:].lower()
    filters: list[str] = []
    pos, n = m.end(), len(line)
    while True:  # each pass consumes at least one character: linear in the line
        while pos < n and line[pos].isspace():
            pos += 1
        sep = _BIOME_SEPARATOR.search(line, pos)
        if sep is None:
            return None  # no colon: Biome rejects the comment
        category = line[pos : sep.start()]
        pos = sep.end()
        if category and not _BIOME_CATEGORY.fullmatch(category):
            return None
        if sep.group() == "(":
            close = line.find(")", pos)
            if not category or close < 0:
                return None
            pos = close + 1
        if category == "lint":
            filters.append("*")
        elif category.startswith("lint/") and not category.startswith("lint/plugin"):
            filters.append(category)
        if sep.group() == ":":
            break
    if need_reason and not line[pos:].strip():
        return None  # Biome requires a reason
    return kind, filters


def _biome_directives(text: str) -> Iterator[tuple[str, list[str]]]:
    """The Biome suppressions of a comment's text (markers included): a line comment is one
    line; each line of a block comment may hold one, after its leading `*`s."""
    block = text.startswith("/*")
    inner = text[2:-2] if block and text.endswith("*/") else text[2:]
    for raw in inner.splitlines() if block else (inner,):
        line = raw.lstrip()
        if block:
            line = line.lstrip("*").lstrip()
        found = _biome_directive(line)
        if found is not None and found[1]:
            yield found


def _biome_names_any(data: bytes, starts: list[int], names: Collection[str]) -> bool:
    """Whether a `biome-ignore` comment of ``data`` (its keywords at ``starts``) may silence a
    finding whose validator answers to ``names``: it names every rule, or one of them or its
    group. Read from the bytes after each keyword, without a parse: an over-approximation (a
    match outside a comment, or without a reason, only costs the parse that rules it out)."""
    for i, start in enumerate(starts):
        # Up to the end of the line, the next keyword (which Biome would not take for a rule,
        # rejecting the comment) or a bound: disjoint slices keep a line of many keywords
        # linear.
        stop = min(starts[i + 1] if i + 1 < len(starts) else len(data), start + _BIOME_LINE_MAX)
        end = data.find(b"\n", start, stop)
        line = data[start : end if end >= 0 else stop].decode("utf-8", "replace")
        found = _biome_directive(line, need_reason=False)
        if found is not None and any(_names(f, names) for f in found[1]):
            return True
    return False


def _at_top(data: bytes, offset: int) -> bool:
    """Whether nothing but white space and comments comes before ``offset``."""
    head = TRIVIA_RE.match(data, len(BOM) if data.startswith(BOM) else 0)
    return head is not None and head.end() >= offset


@dataclass
class _Biome:
    """A file's Biome suppressions, recorded as its comments are met, in order."""

    lines: dict[int, set[str]] = field(default_factory=dict)  # line -> filters
    last_target: int = 0  # the line the last `biome-ignore` applies to
    open: list[tuple[int, str]] = field(default_factory=list)  # biome-ignore-start: (line, filter)
    file: set[str] = field(default_factory=set)  # biome-ignore-all

    def add(
        self,
        out: Suppressions,
        kind: str,
        filters: list[str],
        line: int,
        end_line: int,
        at_top: bool,
    ) -> None:
        if kind == "line":
            # Biome applies it to the line after the comment; a run of suppression comments
            # on consecutive lines applies, all of it, to the line after the run.
            target = end_line + 1
            if self.last_target in (end_line, target):
                self.lines.setdefault(target, set()).update(self.lines.get(self.last_target, ()))
            self.lines.setdefault(target, set()).update(filters)
            self.last_target = target
        elif kind == "all":
            if at_top:  # Biome takes it only at the top of the file
                self.file.update(filters)
        elif kind == "start":
            self.open.extend((line, f) for f in filters)
        else:
            # biome-ignore-end closes the last range opened for the same filter (`lint`: the
            # last one opened), up to and including its own line.
            for f in filters:
                for i in range(len(self.open) - 1, -1, -1):
                    start, opened = self.open[i]
                    if f in ("*", opened):
                        del self.open[i]
                        out.linter_ranges.append((start, end_line, opened))
                        break

    def finish(self, out: Suppressions, last: int) -> None:
        for target, rules in self.lines.items():
            out.linter_lines.setdefault(target, set()).update(rules)
        # A start without an end runs to the end of the file (Biome reports the missing end).
        out.linter_ranges.extend((start, last, f) for start, f in self.open)
        out.linter_ranges.extend((1, last, f) for f in sorted(self.file))
