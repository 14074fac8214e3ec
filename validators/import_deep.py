"""Disallow deep imports past a workspace package's `exports`.

## What it does
Reports an import of a file inside another workspace package that its `exports` map does not
expose (`@repo/database/internal/client` when only `"."` and `"./schema"` are exported). For a
package without an `exports` map, it reports imports into its `src/` folder, and reads the
package's entry point to say what to do: import the names from the package when its entry
exports them all, else add the subpath to its `exports`. A Vite query (`?url`, `?inline`,
`?raw`, `?worker`) is judged by the path before it. All imports of one subpath from one
package are one finding, at the first, with the others listed. Test files (`*.test.*`,
`*.spec.*`, `*.stories.*`, `__tests__/`, `test/`, `e2e/`) may reach into other packages'
internals unless option `ignoreTests` is false.

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
when the entry point exports it, or add the subpath to the package's `exports` if it is meant
to be public (the only fix when the entry point does not export what the import takes).

## Precision
4 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (10%; Wilson 95% lower bound 4%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.IMP004] severity =
"error"` makes it an error. Almost every other finding imported the `src/` of a package that is
meant to be used that way: no `exports` map and `files: ["src"]`, an empty or commented entry
point that says to import from `src/`, tsconfig paths that bypass the `exports` map on purpose.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.analysis.entry import entry_index_for
from orchestrator_tool.engine.imports import bindings
from orchestrator_tool.engine.resolution import exports_allow
from orchestrator_tool.engine.validator import Invalid, Valid
from orchestrator_tool.workspace import manifest_rel

if TYPE_CHECKING:
    from orchestrator_tool.engine.import_model import Import
    from orchestrator_tool.engine.validator import Context
    from orchestrator_tool.workspace import Package

CODE = "IMP004"
NAME = "no-deep-import"
MESSAGE = "Import reaches past the package's exports."
SEVERITY = "error"
PRECISION = (4, 40)  # held-out corpus: (real defects, judged)
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
    Valid(
        "import globals from '@repo/design-system/styles/globals.css?inline';",
        filename="apps/app/app/x.tsx",
    ),
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
    Invalid(
        "import pool from '@repo/database/internal/pool?raw';",
        positions=((1, 18),),
        filename="apps/api/app/x.ts",
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
                    message=_into_src(ctx, imp, target, res.subpath),
                    group=group,
                )
        elif not allowed:
            ctx.report(
                span=(imp.start - 1, imp.end + 1),
                message=f"{res.package}'s exports do not expose {res.subpath!r}; "
                "import an exported path or add it to its exports",
                group=group,
            )


def _into_src(ctx: Context, imp: Import, target: Package, subpath: str) -> str:
    """What to do about an import into a package's src/: import it from the entry point when
    the entry exports every name it takes, else expose the subpath (read only now, when there
    is a finding to word)."""
    assert ctx.workspace is not None and target.name is not None
    head = f"{imp.specifier} reaches into {target.name}'s src/"
    expose = f"add {subpath!r} to the exports of {manifest_rel(target.path)}"
    either = (
        f"{head}; import from {target.name} if its entry point exports what is used, or {expose}"
    )
    taken = bindings(ctx.source.data[imp.statement_start : imp.statement_end], imp.kind)
    if taken == []:
        return f"{head} for the file itself (an import for its side effects); {expose}"
    names = list(dict.fromkeys(n for n, _ in taken or ()))
    if taken is None or "*" in names or "default" in names:
        return either  # a namespace, a default or a dynamic import: what it uses is not named
    index = entry_index_for(ctx.state)
    verdicts = {n: index.exports(target, n) for n in names}
    missing = [n for n, v in verdicts.items() if v is False]
    if missing:
        return f"{head}, and its entry point does not export {missing[0]}; {expose}"
    if not all(verdicts.values()):
        return either
    shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
    them = "it" if len(names) == 1 else "them"
    return f"{head}; import {shown} from {target.name}, whose entry point exports {them}"
