"""Suppression comments.

Ours, with a mandatory reason:

    // orchestrator-ignore ANY001: the SDK's types are wrong here     (the next line)
    // orchestrator-ignore-file IMP002, ANY: generated client          (the whole file)

and, for migration, eslint's: ``eslint-disable-next-line``, ``eslint-disable-line`` and
``eslint-disable`` … ``eslint-enable`` ranges, naming a rule a validator declares as its
``ESLINT_EQUIVALENTS`` or naming none (everything).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .source import SourceFile

if TYPE_CHECKING:
    from tree_sitter import Node

_OURS = re.compile(
    r"^orchestrator-ignore(?P<file>-file)?(?![\w-])[ \t]*(?P<codes>[A-Za-z0-9_, \t]*)"
    r"(?::[ \t]*(?P<reason>.*?))?[ \t]*$",
    re.S,
)
_ESLINT = re.compile(
    r"^eslint-(?P<kind>disable-next-line|disable-line|disable|enable)(?=\s|$)(?P<rest>.*)$", re.S
)
_KEYWORDS = re.compile(rb"orchestrator-ignore|eslint-(?:disable|enable)|/\*\s*eslint\s")
# /* eslint rule-a: "off", rule-b: 0 */ configures rules for the whole file
_INLINE_CONFIG = re.compile(r"^eslint\s+(?P<body>.*)$", re.S)
_RULE_OFF = re.compile(r"""(?P<rule>[@\w/.-]+)\s*:\s*(?:["']off["']|0|\[\s*(?:["']off["']|0)\b)""")

SUPPRESSION_CODE = "SUP001"


@dataclass
class Suppressions:
    """What the comments of one file silence."""

    file_codes: set[str] = field(default_factory=set)  # ours, whole file ("*" = all)
    line_codes: dict[int, set[str]] = field(default_factory=dict)  # ours: line -> codes
    eslint_lines: dict[int, set[str]] = field(default_factory=dict)  # line -> rules ("*" all)
    eslint_ranges: list[tuple[int, int, str]] = field(default_factory=list)  # (from, to, rule)
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, message)

    def silences(self, d: Diagnostic, eslint_names: Iterable[str], honour_eslint: bool) -> bool:
        if _match(d.code, self.file_codes) or _match(d.code, self.line_codes.get(d.line, ())):
            return True
        if not honour_eslint:
            return False
        names = set(eslint_names)
        rules = self.eslint_lines.get(d.line)
        if rules and ("*" in rules or rules & names):
            return True
        for start, end, rule in self.eslint_ranges:
            if start <= d.line <= end and (rule == "*" or rule in names):
                return True
        return False


def _match(code: str, codes: Iterable[str]) -> bool:
    return any(c == "*" or code.startswith(c) for c in codes)


def _comment_at(source: SourceFile, offset: int) -> Node | None:
    node = source.tree.root_node.descendant_for_byte_range(offset, offset)
    while node is not None:
        if node.type == "comment":
            return node
        node = node.parent
    return None


def _comment_body(text: str) -> tuple[str, bool]:
    """(the comment's text without its markers, whether it is a block comment)."""
    if text.startswith("/*"):
        return text[2 : -2 if text.endswith("*/") else None].strip(), True
    return text[2:].strip(), False


def _add_ours(
    out: Suppressions, ours: re.Match[str], line: int, col: int, next_line: int, marker: str
) -> None:
    """Record an `orchestrator-ignore` comment (or the problem with it)."""
    codes = {c for c in re.split(r"[,\s]+", ours.group("codes")) if c}
    if not codes:
        out.problems.append((line, col, "orchestrator-ignore needs the codes it silences"))
        return
    if not (ours.group("reason") or "").strip():
        out.problems.append(
            (
                line,
                col,
                f"orchestrator-ignore {', '.join(sorted(codes))} needs a reason: "
                f"`{marker} orchestrator-ignore CODE: why`",
            )
        )
    if ours.group("file"):
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
        ours = _OURS.match(body)
        if ours:
            _add_ours(out, ours, line, col, line + 1, "#")
    return out


def parse(source: SourceFile) -> Suppressions:
    if source.language == "python":
        return _parse_python(source)
    out = Suppressions()
    seen: set[int] = set()
    open_ranges: dict[str, int] = {}
    for m in _KEYWORDS.finditer(source.data):
        comment = _comment_at(source, m.start())
        if comment is None or comment.start_byte in seen:
            continue
        seen.add(comment.start_byte)
        body, block = _comment_body(source.text(comment))
        line, col = source.position(comment.start_byte)
        end_line = source.position(comment.end_byte)[0]
        ours = _OURS.match(body)
        if ours:
            _add_ours(out, ours, line, col, end_line + 1, "//")
            continue
        directive = _ESLINT.match(body)
        if not directive:
            inline = _INLINE_CONFIG.match(body) if block else None
            if inline:
                for rule in _RULE_OFF.finditer(inline.group("body")):
                    last_line = len(source.line_starts()) + 1
                    out.eslint_ranges.append((1, last_line, rule.group("rule")))
            continue
        rest = directive.group("rest").split("--", 1)[0]
        rules = {r.strip() for r in rest.split(",") if r.strip()} or {"*"}
        kind = directive.group("kind")
        if kind == "disable-line":
            if line == end_line:  # eslint ignores a multi-line disable-line comment
                out.eslint_lines.setdefault(line, set()).update(rules)
        elif kind == "disable-next-line":
            out.eslint_lines.setdefault(end_line + 1, set()).update(rules)
        elif not block:
            continue  # eslint honours eslint-disable/eslint-enable in block comments only
        elif kind == "disable":
            for r in rules:
                open_ranges.setdefault(r, line)
        else:
            for r in list(open_ranges) if rules == {"*"} else rules:
                start = open_ranges.pop(r, None)
                if start is not None:
                    out.eslint_ranges.append((start, line, r))
    last = len(source.line_starts()) + 1
    out.eslint_ranges.extend((start, last, r) for r, start in open_ranges.items())
    return out
