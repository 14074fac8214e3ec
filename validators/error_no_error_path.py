"""Require an error path in route handlers and server actions.

## What it does
Reports a server entry point (route handler, server action, Pages Router API handler) that
awaits something — a call that can throw — with no `try`/`catch` in its body and no wrapper
known to handle errors: wrappers whose name mentions error handling (`withErrorHandler`,
`safeRoute`, `handle…`), next-safe-action clients, and the names in option `wrappers`.

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
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.engine.nextjs import entry_points, function_body
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.validator import Context

CODE = "ERR003"
NAME = "entry-point-error-path"
MESSAGE = "Server entry point awaits calls that can throw but has no error path."
SEVERITY = "warning"
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"\bawait\b"
OPTIONS: dict[str, list[str]] = {"wrappers": []}
_HANDLING_WRAPPER = re.compile(r"error|safe|handle|catch|guard", re.I)

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
]


def _has(node: Node, kinds: frozenset[str]) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in kinds:
            return True
        stack.extend(n.named_children)
    return False


def _wrapper_names(ctx: Context, export: Node, fn: Node) -> list[str]:
    head = ctx.source.data[export.start_byte : fn.start_byte].decode("utf-8", "replace")
    return re.findall(r"([A-Za-z_$][\w$.]*)\s*\(", head)


def check(ctx: Context) -> None:
    extra_raw = ctx.options.get("wrappers") or []
    extra = {str(x) for x in extra_raw} if isinstance(extra_raw, list) else set()
    for ep in entry_points(ctx.source):
        body = function_body(ep.function)
        if body is None or not _has(body, frozenset({"await_expression"})):
            continue
        if _has(body, frozenset({"try_statement"})):
            continue
        if ep.wrapped:
            names = _wrapper_names(ctx, ep.export, ep.function)
            if ep.validated_by is not None or any(
                _HANDLING_WRAPPER.search(n) or n in extra or n.split(".")[-1] in extra
                for n in names
            ):
                continue
        ctx.report(
            ep.export,
            f"{ep.name} ({ep.kind}) awaits calls that can throw but has no try/catch and no "
            "error-handling wrapper",
        )
