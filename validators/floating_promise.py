"""Disallow promises created and dropped in a server entry point.

## What it does
Inside route handlers, server actions and Pages Router API handlers, reports a call used as a
bare statement — not awaited, returned, assigned, chained with `.then`/`.catch` or marked
`void` — when the function called is declared `async` in the same file or in the workspace
module its import leads to (relative paths, tsconfig aliases, workspace packages, through up to
three barrel re-exports), or is a known async API (`fetch`, and the names in option
`asyncFunctions`). Calls of methods (`client.send()`), of external packages' functions and of
names bound to something other than a function (`const log = dev ? noop : logger.log`) are not
judged: no definition is read for them. An async function whose own body
neither awaits nor returns a value is left out: its promise settles as soon as the call
returns (such helpers queue their work elsewhere, as into a list the handler awaits).

## Why
A serverless function may be frozen or torn down as soon as the response is returned: the
dropped promise's work (an email, a write) may never happen, and its rejection is unhandled.

## Example
```ts
export async function POST(req: Request) {
  sendWelcomeEmail(user);
  return Response.json({ ok: true });
}
```

## Use instead
`await sendWelcomeEmail(user)`, or hand it to the platform: `after(() => sendWelcomeEmail(user))`
(Next.js) / `waitUntil(...)`; write `void sendWelcomeEmail(user)` to drop it on purpose.

## Precision
No findings to judge on the held-out corpus (24 public monorepos never used to tune the rules,
`tests/benchmarks/precision/`); on the tuning set, 20 of 20 findings judged by hand were real
defects (100%; Wilson 95% lower bound 84%), 19 of them one pattern in one repository.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.analysis.helpers import helper_index_for
from orchestrator_tool.analysis.nextjs import (
    ENTRY_POINT_PATHS,
    FUNCTION_TYPES,
    distinct_entry_points,
    function_body,
)
from orchestrator_tool.engine.queries import async_functions
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.validator import Context

CODE = "ERR005"
NAME = "no-floating-promise-in-handler"
MESSAGE = "Promise created and dropped in a server entry point."
SEVERITY = "warning"
PRECISION = (20, 20)  # tuning set (none on the held-out corpus): (real defects, judged)
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"use server"
PREFILTER_EXEMPT_PATHS = ENTRY_POINT_PATHS
ESLINT_EQUIVALENTS = ("@typescript-eslint/no-floating-promises",)
BIOME_EQUIVALENTS = ("lint/nursery/noFloatingPromises",)
OPTIONS: dict[str, list[str]] = {"asyncFunctions": []}

ROUTE = "app/api/x/route.ts"
VALID = [
    Valid(
        "async function send() {}\nexport async function POST() {\n  await send();\n  void send();\n  send().catch(() => {});\n  return Response.json({});\n}",
        filename=ROUTE,
    ),
    Valid(
        "function sync() {}\nexport async function POST() {\n  sync();\n  return Response.json({});\n}",
        filename=ROUTE,
    ),
    Valid(
        "async function save() {\n  await fetch('https://example.com');\n}\nexport async function POST() {\n  return stream({ async onDone() {\n    save();\n  } });\n}",
        filename=ROUTE,
    ),
    Valid(
        "export async function POST() {\n  const jobs: Promise<void>[] = [];\n  async function queue(id: string) {\n    jobs.push(run(id));\n  }\n  queue('a');\n  await Promise.all(jobs);\n  return Response.json({});\n}",
        filename=ROUTE,
    ),
]
INVALID = [
    Invalid(
        "async function send() {\n  await fetch('https://example.com');\n}\nexport async function POST() {\n  send();\n  return Response.json({});\n}",
        positions=((5, 3),),
        filename=ROUTE,
    ),
    Invalid(
        "export async function GET() {\n  fetch('https://example.com/ping');\n  return new Response(null);\n}",
        positions=((2, 3),),
        filename=ROUTE,
    ),
]


def _async_names(ctx: Context) -> set[str]:
    return {
        ctx.source.text(name)
        for _, name, fn in async_functions(ctx.source)
        if _leaves_work_pending(fn)
    }


def _leaves_work_pending(fn: Node) -> bool:
    """Whether an async function's promise can settle after its call returns: its own body
    (not the callbacks in it) awaits or returns a value. One that does neither settles once its
    synchronous body has run, so dropping its promise drops no work."""
    body = function_body(fn)
    if body is None or body.type != "statement_block":
        return True  # `async () => expr`: the expression's promise is what it returns
    stack = list(body.named_children)
    while stack:
        n = stack.pop()
        if n.type in FUNCTION_TYPES:
            continue
        if n.type == "await_expression":
            return True
        if n.type == "for_in_statement" and any(c.type == "await" for c in n.children):
            return True  # for await (…)
        if n.type == "return_statement" and n.named_children:
            return True
        stack.extend(n.named_children)
    return False


def check(ctx: Context) -> None:
    eps = distinct_entry_points(ctx.source)
    if not eps:
        return
    extra_raw = ctx.options.get("asyncFunctions") or []
    known = (
        _async_names(ctx)
        | {"fetch"}
        | ({str(x) for x in extra_raw} if isinstance(extra_raw, list) else set())
    )
    imported: dict[str, bool] = {}
    # A function of this file, at any depth, shadows an import of the same name.
    local = {ctx.source.text(name) for _, name, _ in async_functions(ctx.source)}

    def dropped_promise(name: str) -> bool:
        if name in known:
            return True
        if ctx.workspace is None or not name.isidentifier() or name in local:
            return False
        if name not in imported:
            found = helper_index_for(ctx.state).definition(ctx.source, name)
            imported[name] = (
                found is not None
                and found[0].path != ctx.source.path
                and any(c.type == "async" for c in found[1].children)
                and _leaves_work_pending(found[1])
            )
        return imported[name]

    for ep, names in eps:
        body = function_body(ep.function)
        if body is None:
            continue
        stack = [body]
        while stack:
            n = stack.pop()
            if n.type in FUNCTION_TYPES or n.type == "method_definition":
                continue  # callbacks (and methods handed over in objects) run on their own schedule
            if n.type == "expression_statement" and n.named_children:
                expr = n.named_children[0]
                if expr.type == "call_expression":
                    fn = expr.child_by_field_name("function")
                    name = ctx.source.text(fn) if fn is not None else ""
                    if dropped_promise(name):
                        ctx.report(
                            expr,
                            f"{name}(...) returns a promise that {names} drops: await it or hand it to after()/waitUntil()",
                        )
            stack.extend(n.named_children)
