"""Disallow async components in `"use client"` modules.

## What it does
In a module that starts with `"use client"`, reports an `async` function whose name starts
with a capital letter (a component) — declared, or assigned to a capitalised constant.

## Why
Client Components cannot be async: React renders them synchronously in the browser, and
Next.js errors at runtime ("async/await is not yet supported in Client Components"). Data
loading belongs in a Server Component or an effect/query hook.

## Example
```tsx
"use client";
export default async function Profile() {
  const user = await getUser();
  return <p>{user.name}</p>;
}
```

## Use instead
Fetch in a Server Component and pass the data down, or use a data hook in the client
component.

## Precision
2 of 2 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (100%; Wilson 95% lower bound 34%).
An error by default. Both were async `"use client"` pages that await their params and then call
hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.analysis.nextjs import module_directive
from orchestrator_tool.engine.queries import async_functions
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "RSC003"
NAME = "no-async-client-component"
MESSAGE = 'Async component in a "use client" module.'
SEVERITY = "error"
PRECISION = (2, 2)  # held-out corpus: (real defects, judged)
LANGUAGES = ("tsx", "javascript", "typescript")
PREFILTER = rb"use client"
# (a nursery rule when Biome 2.2 added it, later promoted to correctness)
BIOME_EQUIVALENTS = (
    "lint/correctness/noNextAsyncClientComponent",
    "lint/nursery/noNextAsyncClientComponent",
)

VALID = [
    Valid(
        "'use client';\nexport function Profile() { return null; }\nasync function load() {}",
        filename="app/p.tsx",
    ),
    Valid("export default async function Page() { return null; }", filename="app/page.tsx"),
]
INVALID = [
    Invalid(
        "'use client';\nexport default async function Profile() {\n  return null;\n}",
        positions=((2, 16),),
        filename="app/p.tsx",
    ),
    Invalid(
        "'use client';\nexport const Card = async () => null;",
        positions=((2, 14),),
        filename="app/p.tsx",
    ),
]


def check(ctx: Context) -> None:
    if module_directive(ctx.source) != "use client":
        return
    for decl, name, fn in async_functions(ctx.source):
        if fn.type == "generator_function_declaration" or not ctx.source.text(name)[:1].isupper():
            continue
        ctx.report(decl, f'{ctx.source.text(name)} is an async component in a "use client" module')
