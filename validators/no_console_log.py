"""Disallow `console.log` in production code of apps and packages.

## What it does
Reports `console.log`, `console.debug` and `console.trace` calls in production code. Not
production code: tests (`*.test.*`, `*.spec.*`, `__tests__/`, `e2e/`), `scripts/`,
`examples/`, `seeds/`, `migrations/`, `fixtures/`, `bin/`, Storybook stories, config files,
seed/generator/vite-plugin files, programs (a `#!` line, `process.exit(…)`, a main-module
guard), command-line packages (a `bin` in package.json, or a dependency on
commander/yargs/cac/citty/clipanion/meow/oclif), and paths in option `ignore`. A
`console.log` that *is* a logger's output (`{ log: (...a) => console.log(...a) }`) is not
reported.
`console.error`, `console.warn` and `console.info` are allowed (option `allow`).

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

from orchestrator_tool.engine.catches import non_production_file
from orchestrator_tool.engine.validator import Invalid, Valid, word_tokens

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.validator import Context

CODE = "ERR004"
NAME = "no-console-log"
MESSAGE = "console.log in production code; use a logger or remove it."
SEVERITY = "warning"
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"console\.(log|debug|trace)"
ESLINT_EQUIVALENTS = ("no-console",)
# noConsole (nursery when it was added in Biome 1.6), and Biome 1's noConsoleLog.
BIOME_EQUIVALENTS = (
    "lint/suspicious/noConsole",
    "lint/nursery/noConsole",
    "lint/suspicious/noConsoleLog",
)
OPTIONS: dict[str, list[str]] = {"allow": ["error", "warn", "info"], "ignore": []}

VALID = [
    Valid("console.error('failed', e); console.warn('slow');"),
    Valid("console.log('in a test')", filename="src/user.test.ts"),
    Valid("console.log('a script')", filename="scripts/seed.ts"),
    Valid("console.log('example')", filename="examples/next/app/page.tsx"),
    Valid("#!/usr/bin/env node\nconsole.log('usage: x')", filename="packages/cli/src/index.ts"),
    Valid("export const logger = { log: (...a: unknown[]) => console.log(...a) };"),
]
INVALID = [
    Invalid("export function f(u) {\n  console.log('user', u);\n}", positions=((2, 3),)),
    Invalid("console.debug(x)", positions=((1, 1),), options={"allow": []}),
]


def check(ctx: Context) -> None:
    path = ctx.source.path
    if non_production_file(ctx.source, ctx.package):
        return
    ignore = ctx.options.get("ignore") or []
    if isinstance(ignore, list) and any(
        re.fullmatch(str(g).replace("**", ".*").replace("*", "[^/]*"), path) for g in ignore
    ):
        return
    allow_raw = ctx.options.get("allow") or []
    allow = {str(a) for a in allow_raw} if isinstance(allow_raw, list) else set()
    for obj in word_tokens(ctx.source, "console"):
        fn = obj.parent
        if fn is None or fn.type != "member_expression":
            continue
        node = fn.parent
        prop = fn.child_by_field_name("property")
        if (
            node is None
            or node.type != "call_expression"
            or prop is None
            or fn.child_by_field_name("object") != obj
            or node.child_by_field_name("function") != fn
        ):
            continue
        method = ctx.source.text(prop)
        if method in ("log", "debug", "trace") and method not in allow and not _adapter(node, ctx):
            ctx.report(node, f"console.{method} in production code; use a logger or remove it")


_LOG_KEYS = frozenset({"log", "info", "debug", "trace", "verbose", "write", "print"})


def _adapter(call: Node, ctx: Context) -> bool:
    """`log: (...args) => console.log(...args)`, `debug(msg) { console.debug(msg) }`: a
    logger that writes to the console."""
    node = call.parent
    for _ in range(4):
        if node is None:
            return False
        if node.type == "pair":
            key = node.child_by_field_name("key")
            return key is not None and ctx.source.text(key) in _LOG_KEYS
        if node.type == "method_definition":
            name = node.child_by_field_name("name")
            return name is not None and ctx.source.text(name) in _LOG_KEYS
        node = node.parent
    return False
