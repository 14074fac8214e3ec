"""Require zod validation of dynamic route params before a route handler uses them (opt-in).

## What it does
In each Next.js App Router route handler (`app/**/route.ts`, also wrapped: `export const GET =
withWorkspace(async ({ params }) => …)`), it follows the dynamic-route `params` — the second
argument (`{ params }` or `ctx.params`, awaited or not) or a `params` handed in by a wrapper —
the same way ZOD001 follows the body and the query string, and reports the first place a
param is used before a zod schema's `.parse` / `.safeParse` / `.parseAsync` /
`.safeParseAsync` (or a helper named in option `validators`) checked it.

This validator is **off by default**: a path segment is often a plain id that the database
lookup after it checks well enough. Turn it on with `--select ZOD002`, `select = ["ZOD002"]`,
`[validators.ZOD002] enabled = true`, or per path with an `[[overrides]]` entry.

Options: `wrapperInputs` (names a wrapper hands to the handler that carry route params:
`params`, or Next's route context passed on as `props`/`context`/`ctx`; default `["params",
"props", "context", "ctx"]`), `validators` (function names that validate their argument with zod).

## Why
`[slug]` is whatever the client put in the URL: an id that is not a cuid, a path with `..`,
a number that is not one. A schema at the boundary turns that into a 400 instead of a
database error or a lookup of the wrong thing.

## Example
```ts
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return Response.json(await db.link.findUnique({ where: { id } }));
}
```

## Use instead
```ts
const Params = z.object({ id: z.string().cuid() });

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = Params.parse(await params);
  return Response.json(await db.link.findUnique({ where: { id } }));
}
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.analysis.nextjs import ENTRY_POINT_PATHS
from orchestrator_tool.analysis.zod import report_unvalidated
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.analysis.nextjs import EntryPoint
    from orchestrator_tool.engine.validator import Context

CODE = "ZOD002"
NAME = "zod-validate-route-params"
MESSAGE = "Route params used before zod validated them."
SEVERITY = "warning"
ENABLED_BY_DEFAULT = False
LANGUAGES = ("typescript", "tsx", "javascript")
PATHS = ENTRY_POINT_PATHS
OPTIONS: dict[str, list[str]] = {
    "wrapperInputs": ["params", "props", "context", "ctx"],
    "validators": [],
}

ROUTE = "app/api/links/[id]/route.ts"
VALID = [
    Valid(
        "import { z } from 'zod';\nconst P = z.object({ id: z.string() });\nexport async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {\n  const { id } = P.parse(await params);\n  return Response.json(await db.find(id));\n}",
        filename=ROUTE,
    ),
    Valid(
        "export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {\n  return Response.json(await db.list());\n}",
        filename=ROUTE,
    ),
    Valid(
        "import { z } from 'zod';\nconst P = z.object({ id: z.string() });\nexport const GET = withWorkspace(async ({ params }) => {\n  const { id } = P.parse(params);\n  return Response.json(await db.find(id));\n});",
        filename=ROUTE,
    ),
    Valid(
        "'use server';\nexport async function rename(id: string) {\n  await db.save(id);\n}",
        filename="app/actions.ts",
    ),
]
INVALID = [
    Invalid(
        "export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {\n  const { id } = await params;\n  return Response.json(await db.find(id));\n}",
        positions=((3, 38),),
        filename=ROUTE,
    ),
    Invalid(
        "export async function DELETE(req: Request, ctx: { params: { id: string } }) {\n  await db.remove(ctx.params.id);\n  return new Response(null);\n}",
        positions=((2, 19),),
        filename=ROUTE,
    ),
    Invalid(
        "export const GET = withWorkspace(async ({ params, workspace }) => {\n  return Response.json(await db.find(params.id, workspace.id));\n});",
        positions=((2, 38),),
        filename=ROUTE,
    ),
]


def _params(
    ep: EntryPoint, _requests: set[str], wrapped: dict[str, str], params: dict[str, str]
) -> tuple[set[str], dict[str, str]] | None:
    if ep.kind != "route":
        return None  # server actions have no route params; Pages Router params are `req.query`
    found = {**params, **{n: f"route params (`{n}`)" for n in wrapped}}
    return (set(), found) if found else None


def check(ctx: Context) -> None:
    report_unvalidated(ctx, _params)
