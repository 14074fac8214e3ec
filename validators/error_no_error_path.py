"""Require an error path in route handlers and server actions.

## What it does
Reports a server entry point (route handler, server action, Pages Router API handler) that
awaits something — a call that can throw — with no `try`/`catch` in its body and no wrapper
known to handle errors. A wrapper handles errors when its definition (in the same file or in
the module its import leads to, workspace packages included) has a `try`/`catch`, when its
name says so (`withErrorHandler`, `safeRoute`, `handle…`), when it is an action client or a
tRPC procedure (`….action(…)`, `….query(…)`, `….mutation(…)`), or when option `wrappers`
names it; a handler that only hands over to such a call
(`async (req) => authenticatedApiClient({ handler })`) is covered the same way. Handlers that hand the request to tRPC's adapters (`fetchRequestHandler`,
`createNextApiHandler`) are covered by tRPC's own error handling. Awaiting what cannot fail
in practice — `params`, `searchParams`, `cookies()`, `headers()`, `draftMode()` — or what
ends by throwing on purpose (`signIn()`, `signOut()`, `redirect()`) does not count, nor does
a helper whose whole body is one `try`/`catch` (it returns its failure: found in the same
file or through its import). A function
exported under several names is judged once; components in `"use server"` files and files
on non-production paths (`tests/`, `scripts/`, `examples/`, … as ERR004 names them) are
skipped. An export of a `"use server"` file that only server code uses — called in its own
file (typically by the wrapped action that guards it) or imported only by modules that are
not client code (no `"use client"` directive, not a `use…` hook file; tests and scripts count
as server code), and by at least one — is a helper meant to throw into its caller's error
path and is not reported; with one client importer it is an action and is judged. A `GET`
route built at build time is not reported either: `export const dynamic = "force-static"`, or
`export const revalidate = false` on a path with no dynamic segment or with
`generateStaticParams` — an error there fails the build, not a request.

## Why
An exception escaping a route handler becomes Next.js's bare 500 page with no body a client
can act on, and an escaping server-action error reaches the browser as a generic failure.
Catching at the boundary turns it into a response with a status and a logged cause.

## Example
```ts
export async function POST(req: Request) {
  const user = await db.user.create({ data: schema.parse(await req.json()) });
  return Response.json(user);
}
```

## Use instead
Wrap the body in `try`/`catch` returning an error response, or export the handler through a
wrapper that does (`export const POST = withErrorHandler(async (req) => …)`).

## Precision
5 of 25 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (20%; Wilson 95% lower bound 9%).
The rest: exports of a `"use server"` file that nothing calls, OG-image and redirect-only
routes, dev playgrounds, proxies that pass the upstream status through.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.analysis.catches import non_production
from orchestrator_tool.analysis.helpers import helper_index_for
from orchestrator_tool.analysis.importers import importer_index_for
from orchestrator_tool.analysis.nextjs import (
    ENTRY_POINT_PATHS,
    EntryPoint,
    distinct_entry_points,
    function_body,
)
from orchestrator_tool.engine.memo import MemoKey
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.validator import Context

# How often each name is called in the file (`f()`, not `x.f()`).
_LOCAL_CALLS: MemoKey[dict[str, int]] = MemoKey("err003_local_calls")

CODE = "ERR003"
NAME = "entry-point-error-path"
MESSAGE = "Server entry point awaits calls that can throw but has no error path."
SEVERITY = "warning"
PRECISION = (5, 25)  # held-out corpus: (real defects, judged)
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"use server"
PREFILTER_EXEMPT_PATHS = ENTRY_POINT_PATHS
OPTIONS: dict[str, list[str]] = {"wrappers": []}
_HANDLING_WRAPPER = re.compile(r"error|safe|handle|catch|guard", re.I)
_CLIENT_CALL = re.compile(r"\.(?:action|stateAction|query|mutation|subscription)\s*\(")
_ADAPTERS = re.compile(
    rb"\b(?:fetchRequestHandler|createNextApiHandler|createNextRouteHandler)\s*\("
)
# The names called in a text (`a.b(`): each run of name characters is read from its start (the
# lookbehind), its leading digits and dots skipped; trying every suffix of a long run was
# quadratic.
_CALLED = re.compile(r"(?<![\w$.])(?:[^\W_A-Za-z]|\.)*([A-Za-z_$][\w$.]*)\s*\(")
_TRIVIAL_AWAIT = re.compile(
    r"^(?:(?:\w+\.)?(?:params|searchParams)|(?:cookies|headers|draftMode|connection)\(\)"
    r"|(?:signIn|signOut|redirect)\(.*\))$",
    re.S,
)

ROUTE = "app/api/x/route.ts"
VALID = [
    Valid(
        "export async function POST(req: Request) {\n  try {\n    return Response.json(await save(await req.json()));\n  } catch (e) {\n    return Response.json({ error: 'failed' }, { status: 500 });\n  }\n}",
        filename=ROUTE,
    ),
    Valid(
        "export const POST = withErrorHandler(async (req: Request) => Response.json(await save()));",
        filename=ROUTE,
    ),
    Valid(
        "export async function GET() {\n  return Response.json({ ok: true });\n}", filename=ROUTE
    ),
    Valid(
        "export const GET = withWorkspace(async () => Response.json(await list()));",
        filename=ROUTE,
        options={"wrappers": ["withWorkspace"]},
    ),
    Valid(
        "const withAuth = (h) => async (req) => { try { return await h(req) } catch (e) { return fail(e) } };\nexport const GET = withAuth(async () => Response.json(await list()));",
        filename=ROUTE,
    ),
    Valid(
        "'use server';\nexport const rename = authClient.action(async ({ parsedInput }) => { await db.update(parsedInput) });",
        filename="app/actions.ts",
    ),
    Valid(
        "const withCron = (h) => async (req) => { try { return await h(req) } catch (e) { return fail(e) } };\nexport const GET = withCron(async () => Response.json(await run()));\nexport const POST = GET;",
        filename=ROUTE,
    ),
    Valid(
        "const api = (o) => { try { return o.handler() } catch (e) { return fail(e) } };\nexport const GET = async (req: Request) => api({ handler: async () => Response.json(await list()) });",
        filename=ROUTE,
    ),
    Valid(
        "export async function GET(req: Request, { params }: Ctx) {\n  const { id } = await params;\n  return Response.json({ id });\n}",
        filename=ROUTE,
    ),
    Valid(
        "'use server';\nexport async function banUser(id: string) {\n  await db.ban(id);\n}\nexport const banAction = client.action(async ({ parsedInput }) => { await banUser(parsedInput.id) });",
        filename="app/actions.ts",
    ),
    Valid(
        "export const revalidate = false;\nexport async function GET() {\n  return new Response(await render());\n}",
        filename="app/llms.txt/route.ts",
    ),
    Valid(
        "export const revalidate = false;\nexport async function GET(req: Request, { params }: Ctx) {\n  return new Response(await render((await params).slug));\n}\nexport function generateStaticParams() {\n  return pages();\n}",
        filename="app/docs/[slug]/route.ts",
    ),
    Valid(
        "async function check() {\n  try {\n    return { ok: await ping() };\n  } catch (e) {\n    return { ok: false };\n  }\n}\nexport async function GET() {\n  const status = await check();\n  return Response.json(status);\n}",
        filename=ROUTE,
    ),
]
INVALID = [
    Invalid(
        "export async function POST(req: Request) {\n  return Response.json(await save(await req.json()));\n}",
        positions=((1, 1),),
        filename=ROUTE,
    ),
    Invalid(
        "'use server';\nexport async function rename(id: string) {\n  await db.update(id);\n}",
        positions=((2, 1),),
        filename="app/actions.ts",
    ),
    Invalid(
        "export const revalidate = false;\nexport async function GET(req: Request, { params }: Ctx) {\n  return new Response(await render((await params).slug));\n}",
        positions=((2, 1),),
        filename="app/docs/[slug]/route.ts",
    ),
    Invalid(
        "export const dynamic = 'force-static';\nexport async function POST(req: Request) {\n  return Response.json(await save(await req.json()));\n}",
        positions=((2, 1),),
        filename=ROUTE,
    ),
    Invalid(
        "async function check() {\n  try {\n    await ping();\n  } finally {\n    done();\n  }\n}\nexport async function GET() {\n  const status = await check();\n  return Response.json(status);\n}",
        positions=((8, 1),),
        filename=ROUTE,
    ),
]


def _has(node: Node, kinds: frozenset[str]) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in kinds:
            return True
        stack.extend(n.named_children)
    return False


def _awaits_fallible(body: Node, ctx: Context, resolve: bool = False) -> bool:
    """Whether the handler awaits something that can throw; with ``resolve``, awaited helpers
    are looked up (only for a handler about to be reported: it may read other files)."""
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "await_expression":
            inner = n.named_children[0] if n.named_children else None
            text = re.sub(r"\s+", "", ctx.source.text(inner)) if inner is not None else ""
            if not _TRIVIAL_AWAIT.match(text) and not (resolve and _catches_all(ctx, inner)):
                return True
        stack.extend(n.named_children)
    return False


def _catches_all(ctx: Context, call: Node | None) -> bool:
    """`await performHealthChecks()` where the helper's whole body is one `try`/`catch` (in
    this file or through its import): it returns its failure instead of throwing."""
    fn = (
        call.child_by_field_name("function")
        if call is not None and call.type == "call_expression"
        else None
    )
    if fn is None or fn.type != "identifier":
        return False
    found = helper_index_for(ctx.state).definition(ctx.source, ctx.source.text(fn))
    body = function_body(found[1]) if found is not None else None
    if body is None or body.type != "statement_block":
        return False
    stmts = [c for c in body.named_children if c.type != "comment"]
    return (
        len(stmts) == 1
        and stmts[0].type == "try_statement"
        and stmts[0].child_by_field_name("handler") is not None
    )


def _catches(ctx: Context, name: str) -> bool:
    """Whether the wrapper's definition has a try/catch (found through imports)."""
    if "." in name:
        return False
    found = helper_index_for(ctx.state).definition(ctx.source, name)
    return found is not None and _has(found[1], frozenset({"try_statement"}))


def _head(ctx: Context, ep: EntryPoint) -> str:
    """The code between the export's name and the handler: `withWorkspace(` in
    `export const GET = withWorkspace(async () => …)`, also when the export is an alias
    (`export const POST = GET`) of a wrapped const."""
    fn = ep.function
    start = ep.export.start_byte
    if fn.start_byte < start or fn.end_byte > ep.export.end_byte:
        node = fn.parent
        while node is not None and node.type not in ("variable_declarator", "program"):
            node = node.parent
        value = node.child_by_field_name("value") if node is not None else None
        if value is None:
            return ""
        start = value.start_byte
    return ctx.source.data[start : fn.start_byte].decode("utf-8", "replace")


def _delegate(body: Node, ctx: Context) -> list[str]:
    """`async (req) => authenticatedApiClient({ handler })` / `{ return withX(...)(req) }`:
    the names of the calls a handler consists of."""
    expr: Node | None = body
    if body.type == "statement_block":
        stmts = [c for c in body.named_children if c.type != "comment"]
        if len(stmts) != 1 or stmts[0].type not in ("return_statement", "expression_statement"):
            return []
        expr = stmts[0].named_children[0] if stmts[0].named_children else None
    while expr is not None and expr.type in ("await_expression", "parenthesized_expression"):
        expr = expr.named_children[0] if expr.named_children else None
    if expr is None or expr.type != "call_expression":
        return []
    return _CALLED.findall(ctx.source.text(expr))[:2]


def _handled_by(ctx: Context, names: list[str], extra: set[str]) -> bool:
    return any(
        _HANDLING_WRAPPER.search(n) or n in extra or n.split(".")[-1] in extra for n in names
    ) or any(_catches(ctx, n) for n in names)


def _calls_in_file(ctx: Context, name: str) -> int:
    counts = ctx.source.memo.get(_LOCAL_CALLS)
    if counts is None:
        counts = {}
        for call in ctx.walk(frozenset({"call_expression"})):
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                key = ctx.source.text(fn)
                counts[key] = counts.get(key, 0) + 1
        ctx.source.memo.put(_LOCAL_CALLS, counts)
    return counts.get(name, 0)


def _server_helper(ctx: Context, ep: EntryPoint) -> bool:
    """An export of a `"use server"` file that only server code uses — called from this file
    (typically by the wrapped action that guards it) or imported by server modules only, no
    `"use client"` file or `use…` hook among its importers — is a helper meant to throw into
    its caller's error path, not an action the browser calls."""
    if ep.kind != "action" or ep.export.type != "export_statement":
        return False
    importers = (
        importer_index_for(ctx.state).importers(ctx.source, ep.name)
        if ctx.workspace is not None
        else []
    )
    if any(client for _, client in importers):
        return False
    return bool(importers) or _calls_in_file(ctx, ep.name) > 0


_STATIC_ROUTE = re.compile(
    rb"export\s+const\s+dynamic\s*=\s*[\"']force-static[\"']"
    rb"|export\s+const\s+revalidate\s*=\s*false\b"
)


def _built_at_build_time(ctx: Context, ep: EntryPoint) -> bool:
    """A `GET` route rendered once at build time — `dynamic = "force-static"`, or
    `revalidate = false` with no dynamic segment or with `generateStaticParams` — fails the
    build, not a request."""
    if ep.kind != "route" or ep.name != "GET" or not _STATIC_ROUTE.search(ctx.source.data):
        return False
    if b"force-static" in ctx.source.data or "[" not in ctx.source.path:
        return True
    return re.search(rb"\bgenerateStaticParams\b", ctx.source.data) is not None


def check(ctx: Context) -> None:
    if non_production(ctx.source.path):  # by path only: an entry point is not a program
        return
    extra_raw = ctx.options.get("wrappers") or []
    extra = {str(x) for x in extra_raw} if isinstance(extra_raw, list) else set()
    adapters = _ADAPTERS.search(ctx.source.data) is not None
    for ep, names in distinct_entry_points(ctx.source):
        body = function_body(ep.function)
        if body is None or not _awaits_fallible(body, ctx):
            continue
        if _has(body, frozenset({"try_statement"})) or adapters:
            continue
        if ep.kind == "action" and ep.name[:1].isupper():
            continue  # a component in a "use server" file is rendered, not called as an action
        if _built_at_build_time(ctx, ep):
            continue
        if _handled_by(ctx, _delegate(body, ctx), extra):
            continue
        if ep.wrapped:
            head = _head(ctx, ep)
            if (
                ep.validated_by is not None
                or _CLIENT_CALL.search(head)
                or _handled_by(ctx, _CALLED.findall(head), extra)
            ):
                continue
        if _server_helper(ctx, ep) or not _awaits_fallible(body, ctx, resolve=True):
            continue
        ctx.report(
            ep.export,
            f"{names} ({ep.kind}) awaits calls that can throw but has no try/catch and no "
            "error-handling wrapper",
        )
