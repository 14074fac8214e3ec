"""Disallow empty `catch` blocks.

## What it does
Reports a `catch` block with no statement and no comment in it, outside tests, scripts and
other non-production code (as ERR004 defines it). A `try` that probes something expected to
fail — `JSON.parse`, a schema's `.parse`, `new URL`, `decodeURIComponent`, `localStorage`,
`Intl`, `res.json()`, closing, quitting or stopping a resource, killing a process, removing a
temporary file (`fs.unlink`, `fs.rm`, `tmp.cleanup()`), `Promise.allSettled(…)` (which never
rejects) — is a deliberate fallback and is not reported. Besides the probe, such a `try` may call string and
array methods, state setters, methods on a call's result, and plain functions it does not
await (a small helper, an optional callback such as `onChange?.(x)`); callbacks defined in it
run later and are not looked at. An awaited call other than a probe, a `…Sync` call, or
another method call is real work: then the empty catch is reported. A `try` in a teardown
function (`destroy…`, `dispose…`, `cleanup…`, `close…`, `stop…`, `shutdown…`,
`disconnect…`, `unsubscribe…`, `quit…`, `unmount…`) that awaits nothing is accepted too,
and so is a `try` that is one attempt of a loop and returns on success (`for (const url of
mirrors) { try { return await download(url) } catch {} }`: a failure moves on to the next).

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

## Precision
11 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (28%; Wilson 95% lower bound 16%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.ERR001] severity =
"error"` makes it an error. Most empty catches were probes the rule does not know (`new URL`,
`localStorage`, `matchMedia`, `response.text()`, a selector that may be invalid) or deliberate
best-effort code (an analytics SDK that must never throw into its host, an abort-only
rejection).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.analysis.catches import catch_clauses, is_fallback_try, non_production_file
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "ERR001"
NAME = "no-empty-catch"
MESSAGE = "Empty catch block: the error disappears."
SEVERITY = "error"
PRECISION = (11, 40)  # held-out corpus: (real defects, judged)
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"catch"
ESLINT_EQUIVALENTS = ("no-empty",)
# Biome's port of `no-empty` (it reports empty catch blocks, and other empty blocks).
BIOME_EQUIVALENTS = ("lint/suspicious/noEmptyBlockStatements",)

VALID = [
    Valid("try { a() } catch (e) { log(e) }"),
    Valid("try { a() } catch {\n  // optional: the cache may be cold\n}"),
    Valid("promise.catch(() => {});"),
    Valid("let u = null; try { u = new URL(raw) } catch {}"),
    Valid("let cfg = defaults; try { cfg = ConfigSchema.parse(JSON.parse(raw)) } catch {}"),
    Valid("try { a() } catch {}", filename="scripts/seed.ts"),
    Valid("try { a() } catch {}", filename="playground/src/main.ts"),
    Valid("async function main() { try { await a() } catch {} }\nmain();", filename="src/gen.ts"),
    Valid("try { const u = new URL(raw); key = encodeKey(u.pathname); onChange?.(key) } catch {}"),
    Valid("try { await Promise.allSettled([db.token.delete(q), redis.del(k)]) } catch {}"),
    Valid("function destroyAudio(gain) { try { gain.gain.cancelScheduledValues(0) } catch {} }"),
    Valid("async function close(conn) { try { await conn.quit() } catch {} }"),
    Valid("try { proc.kill('SIGTERM') } catch {}\nawait waitForExit(proc);"),
    Valid("try { await fs.unlink(tmpPath) } catch {}"),
    Valid(
        "for (const url of mirrors) {\n  try { return await download(url) } catch {}\n}\nthrow new Error('no mirror');"
    ),
    Valid("try { new URL(raw); fetch(raw).then(async (r) => show(await r.json())) } catch {}"),
]
INVALID = [
    Invalid("try { a() } catch (e) {}", positions=((1, 13),)),
    Invalid(
        "for (const u of users) {\n  try { await notify(u) } catch {}\n}", positions=((2, 27),)
    ),
    Invalid(
        "export async function ping(url: string) {\n  try { await fetch(url) } catch {}\n}",
        positions=((2, 28),),
    ),
    Invalid("try {\n  a()\n} catch {\n}", positions=((3, 3),)),
    Invalid("try { const d = JSON.parse(raw); await db.save(d) } catch {}", positions=((1, 53),)),
    Invalid(
        "try { const d = JSON.parse(raw); writeFileSync(p, d) } catch {}", positions=((1, 56),)
    ),
    Invalid(
        "async function cleanupOld() { try { await db.deleteMany() } catch {} }",
        positions=((1, 61),),
    ),
]


def check(ctx: Context) -> None:
    if non_production_file(ctx.source, ctx.package):
        return
    for node in catch_clauses(ctx.source):
        body = node.child_by_field_name("body")
        if (
            body is not None
            and body.named_child_count == 0
            and not is_fallback_try(node.parent, ctx.source)
        ):
            ctx.report(node)
