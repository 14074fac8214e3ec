"""tRPC procedures called on the server: `await api.post.create({ title })`,
`caller.post.create(...)`, `trpc.post.byId.query({ id })`, `helpers.post.byId.fetch(...)`.

Such a call hands its argument to the procedure's input parser, `.input(z.object(...))`, before
the procedure runs: it validates like a zod parse when that parser is zod's. The procedure is
looked up where that is cheap: the caller's binding (this file, or the module an import leads
to) names the router (`createCaller(appRouter)`, `createCallerFactory(appRouter)`, `router:
appRouter`, or a caller built from one), and the router's object literal
(`createTRPCRouter({ post: postRouter })`, `{ … } satisfies TRPCRouterRecord`) is walked key by
key, through imports, to the procedure's builder chain.

- ``ZOD``: the procedure's chain (or the base procedure it extends) has `.input(schema)` in a
  module that uses zod.
- ``NONE``: the chain was read to its end without a zod `.input` (none at all, or a function
  such as `.input((raw) => raw as Post)`).
- ``UNKNOWN``: a caller, but the procedure could not be found (a client over HTTP typed by
  `AppRouter` only, a router merged or spread, a router in an external package). The caller
  decides what that means (see analysis.zod).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..engine.memo import MemoKey
from .syntax import callee, look_through
from .zod_names import zod_module

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile
    from .helpers import HelperIndex

_MENTIONS_FACTORY: MemoKey[bool] = MemoKey("mentions_trpc_caller")

# The factories of a server-side caller or proxy client (tRPC v10 and v11, the Next.js adapters).
CALLER_FACTORY = re.compile(
    rb"\b(?:createCaller|createCallerFactory|createTRPCProxyClient|createTRPCClient"
    rb"|createServerSideHelpers|createHydrationHelpers|createTRPCOptionsProxy"
    rb"|(?:experimental_)?createTRPCNextAppDirServer)\b"
)
# A procedure is called as itself (a caller) or through one of these (a client or helpers).
_TERMINALS = frozenset(
    {
        "query",
        "mutate",
        "fetch",
        "prefetch",
        "fetchInfinite",
        "prefetchInfinite",
        "queryOptions",
        "infiniteQueryOptions",
    }
)
_ROUTER_CALL = re.compile(r"(?:^|\.)(?:create\w*)?[rR]outer$")
_MAX_HOPS = 8  # bindings read to reach the router, or a procedure's base


def procedure_path(call: Node, source: SourceFile) -> tuple[Node, list[str]] | None:
    """(the caller expression, the procedure path) of `api.post.create.mutate(x)` →
    (`api`, ["post", "create"]); None when the call is no member chain."""
    fn = callee(call)
    path: list[str] = []
    while fn is not None and fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier":
            return None
        path.append(source.text(prop))
        obj = fn.child_by_field_name("object")
        fn = look_through(obj) if obj is not None else None
    if fn is None or not path:
        return None
    path.reverse()
    if path[-1] in _TERMINALS:
        path.pop()
    return (fn, path) if path else None


ZOD, NONE, UNKNOWN = "zod", "none", "unknown"


def procedure_input(call: Node, source: SourceFile, helpers: HelperIndex) -> str | None:
    """What parses the input of a tRPC procedure call: ``ZOD``, ``NONE`` or ``UNKNOWN`` (see
    the module's docstring); None when the call is not one."""
    found = procedure_path(call, source)
    if found is None:
        return None
    root, path = found
    caller = _caller_binding(root, source, helpers)
    if caller is None:
        return None
    router = _router_of(caller[0], caller[1], helpers)
    if router is None:
        return UNKNOWN
    procedure = _walk(router[0], router[1], path, helpers)
    if procedure is None:
        return UNKNOWN
    return _has_zod_input(procedure[0], procedure[1], helpers)


def _caller_binding(
    root: Node, source: SourceFile, helpers: HelperIndex
) -> tuple[SourceFile, Node] | None:
    """The expression a caller is built by: `createCaller(ctx)` itself, or what the name
    `api`/`caller` is bound to — in a declaration of this file or a module it imports — when
    that is a call of a caller factory."""
    if root.type == "call_expression":
        return (source, root) if CALLER_FACTORY.search(_callee_text(root, source)) else None
    if root.type != "identifier":
        return None
    name = source.text(root)
    value = _local_value(source, name, root) if _mentions_factory(source) else None
    if value is not None:
        where: tuple[SourceFile, Node] | None = (source, value)
    else:
        # Imported: only a module that mentions a caller factory is parsed to find the binding
        # (`db.user.create(...)` reads the bytes of the module `db` comes from, no more).
        module = helpers.imported_module(source, name)
        if module is None or not _mentions_factory(module):
            return None
        where = helpers.binding(source, name)
    if where is None:
        return None
    value_node = look_through(where[1])
    if value_node.type != "call_expression":
        return None
    text = where[0].data[value_node.start_byte : value_node.end_byte]
    return where if CALLER_FACTORY.search(text) else None


def _mentions_factory(source: SourceFile) -> bool:
    return source.memo.once(
        _MENTIONS_FACTORY, lambda: CALLER_FACTORY.search(source.data) is not None
    )


def _local_value(source: SourceFile, name: str, use: Node) -> Node | None:
    """The value of the nearest declaration of ``name`` before ``use`` in this file (a
    function's `const caller = createCaller(ctx)` or a top-level one)."""
    from ..engine.queries import nodes_of_types
    from .syntax import pattern_names

    best: Node | None = None
    for decl in nodes_of_types(source, _DECLARATORS):
        if decl.start_byte > use.start_byte:
            break
        pattern, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
        if pattern is not None and value is not None and name in pattern_names(pattern, source):
            best = value
    return best


_DECLARATORS = frozenset({"variable_declarator"})


def _callee_text(call: Node, source: SourceFile) -> bytes:
    fn = callee(call)
    return source.data[fn.start_byte : fn.end_byte] if fn is not None else b""


def _router_of(
    source: SourceFile, expr: Node, helpers: HelperIndex
) -> tuple[SourceFile, Node] | None:
    """The router object a caller's expression is built from: names in it (`appRouter`,
    `createCaller`, `caller`) are followed to their bindings until one is a router literal."""
    # Depth first, the likeliest name first; a name is looked up only when its turn comes.
    stack: list[tuple[SourceFile, str]] = []
    seen: set[tuple[str, str]] = set()
    found: tuple[SourceFile, Node] | None = (source, expr)
    hops = 0
    while found is not None or stack:
        if found is None:
            where, name = stack.pop()
            if (where.path, name) in seen:
                continue
            seen.add((where.path, name))
            hops += 1
            if hops > _MAX_HOPS:
                return None
            found = helpers.binding(where, name)
            continue
        where, node = found
        found = None
        router = _router_literal(where, node)
        if router is not None:
            return where, router
        stack.extend((where, name) for name in reversed(_names_in(where, node)))
    return None


def _names_in(source: SourceFile, node: Node) -> list[str]:
    """The value names an expression mentions (`appRouter` in `createCaller(appRouter)` or
    `{ router: appRouter, ctx }`, `appRouter` in `typeof appRouter`), routers first, then
    callers built from one (`createCaller` bound to `createCallerFactory(appRouter)`)."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("arrow_function", "function_expression", "function_declaration"):
            continue  # a context factory's body
        if n.type in ("identifier", "shorthand_property_identifier"):
            name = source.text(n)
            if name not in out:
                out.append(name)
        stack.extend(reversed(n.named_children))
    return sorted(out, key=lambda name: ("outer" not in name, "aller" not in name))


def _router_literal(source: SourceFile, node: Node) -> Node | None:
    """The object of `createTRPCRouter({...})`, `t.router({...})`, `router({...})` or a plain
    `{...} satisfies TRPCRouterRecord`."""
    node = look_through(node)
    if node.type == "object":
        return node
    if node.type == "call_expression" and _ROUTER_CALL.search(
        _callee_text(node, source).decode("utf-8", "replace")
    ):
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        inner = look_through(first) if first is not None else None
        if inner is not None and inner.type == "object":
            return inner
    return None


def _walk(
    source: SourceFile, router: Node, path: list[str], helpers: HelperIndex
) -> tuple[SourceFile, Node] | None:
    """The procedure at ``path`` under the router object: each key's value is a router for the
    next key (an object, a router call, or a name bound to one) and, last, the procedure."""
    where, node = source, router
    for i, key in enumerate(path):
        value = _member(where, node, key)
        if value is None:
            return None
        if value.type in ("identifier", "shorthand_property_identifier"):
            found = helpers.binding(where, where.text(value))
            if found is None:
                return None
            where, value = found
        if i == len(path) - 1:
            return where, value
        inner = _router_literal(where, value)
        if inner is None:
            return None
        node = inner
    return None


def _member(source: SourceFile, obj: Node, key: str) -> Node | None:
    """The value of property ``key`` in an object literal (None when it is not written there:
    a spread router, say)."""
    for child in obj.named_children:
        if child.type == "shorthand_property_identifier" and source.text(child) == key:
            return child
        if child.type == "pair":
            k = child.child_by_field_name("key")
            if k is not None and source.text(k).strip("'\"") == key:
                return child.child_by_field_name("value")
    return None


def _has_zod_input(source: SourceFile, chain: Node, helpers: HelperIndex) -> str:
    """Walk the procedure's builder chain (`protectedProcedure.input(S).mutation(...)`) down to
    its base, and the base procedure's own chain when it is a name bound in the workspace."""
    where, node = source, look_through(chain)
    for _ in range(_MAX_HOPS):
        while node.type in ("call_expression", "member_expression"):
            if node.type == "member_expression":
                prop = node.child_by_field_name("property")
                if prop is not None and where.text(prop) == "procedure":
                    return NONE  # `t.procedure`: the base of every procedure, with no input
                obj = node.child_by_field_name("object")
                if obj is None:
                    return UNKNOWN
                node = look_through(obj)
                continue
            fn = callee(node)
            if fn is None:
                return UNKNOWN
            prop = fn.child_by_field_name("property") if fn.type == "member_expression" else None
            if prop is not None and where.text(prop) == "input":
                args = node.child_by_field_name("arguments")
                schema = args.named_children[0] if args and args.named_children else None
                if schema is None or look_through(schema).type in (
                    "arrow_function",
                    "function_expression",
                ):
                    return NONE  # a hand-written parser
                return ZOD if zod_module(where.data) else NONE
            node = look_through(fn)
        if node.type != "identifier":
            return UNKNOWN
        found = helpers.binding(where, where.text(node))
        if found is None:
            return UNKNOWN
        where, node = found[0], look_through(found[1])
    return UNKNOWN
