"""Server entry points of a file: Next.js App Router route handlers, server actions, Pages
Router API handlers — the functions the semantic validators look inside."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine.memo import MemoKey
from ..engine.source import BOM, TRIVIA, TRIVIA_RE, has_unusual_space

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile

_MODULE_DIRECTIVE: MemoKey[str | None] = MemoKey("module_directive")
# A route file's `export const { GET, POST } = factory(…)`: (method, the factory call)
_FACTORY_EXPORTS: MemoKey[list[tuple[str, Node]]] = MemoKey("factory_exports")
_ENTRY_POINTS: MemoKey[list[EntryPoint]] = MemoKey("entry_points")

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "generator_function_declaration",
    }
)
# Route handlers live in app/**/route.ts; a route.ts elsewhere exporting GET/POST/… is one
# too, re-exported by an app/ route (`export { POST } from "@/modules/billing/api/route"`).
_ROUTE_FILE = re.compile(r"(^|/)route\.(ts|tsx|js|jsx|mjs)$")
_PAGES_API = re.compile(r"(^|/)pages/api/.+\.(ts|tsx|js|jsx|mjs)$")
# Files that can define entry points without saying "use server": for PREFILTER_EXEMPT_PATHS.
ENTRY_POINT_PATHS = f"{_ROUTE_FILE.pattern}|{_PAGES_API.pattern}"


@dataclass(frozen=True)
class EntryPoint:
    kind: str  # route | action | pages-api
    name: str  # GET, POST, the action's name, "default"
    function: Node  # the function node that handles the request
    export: Node  # the node to report at when nothing more precise applies
    wrapped: bool = (
        False  # the function is handed to a wrapper call (withAuth(...), client.action(...))
    )
    validated_by: str | None = (
        None  # "schema": a library validates the input (next-safe-action, tRPC)
    )


_SCHEMA_CHAIN = re.compile(rb"\.(?:schema|inputSchema|input)\s*[<(]")


def directive(body: Node | None, source: SourceFile) -> str | None:
    """The leading "use server" / "use client" directive of a program or function body."""
    if body is None:
        return None
    for child in body.named_children:
        if child.type in ("comment", "hash_bang_line"):
            continue
        inner_nodes = [c for c in child.named_children if c.type != "comment"]
        if child.type == "expression_statement" and len(inner_nodes) == 1:
            inner = inner_nodes[0]
            if inner.type == "string":
                text = source.text(inner)[1:-1]
                if text in ("use server", "use client"):
                    return text
        return None
    return None


_LEADING_TRIVIA = re.compile(b"(?:" + BOM + rb")?(?:#![^\n]*)?" + TRIVIA, re.S)
_PLAIN_STRING = re.compile(rb"'[^'\\\n\r]*'|\"[^\"\\\n\r]*\"")
# After a line break, these may continue the string's expression instead of ending it.
_CONTINUES = re.compile(rb"[.(\[+\-*/%?,=<>&|^!`]|(?:in|instanceof|as|satisfies)(?![\w$])")


def module_directive(source: SourceFile) -> str | None:
    """The file's "use server" / "use client" directive, read from its first bytes when that
    is certain (the file is then not parsed for it); from the tree when it is not."""
    return source.memo.once(_MODULE_DIRECTIVE, lambda: _read_module_directive(source))


def _read_module_directive(source: SourceFile) -> str | None:
    data = source.data
    lead = _LEADING_TRIVIA.match(data)
    pos = lead.end() if lead is not None else 0
    found: str | None = None
    string = _PLAIN_STRING.match(data, pos)
    seen = pos  # how far the bytes were read
    if string is None:
        # not a string (no directive), unless: an escape, no closing quote, a late hashbang
        sure = data[pos : pos + 1] not in (b"'", b'"', b"#")
    else:
        end = seen = string.end()
        while data[end : end + 1] in (b" ", b"\t"):
            end += 1
        after = data[end : end + 1]
        if after in (b";", b""):
            sure = True
        elif after in (b"\n", b"\r") or data.startswith(b"//", end):
            rest = TRIVIA_RE.match(data, end)
            seen = rest.end() if rest is not None else end
            sure = _CONTINUES.match(data, seen) is None
        else:
            sure = False
        text = string.group()[1:-1].decode("utf-8", "replace")
        if text in ("use server", "use client"):
            found = text
    # Spaces outside ASCII where the bytes were read: the tree reads them as white space.
    if sure and has_unusual_space(data[: seen + 4], len(BOM) if data.startswith(BOM) else 0):
        sure = False
    if not sure:
        found = directive(source.tree.root_node, source)
    return found


def function_body(fn: Node) -> Node | None:
    return fn.child_by_field_name("body")


def parameters(fn: Node) -> list[Node]:
    params = fn.child_by_field_name("parameters")
    if params is None:
        single = fn.child_by_field_name("parameter")  # `x => ...`
        return [single] if single is not None else []
    return [p for p in params.named_children if p.type != "comment"]


def innermost_function(
    node: Node | None, local: dict[str, Node], source: SourceFile
) -> Node | None:
    """The function a value stands for: itself, a local function it names, or the first
    function argument of a wrapper call (`withAuth(async (req) => ...)`), searched inwards."""
    if node is None:
        return None
    if node.type in FUNCTION_TYPES:
        return node
    if node.type in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        inner = node.named_children[0] if node.named_children else None
        return innermost_function(inner, local, source)
    if node.type == "identifier":
        return local.get(source.text(node))
    if node.type == "call_expression":
        args = node.child_by_field_name("arguments")
        for arg in args.named_children if args is not None else []:
            found = innermost_function(arg, local, source)
            if found is not None:
                return found
    if node.type == "object":  # withApiWrapper({ schemas, handler: async ({ req }) => … })
        for pair in node.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is not None and source.text(key) == "handler":
                return innermost_function(pair.child_by_field_name("value"), local, source)
    return None


def _local_functions(root: Node, source: SourceFile) -> dict[str, Node]:
    """Top-level names bound to a function: declarations, and consts whose value is one or
    wraps one — `const handler = withAxiom(webhookHandler)` included, whichever comes first."""
    out: dict[str, Node] = {}
    pending: list[tuple[str, Node]] = []  # consts that may wrap a function declared elsewhere
    for child in root.named_children:
        decl = (
            child.child_by_field_name("declaration") if child.type == "export_statement" else child
        )
        if decl is None:
            continue
        if decl.type in ("function_declaration", "generator_function_declaration"):
            declared = _text(decl.child_by_field_name("name"), source)
            if declared:
                out[declared] = decl
        elif decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                if d.type != "variable_declarator":
                    continue
                name, value = d.child_by_field_name("name"), d.child_by_field_name("value")
                text = source.text(name) if name is not None else ""
                if name is not None and name.type == "identifier" and text and value is not None:
                    pending.append((text, value))
    first: dict[str, Node] = {}
    for known in (first, out):  # functions first, then what wraps or names them
        for bound, value in pending:
            fn = innermost_function(value, known, source) if bound not in out else None
            if fn is not None:
                out[bound] = fn
    return out


def _exports(
    root: Node, local: dict[str, Node], source: SourceFile
) -> Iterator[tuple[str, Node | None, Node]]:
    """(exported name, the function it names or None, the export node)."""
    for child in root.named_children:
        if child.type != "export_statement":
            continue
        is_default = source.data.startswith(b"export default", child.start_byte, child.end_byte)
        decl = child.child_by_field_name("declaration")
        value = child.child_by_field_name("value")
        if decl is not None and decl.type in (
            "function_declaration",
            "generator_function_declaration",
        ):
            declared = _text(decl.child_by_field_name("name"), source)
            yield ("default" if is_default else declared or "default"), decl, child
        elif decl is not None and decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                if d.type == "variable_declarator":
                    name = d.child_by_field_name("name")
                    if name is not None and name.type == "identifier" and _text(name, source):
                        yield (
                            source.text(name),
                            innermost_function(d.child_by_field_name("value"), local, source),
                            child,
                        )
        elif is_default:
            target = (
                value
                if value is not None
                else next((c for c in child.named_children if c.type not in ("comment",)), None)
            )
            yield "default", innermost_function(target, local, source), child
        else:
            for clause in child.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    if not _text(name, source):
                        continue
                    yield _text(alias or name, source), local.get(_text(name, source)), child


def factory_exports(source: SourceFile) -> list[tuple[str, Node]]:
    """Route handlers a call makes rather than a function written here:
    `export const { GET, POST } = createRouteHandler({ router })`, `export const POST =
    makeHandler(opts)`, `const handler = makeHandler(opts); export { handler as GET }`.
    (exported name, the call), for analysis.factories to follow into the factory's definition.
    A call handed a handler (`withAuth(async (req) => …)`, `withApiWrapper({ handler })`) is a
    wrapper: the handler it is handed is the entry point, not what the wrapper returns."""
    if not _ROUTE_FILE.search(source.path):
        return []
    cached = source.memo.get(_FACTORY_EXPORTS)
    if cached is not None:
        return cached
    wanted = HTTP_METHODS
    root = source.tree.root_node
    local = _local_functions(root, source)
    values: dict[str, Node] = {}  # top-level const name -> value
    for child in root.named_children:
        decl = (
            child.child_by_field_name("declaration") if child.type == "export_statement" else child
        )
        for d in decl.named_children if decl is not None and decl.type in _DECLARATIONS else []:
            bound, value = d.child_by_field_name("name"), d.child_by_field_name("value")
            if (
                d.type == "variable_declarator"
                and bound is not None
                and bound.type == "identifier"
                and value is not None
            ):
                values[source.text(bound)] = value
    out: list[tuple[str, Node]] = []
    for name, fn, export in _exports(root, local, source):
        if fn is not None or name not in wanted:
            continue
        target = values.get(name)
        if export.child_by_field_name("declaration") is None:  # export { handler as GET }
            spec = _clause_local(export, name, source)
            target = values.get(spec) if spec is not None else None
        call = _factory_call(target, values)
        if call is not None:
            out.append((name, call))
    for child in root.named_children:  # export const { GET, POST } = createRouteHandler(…)
        decl = (
            child.child_by_field_name("declaration") if child.type == "export_statement" else None
        )
        for d in decl.named_children if decl is not None and decl.type in _DECLARATIONS else []:
            pattern, value = d.child_by_field_name("name"), d.child_by_field_name("value")
            if pattern is None or pattern.type != "object_pattern":
                continue
            call = _factory_call(value, values)
            for prop in pattern.named_children if call is not None else []:
                key = prop.child_by_field_name("key") if prop.type == "pair_pattern" else prop
                if key is not None and call is not None and source.text(key) in wanted:
                    out.append((source.text(key), call))
    return source.memo.put(_FACTORY_EXPORTS, out)


_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


def _clause_local(export: Node, exported: str, source: SourceFile) -> str | None:
    """The local name `export { handler as GET }` exports as ``exported``."""
    for clause in export.named_children:
        for spec in clause.named_children if clause.type == "export_clause" else []:
            name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
            if name is not None and source.text(alias or name) == exported:
                return source.text(name)
    return None


def _factory_call(node: Node | None, values: dict[str, Node]) -> Node | None:
    """The call a value is, through parentheses and casts and one top-level const
    (`const handlers = createHandlers(opts); export const { GET } = handlers`)."""
    for _ in range(2):
        while node is not None and node.type in (
            "parenthesized_expression",
            "as_expression",
            "satisfies_expression",
            "await_expression",
        ):
            node = node.named_children[0] if node.named_children else None
        if node is not None and node.type == "identifier":
            node = values.get(node.text.decode() if node.text else "")
            continue
        break
    if node is None or node.type != "call_expression":
        return None
    args = node.child_by_field_name("arguments")
    for arg in args.named_children if args is not None else []:
        if arg.type in FUNCTION_TYPES or (
            arg.type == "object"
            and any(
                p.type in ("pair", "shorthand_property_identifier", "method_definition")
                and (p.child_by_field_name("key") or p.child_by_field_name("name") or p).text
                == b"handler"
                for p in arg.named_children
            )
        ):
            return None  # a wrapper handed its handler
    return node


def distinct_entry_points(source: SourceFile) -> list[tuple[EntryPoint, str]]:
    """Each handler function once, with every name it is exported under (`GET, POST` for
    `export const GET = handler; export const POST = handler`): its first export, the one that
    defines it, stands for the rest."""
    firsts: dict[int, EntryPoint] = {}
    names: dict[int, list[str]] = {}
    for ep in entry_points(source):
        firsts.setdefault(ep.function.id, ep)
        known = names.setdefault(ep.function.id, [])
        if ep.name not in known:  # a route file that also says "use server" names it twice
            known.append(ep.name)
    return [(ep, ", ".join(names[key])) for key, ep in firsts.items()]


def _wrapped(export: Node, fn: Node) -> bool:
    """Whether the exported function is handed to a wrapper call rather than exported as is."""
    return not (export.start_byte <= fn.start_byte and _declares(export, fn))


def entry_points(source: SourceFile) -> list[EntryPoint]:
    """The server entry points this file defines (cached per file)."""
    cached = source.memo.get(_ENTRY_POINTS)
    if cached is not None:
        return cached
    root = source.tree.root_node
    local = _local_functions(root, source)
    found: list[EntryPoint] = []
    path = source.path
    if _ROUTE_FILE.search(path):
        for name, fn, export in _exports(root, local, source):
            if name in HTTP_METHODS and fn is not None:
                found.append(EntryPoint("route", name, fn, export, _wrapped(export, fn)))
    elif _PAGES_API.search(path):
        for name, fn, export in _exports(root, local, source):
            if name == "default" and fn is not None:
                found.append(EntryPoint("pages-api", name, fn, export, _wrapped(export, fn)))
    file_directive = module_directive(source)
    if file_directive == "use server":
        for name, fn, export in _exports(root, local, source):
            if fn is not None and _is_async(fn, source):
                wrapped = _wrapped(export, fn)
                head = source.data[export.start_byte : fn.start_byte]
                validated = "schema" if wrapped and _SCHEMA_CHAIN.search(head) else None
                found.append(EntryPoint("action", name, fn, export, wrapped, validated))
    seen = {e.function.id for e in found}
    if b"use server" in source.data:
        for fn in _all_functions(root):
            if fn.id not in seen and directive(function_body(fn), source) == "use server":
                found.append(EntryPoint("action", _name_of(fn, source), fn, fn))
    return source.memo.put(_ENTRY_POINTS, found)


def _declares(export: Node, fn: Node) -> bool:
    """Whether the export statement is the function itself (or a const bound straight to it),
    rather than a call that wraps it."""
    decl = export.child_by_field_name("declaration")
    if decl is not None and decl.id == fn.id:  # nodes are compared by id: wrappers are new
        return True
    if decl is not None and decl.type in ("lexical_declaration", "variable_declaration"):
        for d in decl.named_children:
            value = d.child_by_field_name("value")
            if d.type == "variable_declarator" and value is not None and value.id == fn.id:
                return True
    return False


def _is_async(fn: Node, source: SourceFile) -> bool:
    return source.data[fn.start_byte : fn.start_byte + 5] == b"async" or any(
        c.type == "async" for c in fn.children
    )


def _all_functions(root: Node) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES:
            yield node
        stack.extend(reversed(node.named_children))


def _name_of(fn: Node, source: SourceFile) -> str:
    name = _text(fn.child_by_field_name("name"), source)
    if name:
        return name
    parent = fn.parent
    if parent is not None and parent.type == "variable_declarator":
        name = _text(parent.child_by_field_name("name"), source)
        if name:
            return name
    return "(anonymous)"


def _text(node: Node | None, source: SourceFile) -> str:
    return source.text(node) if node is not None else ""
