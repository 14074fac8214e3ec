"""Disallow `catch` blocks that swallow the error.

## What it does
Reports a non-empty `catch` block that swallows the error: it does not use the caught error
at all (passing it on — `reject(e)`, `errors.push(e)`, `setError(e.message)` — is handling
it), and it neither rethrows, returns, leaves the loop (`continue`/`break`), calls something
that never returns (`notFound()`, `redirect()`, `process.exit()`), nor logs or reports the
failure: a call to `console.*`, a `logger`/`log`/`Sentry`/… (also as `this.logger.error`),
`captureException`, `reportError`, `toast(…)`, `alert(…)`, `set…Error(…)`, `ctx.addIssue(…)`
— option `reporters` adds names. A catch that records the failure in a variable read after
the `try` (`failed++`, `errors.push(…)`, `status = "error"` that the function later returns)
hands it on and is accepted, as is a catch whose every statement calls what the `try` calls,
with a fallback value or the other way of doing it (`setCount(await load())` /
`setCount(null)`). A comment in the block explaining the choice is accepted,
as are deliberate fallbacks: a catch that only assigns the fallback value of what the `try`
computes (`try { keys = await get("keys") } catch { keys = [] }`), a `try` around a probe
(see ERR001), and non-production code (see ERR004).

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

from orchestrator_tool.engine.catches import is_fallback_try, non_production_file
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.validator import Context

CODE = "ERR002"
NAME = "no-swallowed-error"
MESSAGE = "catch block neither rethrows, returns nor reports the error."
SEVERITY = "warning"
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"catch"
OPTIONS: dict[str, list[str]] = {"reporters": []}
_REPORTERS = re.compile(
    r"(^|\.)(console|logger|log|Logger|logging|Sentry|sentry|posthog|datadog|bugsnag|rollbar"
    r"|honeybadger|toast)\.\w+$"
    r"|(^|\.)(captureException|captureError|captureMessage|reportError|report|notify|logError"
    r"|handleError|toast|alert|setError|set\w*Error\w*|onError|addIssue|\w*Issue|showError|errorToast"
    r"|notFound|redirect|permanentRedirect|unauthorized|forbidden|exit|fail|reject)$"
)

VALID = [
    Valid("try { a() } catch (e) { throw new Error('x', { cause: e }) }"),
    Valid("try { a() } catch (e) { return Response.json({ error: 'x' }, { status: 500 }) }"),
    Valid("try { a() } catch (e) { logger.error('failed', e); cleanup() }"),
    Valid("try { a() } catch (e) { if (e instanceof X) { console.warn(e) } }"),
    Valid("try { a() } catch (e) { Sentry.captureException(e); }"),
    Valid("try { a() } catch (e) { this.logger.error('x'); done = true }"),
    Valid("try { a() } catch (err) { errors.push(err) }"),
    Valid("try { a() } catch { toast({ title: 'Failed', variant: 'destructive' }) }"),
    Valid("for (const x of xs) { try { a(x) } catch { continue } }"),
    Valid("try { a() } catch {\n  // best effort: the cache is optional\n  stale = true\n}"),
    Valid("try { a() } catch { notFound() }"),
    Valid("let keys = [];\ntry { keys = await get('keys') } catch { keys = [] }"),
    Valid("try { setCount(await load()) } catch { setCount(null) }"),
    Valid(
        "let failed = 0;\nfor (const id of ids) { try { await ban(id) } catch { failed++ } }\ntoast(`${failed} failed`);"
    ),
]
INVALID = [
    Invalid("try { a() } catch (e) { status = 'pending' }", positions=((1, 13),)),
    Invalid("try { a() } catch { cleanup(); }", positions=((1, 13),)),
]


def _handles(clause: Node, body: Node, ctx: Context, extra: set[str]) -> bool:
    param = clause.child_by_field_name("parameter")
    error_name = (
        ctx.source.text(param) if param is not None and param.type == "identifier" else None
    )
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type in (
            "throw_statement",
            "return_statement",
            "continue_statement",
            "break_statement",
            "comment",
        ):
            return True
        if error_name is not None and n.type == "identifier" and ctx.source.text(n) == error_name:
            return True  # the error is passed on or inspected
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            name = re.sub(r"\s+", "", ctx.source.text(fn)) if fn is not None else ""
            if _REPORTERS.search(name) or name in extra or name.split(".")[-1] in extra:
                return True
        if n.type in ("function_declaration", "arrow_function", "function_expression"):
            continue
        stack.extend(n.named_children)
    return False


def _assigned(node: Node, ctx: Context) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("assignment_expression", "augmented_assignment_expression"):
            left = n.child_by_field_name("left")
            if left is not None:
                out.add(ctx.source.text(left))
        elif n.type == "variable_declarator":
            name = n.child_by_field_name("name")
            if name is not None:
                out.add(ctx.source.text(name))
        stack.extend(n.named_children)
    return out


def _assigns_fallback(clause: Node, body: Node, ctx: Context) -> bool:
    """`try { x = await load() } catch { x = [] }`: the catch supplies the fallback value for
    what the try computes — the error is the expected "not available" outcome."""
    try_stmt = clause.parent
    try_body = try_stmt.child_by_field_name("body") if try_stmt is not None else None
    if try_body is None:
        return False
    stmts = [c for c in body.named_children if c.type != "comment"]
    caught = _assigned(body, ctx)
    return (
        bool(caught)
        and all(
            c.type == "expression_statement"
            and c.named_children
            and c.named_children[0].type in ("assignment_expression",)
            for c in stmts
        )
        and caught <= _assigned(try_body, ctx)
    )


def _called(node: Node, ctx: Context) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            if fn is not None:
                out.add(ctx.source.text(fn).rsplit(".", 1)[-1])
        stack.extend(n.named_children)
    return out


def _mirrors_try(clause: Node, body: Node, ctx: Context) -> bool:
    """`try { setCount(await load()) } catch { setCount(null) }`, `try { finish(tint(img)) }
    catch { finish(null) }`: every statement of the catch calls what the try calls, with a
    fallback value or the other way of doing it."""
    try_stmt = clause.parent
    try_body = try_stmt.child_by_field_name("body") if try_stmt is not None else None
    stmts = [c for c in body.named_children if c.type != "comment"]
    if try_body is None or not stmts:
        return False
    in_try = _called(try_body, ctx)
    for st in stmts:
        expr = (
            st.named_children[0]
            if st.type == "expression_statement" and st.named_children
            else None
        )
        while expr is not None and expr.type == "await_expression" and expr.named_children:
            expr = expr.named_children[0]
        if expr is None or expr.type != "call_expression":
            return False
        fn = expr.child_by_field_name("function")
        if fn is None or ctx.source.text(fn).rsplit(".", 1)[-1] not in in_try:
            return False
    return True


_MUTATORS = frozenset({"push", "unshift", "add", "set", "append"})


def _recorded(body: Node, ctx: Context) -> set[str]:
    """Names the catch records something in: `failed++`, `errors.push(…)`, `status = "error"`,
    `result.ok = false`."""
    out: set[str] = set()
    stack = [body]
    while stack:
        n = stack.pop()
        target: Node | None = None
        if n.type in ("assignment_expression", "augmented_assignment_expression"):
            target = n.child_by_field_name("left")
        elif n.type == "update_expression":
            target = n.child_by_field_name("argument")
        elif n.type == "call_expression":
            fn = n.child_by_field_name("function")
            prop = fn.child_by_field_name("property") if fn is not None else None
            if (
                fn is not None
                and fn.type == "member_expression"
                and prop is not None
                and ctx.source.text(prop) in _MUTATORS
            ):
                target = fn.child_by_field_name("object")
        while target is not None and target.type in ("member_expression", "subscript_expression"):
            target = target.child_by_field_name("object")
        if target is not None and target.type == "identifier":
            out.add(ctx.source.text(target))
        if n.type not in ("arrow_function", "function_expression", "function_declaration"):
            stack.extend(n.named_children)
    return out


def _records_failure(clause: Node, body: Node, ctx: Context) -> bool:
    """The catch records the failure in a variable the code reads after the `try` — a count,
    an error list, a status the function returns — so the caller hears of it."""
    names = _recorded(body, ctx)
    try_stmt = clause.parent
    if not names or try_stmt is None:
        return False
    after = try_stmt.next_named_sibling
    node: Node | None = try_stmt
    # also the code after the enclosing loop or block: `for (…) { try … catch { failed++ } }`
    while after is None and node is not None and node.parent is not None:
        node = node.parent
        if node.type in FUNCTION_NODES:
            break
        after = node.next_named_sibling
    while after is not None:
        text = ctx.source.text(after)
        if any(re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", text) for n in names):
            return True
        after = after.next_named_sibling
    return False


FUNCTION_NODES = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "method_definition"}
)


def check(ctx: Context) -> None:
    if non_production_file(ctx.source, ctx.package):
        return
    extra_raw = ctx.options.get("reporters") or []
    extra = {str(x) for x in extra_raw} if isinstance(extra_raw, list) else set()
    for node in ctx.walk(frozenset({"catch_clause"})):
        body = node.child_by_field_name("body")
        if body is None or body.named_child_count == 0:
            continue  # empty: ERR001
        if (
            is_fallback_try(node.parent, ctx.source)
            or _assigns_fallback(node, body, ctx)
            or _records_failure(node, body, ctx)
            or _mirrors_try(node, body, ctx)
        ):
            continue
        if not _handles(node, body, ctx, extra):
            ctx.report(node)
