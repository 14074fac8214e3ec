"""Route handlers made by a factory: `export const { GET, POST } = createRouteHandler({ router
})`, `export const POST = makeHandler(opts)`. The handler is the function the factory returns,
read from the factory's definition — this file, or the workspace module an import leads to
(tsconfig aliases, workspace packages, barrels) — and what it does with the request is judged
like a handler written in the route file.

A call handed a function defined elsewhere (`withError("scope", withQstash(handleBatch))`)
wraps that function rather than making a handler from options: it is left alone, as
wrappers handed an imported handler are.

Followed: a returned function (`return async (req) => …`), a returned object's member for the
destructured name (`return { GET: handler, POST: handler }`, `{ GET, POST }`, a method
`async POST(req) {…}`), a name bound in the factory or its module, a wrapper call around a
function (`return withErrors(async (req) => …)`), and a factory returning another factory's
result (three levels). Not followed: factories from external packages (their source is not in
the repository), classes, handlers picked at run time (`handlers[method]`), and Pages Router
`export default createApiHandler(opts)` (whose adapters read the route's own `req.query`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .nextjs import FUNCTION_TYPES, factory_exports, innermost_function
from .syntax import callee

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile
    from .helpers import HelperIndex

_HANDLERS = FUNCTION_TYPES | {"method_definition"}
_UNWRAP = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "await_expression"}
)
MAX_DEPTH = 3


@dataclass(frozen=True)
class MadeHandler:
    names: str  # "GET, POST": every name the route exports from this call
    call: Node  # the factory call in the route file
    factory: str  # the factory's name
    source: SourceFile  # the file the handler is written in
    function: Node  # the handler


def made_handlers(source: SourceFile, helpers: HelperIndex) -> list[MadeHandler]:
    """The handlers this route file's factory calls make, where the factory can be read."""
    exported = factory_exports(source)
    if not exported:
        return []
    by_call: dict[int, tuple[Node, list[str]]] = {}
    for name, call in exported:
        by_call.setdefault(call.id, (call, []))[1].append(name)
    out: list[MadeHandler] = []
    for call, names in by_call.values():
        if _hands_a_handler(call, source, helpers):
            continue  # a wrapper: `withError("scope", withQstash(handleBatch))`
        # Each name may come from a different member of what the factory returns; the first
        # handler found for a function stands for the names that lead to it.
        found: dict[tuple[str, int], tuple[SourceFile, Node, list[str]]] = {}
        for name in names:
            made = handler_made_by(call, source, helpers, name)
            if made is None:
                made = handler_made_by(call, source, helpers, None)  # one handler for all
            if made is not None:
                key = (made[0].path, made[1].id)
                found.setdefault(key, (made[0], made[1], []))[2].append(name)
        fn = callee(call)
        factory = source.text(fn) if fn is not None else "the factory"
        for where, handler, handler_names in found.values():
            out.append(MadeHandler(", ".join(handler_names), call, factory, where, handler))
    return out


def _hands_a_handler(call: Node, source: SourceFile, helpers: HelperIndex, depth: int = 0) -> bool:
    """Whether the call is handed a function defined elsewhere — by name, or inside another
    wrapper call: it wraps that handler rather than making one from options."""
    args = call.child_by_field_name("arguments")
    for raw in args.named_children if args is not None else []:
        arg = _unwrap(raw)
        if arg.type == "identifier":
            found = helpers.definition(source, source.text(arg))
            if found is not None and (
                _unwrap(found[1]).type in FUNCTION_TYPES
                or innermost_function(_unwrap(found[1]), {}, found[0]) is not None
            ):
                return True
        elif (
            arg.type == "call_expression"
            and depth < MAX_DEPTH
            and _hands_a_handler(arg, source, helpers, depth + 1)
        ):
            return True
    return False


def handler_made_by(
    call: Node, source: SourceFile, helpers: HelperIndex, want: str | None, depth: int = 0
) -> tuple[SourceFile, Node] | None:
    """The function the factory called by ``call`` returns: itself (``want`` None) or the
    member ``want`` of the object it returns."""
    fn = callee(call)
    if fn is None or fn.type != "identifier" or depth >= MAX_DEPTH:
        return None
    found = helpers.definition(source, source.text(fn))
    if found is None:
        return None
    where, factory = found
    factory = _unwrap(factory)
    if factory.type not in FUNCTION_TYPES:
        return None
    for returned in _returned(factory):
        made = _value(returned, where, factory, helpers, want, depth)
        if made is not None:
            return made
    return None


def _value(
    node: Node,
    source: SourceFile,
    scope: Node,
    helpers: HelperIndex,
    want: str | None,
    depth: int,
) -> tuple[SourceFile, Node] | None:
    """The handler an expression the factory returns stands for."""
    node = _unwrap(node)
    if node.type in _HANDLERS:
        return (source, node) if want is None else None
    if node.type == "object" and want is not None:
        member = _member(node, want, source)
        return _value(member, source, scope, helpers, None, depth) if member is not None else None
    if node.type in ("identifier", "shorthand_property_identifier"):
        name = source.text(node)
        bound = _bound_in(scope, name, source)
        if bound is not None:
            return _value(bound, source, scope, helpers, want, depth)
        top = helpers.binding(source, name)
        if top is None or top[1].id == node.id:
            return None
        return _value(top[1], top[0], top[1], helpers, want, depth + 1)
    if node.type == "call_expression":
        made = handler_made_by(node, source, helpers, want, depth + 1)
        if made is None and want is None:
            inner = innermost_function(node, {}, source)  # withErrors(async (req) => …)
            made = (source, inner) if inner is not None else None
        return made
    return None


def _returned(fn: Node) -> list[Node]:
    """What a function returns: an arrow's expression body, or each `return x` of its body
    (not of the functions inside it)."""
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    out: list[Node] = []
    stack = list(reversed(body.named_children))
    while stack:
        n = stack.pop()
        if n.type in _HANDLERS or n.type == "class_declaration":
            continue
        if n.type == "return_statement":
            out.extend(c for c in n.named_children if c.type != "comment")
            continue
        stack.extend(reversed(n.named_children))
    return out


def _bound_in(scope: Node, name: str, source: SourceFile) -> Node | None:
    """What ``name`` is bound to inside the factory: `const handler = async (req) => …`,
    `function handler(req) {…}` (not inside the functions it defines)."""
    body = scope.child_by_field_name("body") if scope.type in _HANDLERS else None
    stack = list(body.named_children) if body is not None else []
    while stack:
        n = stack.pop()
        if n.type in ("function_declaration", "generator_function_declaration"):
            ident = n.child_by_field_name("name")
            if ident is not None and source.text(ident) == name:
                return n
            continue
        if n.type in _HANDLERS:
            continue
        if n.type == "variable_declarator":
            ident, value = n.child_by_field_name("name"), n.child_by_field_name("value")
            if ident is not None and value is not None and source.text(ident) == name:
                return value
        stack.extend(n.named_children)
    return None


def _member(obj: Node, key: str, source: SourceFile) -> Node | None:
    for child in obj.named_children:
        if child.type == "shorthand_property_identifier" and source.text(child) == key:
            return child
        if child.type in ("pair", "method_definition"):
            k = child.child_by_field_name("key" if child.type == "pair" else "name")
            if k is not None and source.text(k).strip("'\"") == key:
                return child.child_by_field_name("value") if child.type == "pair" else child
    return None


def _unwrap(node: Node) -> Node:
    while node.type in _UNWRAP and node.named_children:
        node = node.named_children[0]
    return node
