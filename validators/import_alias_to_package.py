"""Disallow reaching another workspace package through a tsconfig path alias.

## What it does
Reports an import that resolves through the importing package's tsconfig `paths` (or
`baseUrl`) into another workspace package's folder under a name that is not that package's —
for example `"@ds/*": ["../../packages/design-system/components/*"]` in
apps/app/tsconfig.json. An alias under the package's own name (`"@repo/ui/*":
["../../packages/ui/src/*"]`, a common way to compile against sources) is an import of the
package and is checked as one (declared dependency, exports). A project outside the workspace
(a folder with its own package.json that no workspace glob names, as an Nx library) has no
package name to import it by, so an alias into it is not reported.

## Why
The alias looks like a package import but is a relative path in disguise: it skips the
package's `exports`, needs no `package.json` dependency (so the package graph, turbo and
`orchestrator affected` do not see the edge) and compiles the other package's sources with the
importing app's compiler options.

## Example
```json
// apps/app/tsconfig.json
{ "compilerOptions": { "paths": { "@ds/*": ["../../packages/design-system/components/*"] } } }
```
```ts
import { Button } from "@ds/button";
```

## Use instead
Remove the alias, declare `"@repo/design-system": "workspace:*"` and let the package's
`exports` resolve the import.

## Precision
20 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (50%; Wilson 95% lower bound 35%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.IMP005] severity =
"error"` makes it an error. The other half came from one repository sharing an app's source on
purpose through matching tsconfig, Vite and test aliases (the app has no entry point to import
instead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.engine.resolution import declares
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "IMP005"
NAME = "no-alias-into-workspace-package"
MESSAGE = "Import reaches a workspace package through a tsconfig path alias."
SEVERITY = "error"
PRECISION = (20, 40)  # held-out corpus: (real defects, judged)
IMPORTS_ONLY = True  # reads the imports alone: header-only files are not parsed
LANGUAGES = ("typescript", "tsx", "javascript")
WORKSPACE_FIXTURE = "next-forge"

VALID = [
    Valid("import { cn } from '@/lib/utils';", filename="apps/app/app/x.tsx"),
    Valid(
        "import { Button } from '@repo/design-system/components/button';",
        filename="apps/web/app/x.tsx",
    ),
    # an alias under the package's own name only points TypeScript at its sources
    Valid(
        "import { Button } from '@repo/design-system/components/button';",
        filename="apps/app/app/x.tsx",
    ),
]
INVALID = [
    Invalid(
        "import { Button } from '@ds/button';", positions=((1, 24),), filename="apps/app/app/x.tsx"
    ),
]


def check(ctx: Context) -> None:
    ws = ctx.workspace
    if ws is None:
        return
    own = ctx.package.path if ctx.package else "."
    for imp, res in ctx.package_imports():
        if res.kind != "alias" or res.path is None:
            continue
        target = ws.owner_of(res.path)
        # A project outside the workspace (Nx's libs/*, a docs site) has no name to import it
        # by: an alias is the one way to reach it.
        if target is None or target.path == own or target.nested:
            continue
        own_pkg = ctx.package or ws.root_package
        declare = "" if target.name and declares(own_pkg, target.name) else " and declare it"
        ctx.report(
            span=(imp.start - 1, imp.end + 1),
            message=(
                f"{imp.specifier!r} reaches {target.label} ({target.path}) through the tsconfig "
                f"alias {res.via_alias!r}; import the package by its name{declare}"
            ),
        )
