"""Disallow relative imports that leave the importing package.

## What it does
Reports `import … from "../../packages/ui/button"` and other relative imports whose target lies
outside the folder of the package doing the import, and suggests the package import its
`exports` name the file by (`@repo/ui` for the entry, `@repo/ui/button` for `"./button"` or a
`"./*"` pattern that maps to the file), or none when they name it by none (a test helper, a
folder mapped to `null`); a package without `exports` is suggested by its name.

## Why
A relative path into another package bypasses its `package.json`: the dependency is not
declared, so pnpm, turbo and the affected-packages graph cannot see it; the import breaks as
soon as the package is built, published or moved; and it reaches files the package never
exported.

## Example
```ts
// apps/web/app/page.tsx
import { Button } from "../../../packages/design-system/components/button";
```

## Use instead
```ts
import { Button } from "@repo/design-system/components/button";
```

## Precision
8 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (20%; Wilson 95% lower bound 10%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.IMP001] severity =
"error"` makes it an error. The rest: dev-only config files importing the repository's shared
root config (nothing to import instead), imports the suggested package does not export (test
helpers, internals), and intentional, commented source re-exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.engine.diagnostics import Fix
from orchestrator_tool.engine.resolution import declares, suggested_specifier
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "IMP001"
NAME = "no-relative-import-outside-package"
MESSAGE = "Relative import leaves the package; import the package by name instead."
SEVERITY = "error"
PRECISION = (8, 40)  # held-out corpus: (real defects, judged)
IMPORTS_ONLY = True  # reads the imports alone: header-only files are not parsed
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"\.\./"
FIX = "unsafe: the package import, when the target package is known"
ESLINT_EQUIVALENTS = ("import/no-relative-packages",)

VALID = [
    Valid("import { x } from './x';\nimport y from '../lib/y';", filename="apps/web/app/page.ts"),
]
INVALID = [
    Invalid(
        "import { Button } from '../../../packages/design-system/components/button';",
        positions=((1, 24),),
        filename="apps/web/app/page.ts",
    ),
]
WORKSPACE_FIXTURE = "next-forge"  # the examples run inside fixtures/monorepos/next-forge


def check(ctx: Context) -> None:
    pkg = ctx.package
    if pkg is None or pkg.path == "." or ctx.workspace is None:
        return
    prefix = pkg.path + "/"
    for imp in ctx.imports():
        if not imp.specifier.startswith(".."):
            continue
        res = ctx.resolve(imp)
        if res.kind != "relative" or res.path is None or res.path.startswith(prefix):
            continue
        suggestion = suggested_specifier(ctx.workspace, res.path)
        if suggestion is not None:
            spec, target = suggestion
            message = (
                f"Relative import leaves {pkg.label} for {target.label}; import `{spec}` instead"
            )
            if target.name and not declares(pkg, target.name):
                message += f" (and declare {target.name} in {pkg.path}/package.json)"
            fix = Fix(imp.start, imp.end, spec, safe=False, description=f"import `{spec}`")
        else:
            message = f"Relative import leaves {pkg.label} ({pkg.path}) for {res.path}"
            fix = None
        ctx.report(span=(imp.start - 1, imp.end + 1), message=message, fix=fix)
