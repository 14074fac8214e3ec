"""Disallow `console.log` in production code of apps and packages.

## What it does
Reports `console.log`, `console.debug` and `console.trace` calls. Tests (`*.test.*`,
`*.spec.*`, `__tests__/`, `e2e/`), scripts (`scripts/`), Storybook stories, config files and
paths in option `ignore` are exempt; `console.error`, `console.warn` and `console.info` are
allowed (option `allow`).

## Why
Debug output left in a request path leaks data into production logs and buries the messages
that matter; structured logging belongs to a logger.

## Example
```ts
console.log("user", user)
```

## Use instead
```ts
logger.debug("user loaded", { userId: user.id })
```
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "ERR004"
NAME = "no-console-log"
MESSAGE = "console.log in production code; use a logger or remove it."
SEVERITY = "warning"
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"console\.(log|debug|trace)"
ESLINT_EQUIVALENTS = ("no-console",)
OPTIONS: dict[str, list[str]] = {"allow": ["error", "warn", "info"], "ignore": []}
_EXEMPT = re.compile(
    r"(^|/)(__tests__|__mocks__|tests?|e2e|scripts|\.storybook|playwright|cypress)/"
    r"|\.(test|spec|stories|config|e2e)\.[cm]?[jt]sx?$|(^|/)[^/]*\.config\.[cm]?[jt]s$"
)

VALID = [
    Valid("console.error('failed', e); console.warn('slow');"),
    Valid("console.log('in a test')", filename="src/user.test.ts"),
    Valid("console.log('a script')", filename="scripts/seed.ts"),
]
INVALID = [
    Invalid("export function f(u) {\n  console.log('user', u);\n}", positions=((2, 3),)),
    Invalid("console.debug(x)", positions=((1, 1),), options={"allow": []}),
]


def check(ctx: Context) -> None:
    path = ctx.source.path
    if _EXEMPT.search(path):
        return
    ignore = ctx.options.get("ignore") or []
    if isinstance(ignore, list) and any(
        re.fullmatch(str(g).replace("**", ".*").replace("*", "[^/]*"), path) for g in ignore
    ):
        return
    allow_raw = ctx.options.get("allow") or []
    allow = {str(a) for a in allow_raw} if isinstance(allow_raw, list) else set()
    for node in ctx.walk(frozenset({"call_expression"})):
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            continue
        obj = fn.child_by_field_name("object")
        prop = fn.child_by_field_name("property")
        if obj is None or prop is None or ctx.source.text(obj) != "console":
            continue
        method = ctx.source.text(prop)
        if method in ("log", "debug", "trace") and method not in allow:
            ctx.report(node, f"console.{method} in production code; use a logger or remove it")
