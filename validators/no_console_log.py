"""Disallow `console.log` in production code of apps and packages.

## What it does
Reports `console.log`, `console.debug` and `console.trace` calls in production code. Not
production code: tests (`*.test.*`, `*.spec.*`, `__tests__/`, `e2e/`, a package that depends
on a test runner), `scripts/`, `examples/`, `seeds/`, `migrations/` (`code-migrations/`…),
`fixtures/`, `bin/`, `.github/`, dev playgrounds and demo apps (`playground/`,
`playground-v6/`, `sandbox/`, `demo/` outside an app's source folders), Storybook stories,
config files, seed/generator/vite-plugin files, programs (a `#!` line, `process.exit(…)`, a
main-module guard, a file with no exports that calls its own `main()`/`build()`, a file a
package.json script runs: `"build": "node scripts/build.mjs"`, `tsx ./gen.ts` — except
scripts that start the product, such as `start`, `dev` or `worker`), command-line packages (a
`bin` in package.json, a dependency on commander/yargs/cac/citty/clipanion/meow/oclif/sade or
on a spinner such as ora, or an interactive prompt library — inquirer, prompts,
@clack/prompts, enquirer — with terminal output such as chalk, in a package that is not a
web app), and paths in option `ignore`.
Console output that is the point is not reported either: the project's logger module
(`logger.ts`, `log.ts`, `request-logger.ts`, `jobLogger.ts`, `logger/`), a file that
imports a terminal library (chalk, picocolors, ora, @clack/prompts…), a logger that writes to
the console (`{ log: (...a) => console.log(...a) }`), a call behind a debug flag (`if
(this.debug)`, `options.verbose && …`, `if (!this.showLogs) return`) or a development check
(`if (process.env.NODE_ENV === "development")`, `__DEV__ && …`), and a styled banner
(`console.log("%cAcme", style)`).
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

## Precision
20 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (50%; Wilson 95% lower bound 35%).
The rest were console output that is the point: build-time plugins and adapters talking to the
terminal, migration and admin tooling outside the folders the rule knows, benchmark and
test-setup files, demo apps whose UI says to look at the console, a server's listening banner.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.analysis.catches import (
    FUNCTION_NODES,
    TERMINAL_LIBRARIES,
    non_production_file,
)
from orchestrator_tool.engine.queries import word_tokens
from orchestrator_tool.engine.resolution import package_name_of
from orchestrator_tool.engine.validator import Invalid, Valid
from orchestrator_tool.formats import globs

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.validator import Context

CODE = "ERR004"
NAME = "no-console-log"
MESSAGE = "console.log in production code; use a logger or remove it."
SEVERITY = "warning"
PRECISION = (20, 40)  # held-out corpus: (real defects, judged)
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
GLOB_OPTIONS = ("ignore",)

VALID = [
    Valid("console.error('failed', e); console.warn('slow');"),
    Valid("export const log = (m: string) => console.log(m);", filename="src/lib/logger.ts"),
    Valid("export function log(m: string) { console.log(m) }", filename="src/utils/log.ts"),
    Valid(
        "import chalk from 'chalk';\nexport function banner() { console.log(chalk.bold('Acme')) }"
    ),
    Valid(
        "export class Client {\n  log(m: string) {\n    if (this.options.debug) console.log(m);\n  }\n}"
    ),
    Valid("export function debugLog(m: string) {\n  if (!showLogs) return;\n  console.log(m);\n}"),
    Valid("export const done = () => verbose && console.log('done');"),
    Valid("if (process.env.NODE_ENV === 'development') console.log('feedback', data);"),
    Valid("if (process.env.NODE_ENV !== 'production') { console.log('magic link', url) }"),
    Valid("console.log('%cAcme', 'font-weight: bold')"),
    Valid("console.log('try it')", filename="playground-v6/src/main.ts"),
    Valid("console.log('moved')", filename="packages/codemod/code-migrations/v2.ts"),
    Valid(
        "async function main() {\n  console.log('seeded');\n}\nmain().catch(console.error);",
        filename="packages/db/src/backfill.ts",
    ),
    Valid("console.log('in a test')", filename="src/user.test.ts"),
    Valid("console.log('a script')", filename="scripts/seed.ts"),
    Valid("console.log('example')", filename="examples/next/app/page.tsx"),
    Valid("#!/usr/bin/env node\nconsole.log('usage: x')", filename="packages/cli/src/index.ts"),
    Valid("export const logger = { log: (...a: unknown[]) => console.log(...a) };"),
]
INVALID = [
    Invalid("export function f(u) {\n  console.log('user', u);\n}", positions=((2, 3),)),
    Invalid(
        "export function f(u) {\n  if (u.admin) console.log('user', u);\n}",
        positions=((2, 16),),
    ),
    Invalid(
        "export function f(u) {\n  if (debug) { save(u) } else { console.log(u) }\n}",
        positions=((2, 33),),
    ),
    Invalid("console.log('changed')", positions=((1, 1),), filename="app/log-in/page.tsx"),
    Invalid(
        "if (process.env.NODE_ENV === 'production') console.log('booted');", positions=((1, 44),)
    ),
    Invalid("if (!isDev) console.log('booted');", positions=((1, 13),)),
    Invalid(
        "async function sweep() {}\nsweep();\nconsole.log('ready');",
        positions=((3, 1),),
        filename="src/offscreen/recorder.ts",
    ),
    Invalid("console.debug(x)", positions=((1, 1),), options={"allow": []}),
]


# The project's own logger: calling the console is what the module is for.
_LOGGER_MODULE = re.compile(
    r"(^|/)(?:\w+[-_])?(?:logger|loggers|logging)(?:/|(?:\.[\w-]+)?\.[cm]?[jt]sx?$)"
    r"|(^|/)log(?:\.[\w-]+)?\.[cm]?[jt]sx?$"
    r"|(^|/)[a-z]\w*Logger(?:\.[\w-]+)?\.[cm]?[jt]sx?$"
)


def check(ctx: Context) -> None:
    path = ctx.source.path
    if non_production_file(ctx.source, ctx.package):
        return
    ignore = ctx.options.get("ignore") or []
    if isinstance(ignore, list) and globs.matches_any((str(g) for g in ignore), path):
        return
    allow_raw = ctx.options.get("allow") or []
    allow = {str(a) for a in allow_raw} if isinstance(allow_raw, list) else set()
    found: list[tuple[Node, str]] = []
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
        if (
            method in ("log", "debug", "trace")
            and method not in allow
            and not _adapter(node, ctx)
            and not _styled(node, ctx)
            and not _debug_guarded(node, ctx)
        ):
            found.append((node, method))
    # What the file is for, asked only of a file with something to report.
    if not found or _LOGGER_MODULE.search(path) or _terminal_program(ctx):
        return
    for node, method in found:
        ctx.report(node, f"console.{method} in production code; use a logger or remove it")


def _terminal_program(ctx: Context) -> bool:
    """The file imports a library for a terminal (chalk, ora, @clack/prompts…): its console
    output is meant for the person at it."""
    return any(package_name_of(imp.specifier)[0] in TERMINAL_LIBRARIES for imp in ctx.imports())


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


def _styled(call: Node, ctx: Context) -> bool:
    """`console.log("%cAcme", "color: …")`: a styled banner, written to be seen."""
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return (
        first is not None
        and first.type in ("string", "template_string")
        and ctx.source.text(first)[1:].startswith("%c")
    )


# A flag that turns diagnostic output on (`debug`, `verbose`, `showLogs`) or off (`silent`),
# or a check that the code runs in development.
_DEBUG_FLAG = re.compile(
    r"(?i)debug|verbose|show_?logs|logging|log_?level|silent|quiet"
    # development only: `NODE_ENV === "development"`, `NODE_ENV !== "production"`, `__DEV__`
    r"|={2,3}\s*[\"'`]development[\"'`]|[\"'`]development[\"'`]\s*={2,3}"
    r"|!==?\s*[\"'`]production[\"'`]|[\"'`]production[\"'`]\s*!==?"
    r"|(?<![!\w$])(?:__DEV__|isDev|isDevelopment|IS_DEV)(?![\w$])"
)


def _debug_guarded(call: Node, ctx: Context) -> bool:
    """The call runs only behind a debug flag: `if (this.debug) console.log(…)`,
    `verbose && console.log(…)`, `opts.debug ? console.log(…) : null`, or after
    `if (!this.showLogs) return;` in the same function (an SDK's opt-in debug output)."""
    node = call
    while node.parent is not None and node.type not in FUNCTION_NODES:
        parent = node.parent
        condition: Node | None = None
        if parent.type == "if_statement" and node == parent.child_by_field_name("consequence"):
            condition = parent.child_by_field_name("condition")
        elif parent.type == "binary_expression" and node == parent.child_by_field_name("right"):
            op = parent.child_by_field_name("operator")
            if op is not None and ctx.source.text(op) == "&&":
                condition = parent.child_by_field_name("left")
        elif parent.type == "ternary_expression" and node == parent.child_by_field_name(
            "consequence"
        ):
            condition = parent.child_by_field_name("condition")
        if condition is not None and _DEBUG_FLAG.search(ctx.source.text(condition)):
            return True
        if parent.type == "statement_block":
            earlier = node.prev_named_sibling
            while earlier is not None:
                if _returns_unless_debug(earlier, ctx):
                    return True
                earlier = earlier.prev_named_sibling
        node = parent
    return False


def _returns_unless_debug(stmt: Node, ctx: Context) -> bool:
    """`if (!this.debug) return;`: what follows runs only with the flag on."""
    if stmt.type != "if_statement" or stmt.child_by_field_name("alternative") is not None:
        return False
    condition = stmt.child_by_field_name("condition")
    body = stmt.child_by_field_name("consequence")
    if body is not None and body.type == "statement_block" and body.named_child_count == 1:
        body = body.named_children[0]
    return (
        condition is not None
        and body is not None
        and body.type == "return_statement"
        and bool(_DEBUG_FLAG.search(ctx.source.text(condition)))
    )
