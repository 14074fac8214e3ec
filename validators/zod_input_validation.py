"""Require zod validation of every request input a server entry point uses.

## What it does
In each server entry point — Next.js App Router route handlers (`GET`/`POST`/… exported from
`app/**/route.ts`, also wrapped: `export const POST = withAuth(async ({ req, searchParams }) =>
…)`, or through an export clause: `export { handler as GET, handler as POST }`), server
actions (async exports of a `"use server"` file, or functions whose body starts with
`"use server"`) and Pages Router API handlers (`pages/api/**`) — it follows every untrusted
input: `req.json()`, `req.formData()`, `req.text()` (of the request or a `req.clone()`),
`req.body`, the query string (`req.nextUrl.searchParams`, `new URL(req.url).searchParams`, a
`searchParams` handed in by a wrapper, `req.query`) and server-action arguments. The first
place an input is *used* before it passed through a zod schema's `.parse` / `.safeParse` /
`.parseAsync` / `.safeParseAsync` is reported, naming the entry point and the input. An input
read and never used is not a finding; a `safeParse` whose failure branch still uses the raw
input is, and so is a use in a branch other than the one that validated.

A route handler made by a factory written in the repository —
`export const { GET, POST } = createRouteHandler({ router })`, `export const POST =
makeHandler(opts)` — is the function the factory returns, read from the factory's definition
(this file, or the workspace module an import leads to); a finding in another file is reported
at the factory call and names the line. A tRPC procedure called on the server
(`await api.post.create({ title })`, `caller.post.create(...)`, `trpc.post.create.mutate(...)`)
validates what it is handed when its `.input(...)` is a zod schema, looked up through the
caller's binding and the router's object literal; a caller whose procedure cannot be found
(an HTTP client typed by `AppRouter` only, a merged router) counts as validating too.

The value is followed through `await`, variables, destructuring, spreads, member access,
method calls on it (`searchParams.get("id")`), `Object.fromEntries(...)`, `JSON.parse(...)`,
`Buffer.from(...)`, and helpers that pass their parameter to a zod schema, defined in the same
file or in the workspace module an import leads to (tsconfig aliases, workspace packages, up
to three barrel re-exports; two helper levels deep). A helper handed the request itself
(`return handleDownload(req, false)`, `proxyToApi(req, "/v1/check-in")`, `upload({ token,
request })`) is read like the entry point, three helpers deep: a use inside it is reported (at
the call, naming the line, when the helper is in another file), unless it hands input back
(`return req.json()`), when the caller's use of what it returns is the one reported. Input put
into a collection the function made (`chunks.push(value)`, `params.set("q", q)`) is followed
to where the collection goes. A comparison with a raw value (`const all =
searchParams.get("all") === "1"`) is a use; `if (req.body)` and a URL's `pathname`, `origin`
or `host` are not (they are not the query string).
A raw body handed to a signature check
(`verify…`, `constructEvent`, an HMAC `createHmac(…).update(raw)`) is not a use; the payload
the check returns (`wh.verify(raw, headers) as Event`) is still input. It does not follow
values into external packages' functions (name them in option `validators`), through
closures called later, or into fields assigned after an object is built. A `.parse` call
counts as zod when its schema is built with `z.` in the file or imported from a module that
imports zod; `JSON.parse`, `Date.parse` and the like never count.

Options: `wrapperInputs` (names a wrapper hands to the handler that carry input, default
`["searchParams", "query", "body"]`), `validators` (function names that validate their
argument with zod, e.g. a project's `parseBody`).

## Why
Types are erased at runtime: `const { email } = await req.json()` is whatever the client sent.
Validating at the boundary with the same schema the types come from is the one place every
request passes.

## Example
```ts
export async function POST(req: Request) {
  const { email } = await req.json();
  await db.user.create({ data: { email } });
}
```

## Use instead
```ts
const body = z.object({ email: z.string().email() });

export async function POST(req: Request) {
  const { email } = body.parse(await req.json());
  await db.user.create({ data: { email } });
}
```

## Precision
12 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (30%; Wilson 95% lower bound 18%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.ZOD001] severity =
"error"` makes it an error. Judged as defects a Next.js developer would fix, most of the rest
validated the input by hand (a `typeof` check, an allow-list, a path check) or with another
library, handed an opaque value to an SDK that checks it, or sat in test fixtures, dev-only
routes, OG images that render a query value as text, and pass-through proxies. Measured against its own definition on
432 hand-labelled entry points of 27 repositories, ZOD001 has precision 0.981 (158/161) and
recall 0.952 (158/166); seven of the eight misses are handlers a workspace library makes deep
inside itself (`tests/benchmarks/score_zod.py`, README).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.analysis.nextjs import ENTRY_POINT_PATHS
from orchestrator_tool.analysis.zod import report_unvalidated
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.analysis.nextjs import EntryPoint
    from orchestrator_tool.engine.validator import Context

CODE = "ZOD001"
NAME = "zod-validate-request-input"
MESSAGE = "Request input used before zod validated it."
SEVERITY = "error"
PRECISION = (12, 40)  # held-out corpus: (real defects, judged)
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"use server"
PREFILTER_EXEMPT_PATHS = ENTRY_POINT_PATHS
OPTIONS: dict[str, list[str]] = {
    "wrapperInputs": ["searchParams", "query", "body"],
    "validators": [],
}

ROUTE = "app/api/users/route.ts"
VALID = [
    Valid(
        "import { z } from 'zod';\nconst s = z.object({ email: z.string() });\nexport async function POST(req: Request) {\n  const { email } = s.parse(await req.json());\n  return Response.json({ email });\n}",
        filename=ROUTE,
    ),
    Valid(
        "export async function POST(req: Request) {\n  await req.json();\n  return new Response(null);\n}",
        filename=ROUTE,
    ),
    Valid(
        "import { z } from 'zod';\nconst q = z.object({ page: z.coerce.number() });\nexport const GET = withAuth(async ({ searchParams }) => {\n  const { page } = q.parse(searchParams);\n  return Response.json({ page });\n});",
        filename=ROUTE,
    ),
    Valid(
        "import { z } from 'zod';\nconst s = z.object({ id: z.string() });\nexport async function POST(req: Request) {\n  const body = await req.json();\n  const r = s.safeParse(body);\n  if (!r.success) return Response.json({ error: r.error }, { status: 400 });\n  return Response.json(r.data);\n}",
        filename=ROUTE,
    ),
    Valid(
        "'use server';\nimport { z } from 'zod';\nconst s = z.object({ name: z.string() });\nexport async function rename(input: unknown) {\n  const { name } = s.parse(input);\n  await save(name);\n}",
        filename="app/actions.ts",
    ),
    Valid(
        "'use server';\nexport const renameAction = authActionClient\n  .schema(renameSchema)\n  .action(async ({ parsedInput, ctx }) => {\n    await save(parsedInput.name, ctx.user.id);\n  });",
        filename="app/actions.ts",
    ),
    Valid(
        "import { z } from 'zod';\nconst s = z.object({ code: z.string().optional() });\nexport async function POST(req: Request) {\n  const body = await req.json();\n  if (typeof body.code === 'string' && body.code.trim() === '') delete body.code;\n  const { code } = s.parse(body);\n  return Response.json({ code });\n}",
        filename=ROUTE,
    ),
    Valid(
        "import { z } from 'zod';\nconst Event = z.object({ type: z.string() });\nexport async function POST(req: Request) {\n  const raw = await req.text();\n  if (!verifySignature(raw, req.headers.get('x-signature'))) return new Response(null, { status: 401 });\n  const event = Event.parse(JSON.parse(raw));\n  return Response.json({ type: event.type });\n}",
        filename=ROUTE,
    ),
    Valid(
        "import { createCaller } from '@/server/api/root';\nexport default async function Page() {\n  async function create(formData: FormData) {\n    'use server';\n    const caller = createCaller(await createContext());\n    await caller.post.create({ title: formData.get('title') });\n  }\n  return <form action={create} />;\n}",
        filename="app/posts/page.tsx",
    ),
    Valid(
        "import crypto from 'node:crypto';\nimport { z } from 'zod';\nconst Event = z.object({ id: z.string() });\nexport async function POST(req: Request) {\n  const raw = await req.clone().text();\n  const digest = crypto.createHmac('sha256', secret).update(raw).digest('hex');\n  if (digest !== req.headers.get('x-signature')) return new Response(null, { status: 401 });\n  const { id } = Event.parse(JSON.parse(raw));\n  return Response.json({ id });\n}",
        filename=ROUTE,
    ),
    Valid(
        "import { z } from 'zod';\nconst note = z.object({ title: z.string() });\nfunction createRoutes() {\n  const create = async (req: Request) => Response.json(await save(note.parse(await req.json())));\n  return { POST: create };\n}\nexport const { POST } = createRoutes();",
        filename=ROUTE,
    ),
]
INVALID = [
    Invalid(
        "const handler = async (req: Request) => {\n  const body = await req.json();\n  return Response.json(await db.save(body));\n};\nexport const POST = handler;\nexport const PUT = handler;",
        positions=((3, 38),),
        filename=ROUTE,
    ),
    Invalid(
        "async function readBody<T>(r: Request): Promise<T> {\n  return (await r.json()) as T;\n}\nexport async function POST(req: Request) {\n  const body = await readBody<{ id: string }>(req);\n  await db.thing.delete({ where: { id: body.id } });\n}",
        positions=((6, 40),),
        filename=ROUTE,
    ),
    Invalid(
        "export async function POST(req: Request) {\n  const { email } = await req.json();\n  await db.user.create({ data: { email } });\n}",
        positions=((3, 34),),
        filename=ROUTE,
    ),
    Invalid(
        "export async function GET(req: Request) {\n  const id = new URL(req.url).searchParams.get('id');\n  return Response.json(await db.find(id));\n}",
        positions=((3, 38),),
        filename=ROUTE,
    ),
    Invalid(
        "export const GET = withAuth(async ({ req, searchParams }) => {\n  return Response.json(await db.list(searchParams.page));\n});",
        positions=((2, 38),),
        filename=ROUTE,
    ),
    Invalid(
        "import { z } from 'zod';\nconst s = z.object({ id: z.string() });\nexport async function POST(req: Request) {\n  const body = await req.json();\n  const r = s.safeParse(body);\n  if (!r.success) { log(body); return new Response(null, { status: 400 }); }\n  return Response.json(r.data);\n}",
        positions=((6, 25),),
        filename=ROUTE,
    ),
    Invalid(
        "'use server';\nexport async function rename(id: string, name: string) {\n  await db.project.update({ where: { id }, data: { name } });\n}",
        positions=((3, 38), (3, 52)),
        filename="app/actions.ts",
    ),
    Invalid(
        "'use server';\nexport const renameAction = actionClient.action(async ({ parsedInput }) => {\n  await save(parsedInput.name);\n});",
        positions=((3, 14),),
        filename="app/actions.ts",
    ),
    Invalid(
        "async function receive(req: Request) {\n  const raw = await req.text();\n  await db.log.create({ data: JSON.parse(raw) });\n  return new Response(null);\n}\nconst handler = withLogging(receive);\nexport { handler as GET, handler as POST };",
        positions=((3, 42),),
        filename=ROUTE,
    ),
    Invalid(
        "export async function POST(req: Request) {\n  const raw = await req.text();\n  const event = wh.verify(raw, req.headers) as { data: object };\n  await db.log.create({ data: event.data });\n  return new Response(null);\n}",
        positions=((4, 31),),
        filename=ROUTE,
    ),
    Invalid(
        "import { z } from 'zod';\nconst Paid = z.object({ id: z.string() });\nexport async function POST(req: Request) {\n  const event = await req.json();\n  if (event.type === 'paid') {\n    await markPaid(Paid.parse(event.data).id);\n  } else {\n    await db.log.create({ data: event.data });\n  }\n  return new Response(null);\n}",
        positions=((8, 33),),
        filename=ROUTE,
    ),
    Invalid(
        "function makeHandler(table: string) {\n  return async (req: Request) => {\n    const body = await req.json();\n    return Response.json(await db[table].create({ data: body }));\n  };\n}\nexport const POST = makeHandler('note');",
        positions=((4, 57),),
        filename=ROUTE,
    ),
    Invalid(
        "export async function POST(req: Request) {\n  const copy = req.clone();\n  const raw = Buffer.from(await copy.arrayBuffer());\n  const event = stripe.webhooks.constructEvent(raw, req.headers.get('stripe-signature'), secret);\n  await db.payment.create({ data: event.data.object });\n}",
        positions=((5, 35),),
        filename=ROUTE,
    ),
    Invalid(
        "export default async function handler(req, res) {\n  res.json(await db.find(req.query.id));\n}",
        positions=((2, 26),),
        filename="pages/api/item.ts",
    ),
]


def _inputs(
    ep: EntryPoint, requests: set[str], inputs: dict[str, str], _params: dict[str, str]
) -> tuple[set[str], dict[str, str]] | None:
    if ep.validated_by is not None:
        return None  # the wrapper validates the input with its schema (next-safe-action)
    return requests, inputs


def check(ctx: Context) -> None:
    report_unvalidated(ctx, _inputs)
