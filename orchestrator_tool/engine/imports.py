"""Imports of a file: every static import, re-export, require() and import() with a string
literal, read from the tree (or from the header alone, engine.import_lexer), and what a
statement takes from its module. Where each leads is engine.resolution's."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .import_model import Import, brace_contents, type_only_statement
from .memo import MemoKey
from .source import SourceFile

if TYPE_CHECKING:
    from tree_sitter import Node

_IMPORTS: MemoKey[list[Import]] = MemoKey("imports")


# require("x") and import("x") can sit anywhere; static imports and re-exports are top-level
# statements, which are walked directly (a query over the whole tree costs more).
CALLS_QUERY = """
(call_expression
  function: [(identifier) @fn (import) @fn]
  arguments: (arguments . (string (string_fragment) @spec))) @call
"""


def imports_of(source: SourceFile) -> list[Import]:
    """Every static import, re-export, require() and import() with a string literal."""
    cached = source.memo.get(_IMPORTS)
    if cached is not None:
        return cached
    if source.imports_from_header and not source.parsed:
        # Read from the header when that is certain: a file that only the import rules look
        # at is then never parsed.
        from .import_lexer import header_imports

        lexed = header_imports(source.data)
        if lexed is not None:
            return source.memo.put(_IMPORTS, lexed)
    return _tree_imports(source)


def _tree_imports(source: SourceFile) -> list[Import]:
    found: list[Import] = []
    for stmt in source.tree.root_node.children:
        kind = {"import_statement": "import", "export_statement": "export"}.get(stmt.type)
        if kind is None:
            continue
        src = stmt.child_by_field_name("source")
        if src is None and kind == "import":
            # import x = require("x")
            for child in stmt.named_children:
                if child.type == "import_require_clause":
                    src = child.child_by_field_name("source")
                    kind = "require"
        frag = string_fragment(src)
        if frag is None:
            continue
        found.append(
            Import(
                specifier=source.text(frag),
                start=frag.start_byte,
                end=frag.end_byte,
                statement_start=stmt.start_byte,
                statement_end=stmt.end_byte,
                type_only=kind in ("import", "export") and _type_only(source, stmt),
                kind=kind,
            )
        )
    data = source.data
    if b"require(" in data or b"import(" in data:
        from tree_sitter import QueryCursor

        from .queries import compile_query

        query = compile_query(source.grammar, CALLS_QUERY)
        for _, caps in QueryCursor(query).matches(source.tree.root_node):
            fn, spec, call = caps.get("fn"), caps.get("spec"), caps.get("call")
            if not fn or not spec or not call:
                continue
            name = source.text(fn[0])
            if name not in ("require", "import"):
                continue
            found.append(
                Import(
                    specifier=source.text(spec[0]),
                    start=spec[0].start_byte,
                    end=spec[0].end_byte,
                    statement_start=call[0].start_byte,
                    statement_end=call[0].end_byte,
                    type_only=False,
                    kind="require" if name == "require" else "dynamic",
                )
            )
    found.sort(key=lambda i: i.start)
    return source.memo.put(_IMPORTS, found)


def string_fragment(string_node: Node | None) -> Node | None:
    """The text node of a string literal (None for anything else, or an empty string)."""
    if string_node is None or string_node.type != "string":
        return None
    for child in string_node.named_children:
        if child.type == "string_fragment":
            return child
    return None


def _type_only(source: SourceFile, stmt: Node) -> bool:
    return type_only_statement(source.data[stmt.start_byte : stmt.end_byte])


_FROM = re.compile(rb"\sfrom\s")
_HEAD = re.compile(rb"^\s*(?:import|export)\s+(?:type\s+)?")
_DEFAULT = re.compile(rb"([A-Za-z_$][\w$]*)\s*(?:,|$)")
_NAMESPACE = re.compile(rb"\*\s*as\s+([A-Za-z_$][\w$]*)")
_ITEM = re.compile(rb"([\w$]+)(?:\s+as\s+([\w$]+))?$")
_TYPE_ITEM = re.compile(rb"^\s*type\s+")


def bindings(statement: bytes, kind: str) -> list[tuple[str, str]] | None:
    """What an import or re-export statement takes from its module, as (name exported there,
    local name) pairs: `default` for a default import, `*` for a namespace (`* as ns`); [] for a
    side-effect import (`import "x"`); None for `export * from`, a require() or an import()
    (what they take is not in the statement)."""
    if kind not in ("import", "export"):
        return None
    parts = _FROM.split(statement, maxsplit=1)
    if len(parts) != 2:
        return [] if kind == "import" else None
    head = _HEAD.sub(b"", parts[0]).strip()
    out: list[tuple[str, str]] = []
    default = _DEFAULT.match(head)
    if default is not None and kind == "import":
        out.append(("default", default.group(1).decode()))
    namespace = _NAMESPACE.search(head)
    if namespace is not None:
        out.append(("*", namespace.group(1).decode()))
    elif kind == "export" and head.startswith(b"*"):
        return None
    braces = brace_contents(head)
    for raw in braces.split(b",") if braces is not None else []:
        m = _ITEM.match(_TYPE_ITEM.sub(b"", raw.strip()))
        if m:
            out.append((m.group(1).decode(), (m.group(2) or m.group(1)).decode()))
    return out
