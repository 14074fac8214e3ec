"""Disallow importing an external package that is declared neither by the importing package
nor by the root.

## What it does
Reports an import of an npm package (`zod`, `next/server`) that the importing package's
`package.json` does not declare and the root `package.json` does not declare either, once per
package and missing name, at its first import, with the other imports that need it listed. A
type-only import (`import type`) is also satisfied by the matching `@types/…` package. Node
built-ins (`fs`, `node:path`), protocol imports (`bun:test`), tsconfig path aliases and names
npm cannot give a package — bundler aliases such as SvelteKit's `$lib/…`, `$app/…`, `$env/…`
and `$service-worker`, Nuxt's `~/…` or Docusaurus' `@theme/Layout` (upper case) — are not
packages and are skipped; so is the query of Vite's `?url`, `?raw`, `?inline`, `?worker`.
Option `allow` lists more names to skip. SvelteKit's `kit.alias` entries are read through the
tsconfig `paths` SvelteKit generates from them (`.svelte-kit/tsconfig.json`, extended by the
app's tsconfig) when that file is present; svelte.config.js itself is code and is not run.

## Why
With pnpm's hoisting, or npm and yarn's flat `node_modules`, an undeclared package resolves by
accident — through another package's dependency — until a version changes or the package is
deployed alone. The lockfile then cannot tell which package a bump affects.

## Example
```ts
// packages/email/index.ts, where neither packages/email nor the root declares it
import { Resend } from "resend";
```

## Use instead
Add `"resend"` to packages/email/package.json.

## Precision
19 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (48%; Wilson 95% lower bound 33%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.IMP003] severity =
"error"` makes it an error. The rest: runtime built-ins (`bun`, `vscode`), virtual modules and
bundler aliases the tsconfig does not name, types-only packages imported without `import type`
with their `@types/` declared, scaffolding templates, and fixtures whose own package.json
declares the dependency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.engine.resolution import declares, types_package
from orchestrator_tool.engine.validator import Invalid, Valid
from orchestrator_tool.workspace import manifest_rel

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "IMP003"
NAME = "no-undeclared-external-dependency"
MESSAGE = "Package imported but declared neither here nor in the root package.json."
SEVERITY = "error"
PRECISION = (19, 40)  # held-out corpus: (real defects, judged)
IMPORTS_ONLY = True  # reads the imports alone: header-only files are not parsed
LANGUAGES = ("typescript", "tsx", "javascript")
ESLINT_EQUIVALENTS = ("import/no-extraneous-dependencies",)
# (a nursery rule when Biome 1.6 added it)
BIOME_EQUIVALENTS = (
    "lint/correctness/noUndeclaredDependencies",
    "lint/nursery/noUndeclaredDependencies",
)
WORKSPACE_FIXTURE = "next-forge"
OPTIONS: dict[str, list[str]] = {"allow": []}

VALID = [
    Valid("import Layout from '@theme/Layout';", filename="apps/docs/app/x.tsx"),
    Valid(
        "import { db } from '$lib/server/db';\nimport { env } from '$env/dynamic/private';\n"
        "import { page } from '$app/state';\nimport { build } from '$service-worker';\n"
        "import { x } from '~/utils/x';",
        filename="apps/web/src/routes/+page.server.ts",
    ),
    Valid("import url from 'zod/package.json?url';", filename="apps/api/app/x.ts"),
    Valid(
        "import { z } from 'zod';\nimport { NextResponse } from 'next/server';\nimport fs from 'node:fs';\nimport path from 'path';",
        filename="apps/api/app/api/x/route.ts",
    ),
    Valid("import type { Config } from 'typescript';", filename="apps/api/app/x.ts"),
    Valid(
        "import { test } from 'bun:test';\nimport { u } from '@/lib/pagination';",
        filename="apps/api/app/x.ts",
    ),
    Valid(
        "import { Resend } from 'resend';",
        filename="packages/email/index.ts",
        options={"allow": ["resend"]},
    ),
]
INVALID = [
    Invalid(
        "import { Resend } from 'resend';", positions=((1, 24),), filename="packages/email/index.ts"
    ),
    Invalid(
        "import dayjs from 'dayjs/plugin/utc';", positions=((1, 19),), filename="apps/web/app/x.ts"
    ),
    Invalid(
        "import workerUrl from 'pdfjs-dist/build/pdf.worker.mjs?url';",
        positions=((1, 23),),
        filename="apps/web/app/x.ts",
    ),
]


def check(ctx: Context) -> None:
    ws = ctx.workspace
    if ws is None:
        return
    pkg = ctx.package or ws.root_package
    allow = ctx.options.get("allow") or []
    allowed = set(allow) if isinstance(allow, list) else set()
    for imp, res in ctx.package_imports():
        if res.kind != "external" or res.package is None or res.package in allowed:
            continue
        name = res.package
        if name == pkg.name or declares(pkg, name) or declares(ws.root_package, name):
            continue
        types = types_package(name)
        if imp.type_only and (declares(pkg, types) or declares(ws.root_package, types)):
            continue
        manifest = manifest_rel(pkg.path)
        ctx.report(
            span=(imp.start - 1, imp.end + 1),
            message=f"{name} is not declared in {manifest} nor in the root package.json",
            group=f"{manifest}:{name}",  # one missing line, however many imports
        )
