"""Require a `"use server"` module to export only async functions.

## What it does
In a module that starts with `"use server"`, reports exports that are not async functions:
non-async functions, classes, and constants bound to values that are not functions (objects,
strings, numbers, arrays). Types, interfaces and constants bound to a call (an action built by
a client library such as next-safe-action) are accepted.

## Why
Every export of a `"use server"` module becomes a server action the client can call; Next.js
rejects anything else at build time ("Only async functions are allowed to be exported in a
'use server' file"), and a constant meant for sharing belongs in another module.

## Example
```ts
"use server";
export const MAX_USERS = 10;
export function rename(id: string) { … }
```

## Use instead
Move the constant to a plain module and make the action `async`.

## Precision
No findings to judge on the held-out corpus (24 public monorepos never used to tune the rules,
`tests/benchmarks/precision/`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.analysis.nextjs import module_directive
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "RSC004"
NAME = "use-server-exports-async-functions"
MESSAGE = 'A "use server" module exports something other than an async function.'
SEVERITY = "error"
PRECISION = (0, 0)  # held-out corpus: (real defects, judged)
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"use server"
_VALUE_TYPES = frozenset(
    {
        "object",
        "array",
        "string",
        "number",
        "template_string",
        "true",
        "false",
        "null",
        "regex",
        "new_expression",
    }
)

VALID = [
    Valid(
        "'use server';\nexport async function rename() {}\nexport const act = client.action(async () => {});\nexport type T = string;\nexport const f = async () => {};",
        filename="app/actions.ts",
    ),
    Valid("export const MAX = 10;", filename="app/constants.ts"),
]
INVALID = [
    Invalid(
        "'use server';\nexport const MAX = 10;\nexport function rename() {}\nexport class A {}",
        positions=((2, 1), (3, 1), (4, 1)),
        filename="app/actions.ts",
    ),
]


def check(ctx: Context) -> None:
    if module_directive(ctx.source) != "use server":
        return
    root = ctx.source.tree.root_node
    for stmt in root.named_children:
        if stmt.type != "export_statement":
            continue
        decl = stmt.child_by_field_name("declaration")
        if decl is None:
            continue
        if decl.type == "function_declaration" and not any(
            c.type == "async" for c in decl.children
        ):
            name = decl.child_by_field_name("name")
            ctx.report(
                stmt,
                f"{ctx.source.text(name) if name else 'function'} is not async: server actions must be async functions",
            )
        elif decl.type in ("class_declaration", "abstract_class_declaration"):
            ctx.report(stmt, 'a class cannot be exported from a "use server" module')
        elif decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                if d.type != "variable_declarator":
                    continue
                value = d.child_by_field_name("value")
                name = d.child_by_field_name("name")
                label = ctx.source.text(name) if name is not None else "value"
                if value is None or value.type in _VALUE_TYPES:
                    ctx.report(
                        stmt,
                        f'{label} is not an async function: move it out of the "use server" module',
                    )
                elif value.type in ("arrow_function", "function_expression") and not any(
                    c.type == "async" for c in value.children
                ):
                    ctx.report(
                        stmt, f"{label} is not async: server actions must be async functions"
                    )
