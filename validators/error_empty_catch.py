"""Disallow empty `catch` blocks.

## What it does
Reports a `catch` block with no statement and no comment in it, outside tests, scripts and
other non-production code (as ERR004 defines it). A `try` that only probes something expected
to fail — `JSON.parse`, `new URL`, `decodeURIComponent`, `localStorage`, `Intl`, `res.json()`,
closing or stopping a resource — is a deliberate fallback and is not reported.

## Why
An empty `catch` turns every failure in the `try` into silent success: the request returns
as if it worked, and nothing is left to debug with. (A comment saying why the error is
ignored is accepted, as in eslint's `no-empty`.)

## Example
```ts
try { await sendEmail(user) } catch {}
```

## Use instead
```ts
try { await sendEmail(user) } catch (error) { logger.warn("welcome email failed", { error }) }
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.engine.catches import is_fallback_try, non_production_file
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "ERR001"
NAME = "no-empty-catch"
MESSAGE = "Empty catch block: the error disappears."
SEVERITY = "error"
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"catch"
ESLINT_EQUIVALENTS = ("no-empty",)

VALID = [
    Valid("try { a() } catch (e) { log(e) }"),
    Valid("try { a() } catch {\n  // optional: the cache may be cold\n}"),
    Valid("promise.catch(() => {});"),
    Valid("let u = null; try { u = new URL(raw) } catch {}"),
    Valid("try { a() } catch {}", filename="scripts/seed.ts"),
]
INVALID = [
    Invalid("try { a() } catch (e) {}", positions=((1, 13),)),
    Invalid("try {\n  a()\n} catch {\n}", positions=((3, 3),)),
]


def check(ctx: Context) -> None:
    if non_production_file(ctx.source, ctx.package):
        return
    for node in ctx.walk(frozenset({"catch_clause"})):
        body = node.child_by_field_name("body")
        if (
            body is not None
            and body.named_child_count == 0
            and not is_fallback_try(node.parent, ctx.source)
        ):
            ctx.report(node)
