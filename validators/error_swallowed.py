"""Disallow `catch` blocks that swallow the error.

## What it does
Reports a non-empty `catch` block that swallows the error: it does not use the caught error
at all (passing it on — `reject(e)`, `errors.push(e)`, `setError(e.message)`, `{ error }` —
is handling it), and it neither rethrows, returns, leaves the loop (`continue`/`break`),
calls something that never returns (`notFound()`, `redirect()`, `process.exit()`), nor logs
or reports the failure: a call to `console.*`, a `logger`/`log`/`Sentry`/… (also as
`this.logger?.error`), a logger object of the project's own (`jobLogger.error`,
`this._logger.warn`, `log.error`) or log function (`log(…)`, `this.log(…)`, `logger(…)`,
`auditLog(…)`), `captureException`, `reportError`, a toast or snackbar in any spelling
(`toast(…)`, `toastError(…)`, `showErrorToast(…)`), `notify…(…)`, `alert(…)`, `set…Error(…)`,
`show…Error…(…)`, `fail…(…)` and `…Failed(…)` (`cronFailed()`), `ctx.addIssue(…)`, a call handed an error (`settle({ error: reason })`,
`done(new Error(…))`), or a function of the same file that does one of these in its own body
(`const addDefaultError = useCallback(() => toast.error(…), [])`) — option `reporters` adds
names. A catch that records the failure in a variable read after the `try` (`failed++`,
`errors.push(…)`, `status = "error"` that the function later returns) hands it on and is
accepted, as is a catch inside `new Promise(…)` that settles it (`resolve(null)`, or a local
`finalize(null)` that calls `resolve`), and a catch that tries again: it repeats the `try`,
starts with the `try`'s first call (`recorder.start(slice)` / `recorder.start()`), or calls
the function it is in again, directly or from a timer (`setTimeout(() => connect(opts),
1000)`). So is a catch whose every statement calls what the `try` calls, with a fallback
value or the other way of doing it (`setCount(await load())` / `setCount(null)`; the same
call with the same arguments in both — `setBusy(false)` — is cleanup, not a fallback, and so
is a state flag the `try` only switches: `setLoading(true)` / `setLoading(false)`), or
assigns the fallback value of what the `try` computes (`try { keys = await get("keys") }
catch { keys = [] }`) — also behind a guard (`if (!cancelled) setValue("")`). A call named
for falling back (`downgradeToStorage()`, `useFallbackFont()`) is accepted. When the `try` is
one call (or awaited property) on an object, a catch that does the job on that object another
way is accepted (`conn.quit()` / `conn.disconnect()`, `await reader.closed` /
`reader.releaseLock()`). So is a catch around code that reports its own failures: a
react-query `mutate(…)` that is not awaited (it never throws), a `mutateAsync(…)` of a
mutation whose `onError` (in the `useMutation(…)` call or in the definition of the `use…`
hook that returns it) logs or reports, a callback handed in by the caller (a parameter or
prop such as `onSubmit`), or a function whose own `catch` logs or reports (found in the same
file or through its import). A comment in the block explaining the choice is accepted, as are
a `try` around a probe (see ERR001) and non-production code (see ERR004).

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

## Precision
5 of 26 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (19%; Wilson 95% lower bound 9%).
The rest reported or recovered in ways the rule does not see: a logger it does not know
(`ctx.warn`, `warnOnce`), the failure turned into UI or response state, a failure already
reported by the caller's toast, a counter of failures, an explicit `noop()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.analysis.catch_handling import (
    alternative,
    assigns_fallback,
    handles,
    mirrors_try,
    records_failure,
    retries,
    settles,
)
from orchestrator_tool.analysis.catches import catch_clauses, is_fallback_try, non_production_file
from orchestrator_tool.analysis.reporters import callee_reports, calls_reporter
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "ERR002"
NAME = "no-swallowed-error"
MESSAGE = "catch block neither rethrows, returns nor reports the error."
SEVERITY = "warning"
PRECISION = (5, 26)  # held-out corpus: (real defects, judged)
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"catch"
OPTIONS: dict[str, list[str]] = {"reporters": []}

VALID = [
    Valid("try { a() } catch (e) { throw new Error('x', { cause: e }) }"),
    Valid("try { await run(job) } catch { jobLogger.error('job failed'); status = 1 }"),
    Valid("try { await run() } catch { this.log('run failed'); this.busy = false }"),
    Valid("try { await run() } catch { this._logger?.warn('run failed') }"),
    Valid("try { await run() } catch (error) { controller.enqueue({ type: 'error', error }) }"),
    Valid("try { channel.send(m) } catch { settle({ error: abortError }) }"),
    Valid(
        "const addDefaultError = useCallback(() => { toast.error('Delete failed') }, []);\n"
        "const del = async () => { try { await remove(id) } catch { addDefaultError() } };"
    ),
    Valid(
        "let cancelled = false;\n"
        "try { const v = await load(); if (!cancelled) setValue(v) }\n"
        "catch { if (!cancelled) setValue('') }"
    ),
    Valid("try { recorder.start(1000); watch(recorder) } catch { recorder.start(); poll() }"),
    Valid(
        "const connect = async (opts) => {\n"
        "  try { await pool.connect() } catch { setTimeout(() => void connect(opts), 1000) }\n"
        "};"
    ),
    Valid(
        "new Promise((resolve) => {\n"
        "  const finish = (v) => { cleanup(); resolve(v) };\n"
        "  try { video.currentTime = t } catch { finish(null) }\n"
        "});"
    ),
    Valid("try { channel.postMessage(m) } catch { downgradeToStorage() }"),
    Valid(
        "try {\n"
        "  const res = await verify();\n"
        "  if (res.ok) { setSession(true); return }\n"
        "  setSession(false);\n"
        "} catch { setSession(false) }"
    ),
    Valid(
        "async function release() { try { await reader.closed } catch { reader.releaseLock() } }"
    ),
    Valid("try { a() } catch (e) { return Response.json({ error: 'x' }, { status: 500 }) }"),
    Valid("try { a() } catch (e) { logger.error('failed', e); cleanup() }"),
    Valid("try { a() } catch (e) { if (e instanceof X) { console.warn(e) } }"),
    Valid("try { a() } catch (e) { Sentry.captureException(e); }"),
    Valid("try { a() } catch (e) { this.logger.error('x'); done = true }"),
    Valid("try { a() } catch (err) { errors.push(err) }"),
    Valid("try { a() } catch { toast({ title: 'Failed', variant: 'destructive' }) }"),
    Valid("try { await move(f) } catch { toastError({ description: 'Move failed' }) }"),
    Valid("try { await copy(t) } catch { showErrorToast('Copy failed', 'Try again') }"),
    Valid("try { await cron() } catch (_e) { await cronFailed() }"),
    Valid("for (const x of xs) { try { a(x) } catch { continue } }"),
    Valid("try { a() } catch {\n  // best effort: the cache is optional\n  stale = true\n}"),
    Valid("try { a() } catch { notFound() }"),
    Valid("let keys = [];\ntry { keys = await get('keys') } catch { keys = [] }"),
    Valid("try { setCount(await load()) } catch { setCount(null) }"),
    Valid(
        "let failed = 0;\nfor (const id of ids) { try { await ban(id) } catch { failed++ } }\ntoast(`${failed} failed`);"
    ),
    Valid("async function close(c) { try { await c.quit() } catch { c.disconnect() } }"),
    Valid(
        "try { field.setFontSize(n) } catch (err) {\n  let da = field.getAppearance();\n  da += tf(n);\n  field.setAppearance(da);\n}"
    ),
    Valid("try { createTeam.mutate(values) } catch { setLoading(false) }"),
    Valid(
        "const save = useMutation({ mutationFn: put, onError: (e) => toast.error(e.message) });\nasync function go() { try { await save.mutateAsync(1) } catch { setLoading(false) } }"
    ),
    Valid(
        "function Form({ onSubmit }) {\n  const go = async () => { try { await onSubmit(values) } catch { setBusy(false) } };\n}"
    ),
    Valid(
        "const load = async () => { try { await get() } catch (e) { toast.error(e.message) } };\nconst click = async () => { try { await load() } catch { setBusy(false) } };"
    ),
]
INVALID = [
    Invalid("try { a() } catch (e) { status = 'pending' }", positions=((1, 13),)),
    Invalid(
        "async function go() { try { setBusy(true); await save() } catch { setBusy(false) } }",
        positions=((1, 59),),
    ),
    Invalid(
        "async function go() { try { await save() } catch { if (!cancelled) setBusy(false) } }",
        positions=((1, 44),),
    ),
    Invalid("try { await save() } catch { catalog.error = true }", positions=((1, 22),)),
    Invalid("try { a() } catch { cleanup(); }", positions=((1, 13),)),
    Invalid("try { await save(); setBusy(false) } catch { setBusy(false) }", positions=((1, 38),)),
    Invalid(
        "const save = useMutation({ mutationFn: put, onError: () => qc.setQueryData(k, prev) });\nasync function go() { try { await save.mutateAsync(1) } catch { setLoading(false) } }",
        positions=((2, 57),),
    ),
    Invalid(
        "async function pay(order) { try { await order.charge() } catch { order.status = 'open' } }",
        positions=((1, 58),),
    ),
]


def check(ctx: Context) -> None:
    if non_production_file(ctx.source, ctx.package):
        return
    extra_raw = ctx.options.get("reporters") or []
    extra = {str(x) for x in extra_raw} if isinstance(extra_raw, list) else set()
    for node in catch_clauses(ctx.source):
        body = node.child_by_field_name("body")
        if body is None or body.named_child_count == 0:
            continue  # empty: ERR001
        if not (
            handles(node, body, ctx, extra)
            or is_fallback_try(node.parent, ctx.source)
            or assigns_fallback(node, body, ctx)
            or records_failure(node, body, ctx)
            or mirrors_try(node, body, ctx)
            or alternative(node, body, ctx)
            or retries(node, body, ctx)
            or settles(node, body, ctx)
            or calls_reporter(body, ctx)
            or callee_reports(node, ctx)  # last: it may read other files
        ):
            ctx.report(node)
