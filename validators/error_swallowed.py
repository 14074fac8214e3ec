"""Disallow `catch` blocks that swallow the error.

## What it does
Reports a non-empty `catch` block that neither rethrows, nor returns (an error response or
value), nor logs or reports the error (a call to `console.error/warn/log/info`, a `logger`,
`log`, `Sentry`, `captureException`, `reportError`, … — option `reporters` adds names).

## Why
Setting a flag or doing cleanup in a `catch` and carrying on hides the failure from the
caller, from the logs and from error tracking at once.

## Example
```ts
try {
  await chargeCustomer(order)
} catch {
  order.status = "pending"
}
```

## Use instead
Log or report it (`logger.error("charge failed", { error })`), return an error response, or
rethrow.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.validator import Context

CODE = "ERR002"
NAME = "no-swallowed-error"
MESSAGE = "catch block neither rethrows, returns nor reports the error."
SEVERITY = "warning"
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"\bcatch\b"
OPTIONS: dict[str, list[str]] = {"reporters": []}
_REPORTERS = re.compile(
    r"^(console\.(error|warn|log|info|debug)|(logger|log|Logger|logging|Sentry|sentry|"
    r"posthog|datadog|bugsnag|rollbar|honeybadger)\b.*|.*(captureException|captureError|"
    r"reportError|report|notify|logError|handleError|toast\.error|setError|onError)$)"
)

VALID = [
    Valid("try { a() } catch (e) { throw new Error('x', { cause: e }) }"),
    Valid("try { a() } catch (e) { return Response.json({ error: 'x' }, { status: 500 }) }"),
    Valid("try { a() } catch (e) { logger.error('failed', e); cleanup() }"),
    Valid("try { a() } catch (e) { if (e instanceof X) { console.warn(e) } }"),
    Valid("try { a() } catch (e) { Sentry.captureException(e); }"),
]
INVALID = [
    Invalid("try { a() } catch (e) { status = 'pending' }", positions=((1, 13),)),
    Invalid("try { a() } catch { cleanup(); }", positions=((1, 13),)),
]


def _handles(body: Node, ctx: Context, extra: set[str]) -> bool:
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type in ("throw_statement", "return_statement"):
            return True
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            name = ctx.source.text(fn) if fn is not None else ""
            if _REPORTERS.match(name) or name in extra or name.split(".")[-1] in extra:
                return True
        if n.type in ("function_declaration", "arrow_function", "function_expression"):
            continue
        stack.extend(n.named_children)
    return False


def check(ctx: Context) -> None:
    extra_raw = ctx.options.get("reporters") or []
    extra = {str(x) for x in extra_raw} if isinstance(extra_raw, list) else set()
    for node in ctx.walk(frozenset({"catch_clause"})):
        body = node.child_by_field_name("body")
        if body is None or body.named_child_count == 0:
            continue  # empty: ERR001
        if all(c.type == "comment" for c in body.named_children):
            continue
        if not _handles(body, ctx, extra):
            ctx.report(node)
