"""Disallow deep imports past a workspace package's `exports`.

## What it does
Reports an import of a file inside another workspace package that its `exports` map does not
expose (`@repo/database/internal/client` when only `"."` and `"./schema"` are exported). For a
package without an `exports` map, it reports imports into its `src/` folder. Test files
(`*.test.*`, `*.spec.*`, `*.stories.*`, `__tests__/`, `test/`, `e2e/`) may reach into other
packages' internals unless option `ignoreTests` is false.

## Why
`exports` is the package's public surface; anything else is an implementation detail that can
move without notice. Node, bundlers and TypeScript with `moduleResolution: bundler` refuse
such imports once the package is built.

## Example
```ts
import { prisma } from "@repo/database/client";
```

## Use instead
```ts
import { prisma } from "@repo/database";
```
or add the subpath to the package's `exports` if it is meant to be public.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.engine.imports import exports_allow
from orchestrator_tool.engine.validator import Invalid, Valid
from orchestrator_tool.workspace import manifest_rel

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "IMP004"
NAME = "no-deep-import"
MESSAGE = "Import reaches past the package's exports."
SEVERITY = "error"
IMPORTS_ONLY = True  # reads the imports alone: header-only files are not parsed
LANGUAGES = ("typescript", "tsx", "javascript")
WORKSPACE_FIXTURE = "next-forge"
OPTIONS = {"ignoreTests": True}
_TEST_FILE = re.compile(
    r"(^|/)(__tests__|__mocks__|tests?|e2e)/|\.(test|spec|stories)\.[cm]?[jt]sx?$"
)

VALID = [
    Valid(
        "import { client } from '@repo/database/client';", filename="apps/api/__tests__/x.test.ts"
    ),
    Valid(
        "import { db } from '@repo/database';\nimport { s } from '@repo/database/schema';",
        filename="apps/api/app/x.ts",
    ),
    Valid(
        "import { Button } from '@repo/design-system/components/button';",
        filename="apps/app/app/x.tsx",
    ),
    Valid("import { track } from '@repo/analytics/events';", filename="apps/web/app/x.ts"),
]
INVALID = [
    Invalid(
        "import { client } from '@repo/database/client';",
        positions=((1, 24),),
        filename="apps/api/app/x.test.ts",
        options={"ignoreTests": False},
    ),
    Invalid(
        "import { client } from '@repo/database/client';",
        positions=((1, 24),),
        filename="apps/api/app/x.ts",
    ),
    Invalid(
        "import { x } from '@repo/analytics/src/internal';",
        positions=((1, 19),),
        filename="apps/web/app/x.ts",
    ),
]


def check(ctx: Context) -> None:
    ws = ctx.workspace
    if ws is None:
        return
    if ctx.options.get("ignoreTests", True) and _TEST_FILE.search(ctx.source.path):
        return
    own = ctx.package.name if ctx.package else None
    manifest = manifest_rel(ctx.package.path if ctx.package else ".")
    for imp, res in ctx.package_imports():
        if "/" not in imp.specifier.lstrip("@"):
            continue
        if res.kind != "workspace" or not res.subpath or res.package in (None, own):
            continue
        target = ws.by_name[res.package]
        allowed = exports_allow(target.exports, res.subpath)
        # every import of one subpath from one package: one fix (the import or the exports)
        group = f"{manifest}:{res.package}{res.subpath[1:]}"
        if allowed is None:
            if res.subpath.startswith("./src/"):
                ctx.report(
                    span=(imp.start - 1, imp.end + 1),
                    message=f"{imp.specifier} reaches into {res.package}'s src/; import from its entry point",
                    group=group,
                )
        elif not allowed:
            ctx.report(
                span=(imp.start - 1, imp.end + 1),
                message=f"{res.package}'s exports do not expose {res.subpath!r}; "
                "import an exported path or add it to its exports",
                group=group,
            )
