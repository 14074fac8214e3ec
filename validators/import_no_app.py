"""Disallow importing an application from another package.

## What it does
Reports an import of a workspace package that is an application — by default any package
under `apps/` (option `apps`, a list of path globs) — from any other package.

## Why
Dependencies flow from apps to packages. A package that imports an app drags the app's
framework, environment and routes into everything that uses the package, and makes the app a
build dependency of its own libraries.

## Example
```ts
// packages/email/templates/welcome.tsx
import { siteUrl } from "web/lib/config";
```

## Use instead
Move what both need into a package (`@repo/config`) and import it from both.

## Precision
No findings to judge on the held-out corpus (24 public monorepos never used to tune the rules,
`tests/benchmarks/precision/`); on the tuning set, 5 of 8 findings judged by hand were real
defects (62%; Wilson 95% lower bound 31%), so it runs as a warning by default; `--strict` or
`[validators.IMP008] severity = "error"` makes it an error. The wrong ones: an app importing
another app's tRPC router type, the usual tRPC pattern. (An npm package whose name a workspace
app also has, `storybook/test` beside a `storybook` app, is no longer read as the app: the
importer declares the npm range, which the app's version does not satisfy.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.engine.validator import Invalid, Valid
from orchestrator_tool.formats import globs

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "IMP008"
NAME = "no-import-of-app"
MESSAGE = "A package must not import an application."
SEVERITY = "error"
PRECISION = (5, 8)  # tuning set (none on the held-out corpus): (real defects, judged)
IMPORTS_ONLY = True  # reads the imports alone: header-only files are not parsed
LANGUAGES = ("typescript", "tsx", "javascript")
WORKSPACE_FIXTURE = "next-forge"
OPTIONS = {"apps": ["apps/**"]}
GLOB_OPTIONS = ("apps",)

VALID = [Valid("import { x } from '@repo/auth/server';", filename="apps/app/app/x.ts")]
INVALID = [
    Invalid(
        "import config from 'web/next.config';",
        positions=((1, 20),),
        filename="packages/email/index.ts",
    )
]


def check(ctx: Context) -> None:
    ws = ctx.workspace
    if ws is None:
        return
    patterns = ctx.options.get("apps") or OPTIONS["apps"]
    apps = [str(p) for p in patterns] if isinstance(patterns, list) else OPTIONS["apps"]
    own = ctx.package.name if ctx.package else None
    for imp, res in ctx.package_imports():
        if res.kind != "workspace" or res.package in (None, own):
            continue
        target = ws.by_name[res.package]
        if globs.matches_any(apps, target.path):
            ctx.report(
                span=(imp.start - 1, imp.end + 1),
                message=f"{target.label} is an application ({target.path}); packages must not import apps",
            )
