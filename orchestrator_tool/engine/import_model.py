"""What the import rules know of one import: the statement and its specifier (``Import``),
where the specifier leads (``Resolution``), and whether the statement brings in types only.

The tree reader (engine.imports) and the header lexer (engine.import_lexer) both make
``Import`` records: they share this module, and neither imports the other's."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Import:
    specifier: str
    start: int  # byte span of the specifier text (inside the quotes)
    end: int
    statement_start: int
    statement_end: int
    type_only: bool
    kind: str  # import | export | require | dynamic


@dataclass(frozen=True, slots=True)
class Resolution:
    kind: str  # relative | alias | workspace | external | builtin | protocol | unresolved
    path: str | None = None  # the target, relative to the monorepo root (may not exist)
    exists: bool = False
    package: str | None = None  # workspace package name, or external package name
    subpath: str = ""  # for packages: "" or "./x/y"
    via_alias: str | None = None  # the tsconfig `paths` pattern used


_TYPE_ONLY = re.compile(rb"^(?:import|export)\s+type\b")


def brace_contents(head: bytes) -> bytes | None:
    """What the first `{` of a statement's head holds, up to the next `}` (None without one).
    Two finds: searching `{[^}]*}` scanned to the end from every `{` of a head without `}`."""
    start = head.find(b"{")
    end = head.find(b"}", start + 1) if start >= 0 else -1
    return head[start + 1 : end] if end >= 0 else None


def type_only_statement(text: bytes) -> bool:
    """Whether an import or re-export statement brings in types only."""
    if b"type" not in text:
        return False
    if _TYPE_ONLY.match(text):
        return True
    # `import { type A, type B } from "x"`: every named import is a type
    head = text.split(b"from", 1)[0]
    if head.strip().startswith(b"import {") or head.strip().startswith(b"export {"):
        inside = brace_contents(head)
        if inside is not None:
            names = [n.strip() for n in inside.split(b",") if n.strip()]
            return bool(names) and all(n.startswith(b"type ") for n in names)
    return False
