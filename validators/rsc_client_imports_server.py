"""Disallow server-only code in `"use client"` modules.

## What it does
In a module that starts with `"use client"`, reports imports of server-only code: the
`server-only` package, Node built-ins (`fs`, `node:crypto`, …; not the ones Next.js bundles a
browser version of for client code, `events`, `buffer`, `util`, `path`, … written without
`node:`, which webpack refuses in client code), the packages in option
`serverPackages` (default: the workspace's database packages — a workspace package named
like `database`/`db`/`prisma`, or depending on `@prisma/client`, `drizzle-orm`, `kysely`,
`mongoose`, `pg`), and workspace packages whose entry point imports any of those (followed one
level). Type-only imports are fine: they vanish at build time. A subpath of a database package
(`@repo/database/schema`, `@repo/db/prisma-browser`) is only reported when the file it leads to
imports a database client or `server-only`: schema and browser builds are safe on the client.
The entry point followed is judged the same way: its type-only imports and its imports of such
subpaths do not make it server code.

## Why
Everything a client module imports is bundled for the browser: a database client or a secret
in it either breaks the build or, worse, ships. `import "server-only"` makes Next.js fail the
build; this finds it before the build and names the import.

## Example
```tsx
"use client";
import { db } from "@repo/database";
```

## Use instead
Call a server action or a route handler from the client component, and keep the import in
server code.

## Precision
No findings to judge on the held-out corpus (24 public monorepos never used to tune the rules,
`tests/benchmarks/precision/`); on the tuning set, 0 of 2 findings judged by hand were real
defects, so it runs as a warning by default; `--strict` or `[validators.RSC001] severity =
"error"` makes it an error. Both imported the root of a package whose entry only re-exports
`@prisma/client`'s enums, which resolve to Prisma's browser build.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.analysis.nextjs import module_directive
from orchestrator_tool.engine.imports import imports_of
from orchestrator_tool.engine.languages import language_of
from orchestrator_tool.engine.resolution import NODE_BUILTINS, package_name_of, resolver_for
from orchestrator_tool.engine.source import SourceFile
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.import_model import Resolution
    from orchestrator_tool.engine.run_state import RunState
    from orchestrator_tool.engine.validator import Context
    from orchestrator_tool.workspace import Package, Workspace

CODE = "RSC001"
NAME = "no-server-code-in-client-module"
MESSAGE = 'A "use client" module imports server-only code.'
SEVERITY = "error"
PRECISION = (0, 2)  # tuning set (none on the held-out corpus): (real defects, judged)
IMPORTS_ONLY = True  # reads the header alone (directive, imports)
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"use client"
WORKSPACE_FIXTURE = "next-forge"
OPTIONS: dict[str, list[str]] = {"serverPackages": []}
_DB_NAME = re.compile(r"(^|[/@-])(database|db|prisma|drizzle)$")
_DB_DEPS = (
    "@prisma/client",
    "drizzle-orm",
    "kysely",
    "mongoose",
    "pg",
    "mysql2",
    "@planetscale/database",
)
_SERVER_IMPORT = re.compile(rb"""from\s+["']server-only["']|import\s+["']server-only["']""")
_DB_CLIENT_IMPORT = re.compile(
    rb"""(?:from\s+|import\s+|require\(\s*)["'](?:@prisma/client(?!/index-browser)|\.prisma/client"""
    rb"""|pg|postgres|mysql2|better-sqlite3|mongoose|mongodb|@neondatabase/serverless"""
    rb"""|@planetscale/database|@libsql/client|kysely|drizzle-orm/(?!pg-core|mysql-core"""
    rb"""|sqlite-core|zod)[\w-]+)["'/]|new\s+PrismaClient\b"""
)

VALID = [
    Valid(
        "'use client';\nimport { useState } from 'react';\nimport type { User } from '@repo/database';",
        filename="apps/app/app/x.tsx",
    ),
    Valid("import { db } from '@repo/database';", filename="apps/app/app/page.tsx"),
    Valid(
        "'use client';\nimport { ProjectInput } from '@repo/database/schema';",
        filename="apps/app/app/x.tsx",
    ),
    # Next.js bundles a browser version of these for client code
    Valid(
        "'use client';\nimport { EventEmitter } from 'events';\nimport { Buffer } from 'buffer';",
        filename="apps/app/app/x.tsx",
    ),
]
INVALID = [
    Invalid(
        "'use client';\nimport 'server-only';", positions=((2, 8),), filename="apps/app/app/x.tsx"
    ),
    Invalid(
        "'use client';\nimport { db } from '@repo/database';\nimport fs from 'node:fs';",
        positions=((2, 20), (3, 16)),
        filename="apps/app/app/x.tsx",
    ),
    Invalid(
        "'use client';\nimport { getSession } from '@repo/auth/server';",
        positions=((2, 28),),
        filename="apps/app/app/x.tsx",
    ),
    # no browser version of fs or child_process; and webpack refuses a node: scheme in the client
    Invalid(
        "'use client';\nimport { readFile } from 'fs';\nimport { exec } from 'child_process';\n"
        "import { EventEmitter } from 'node:events';",
        positions=((2, 26), (3, 22), (4, 30)),
        filename="apps/app/app/x.tsx",
    ),
]


def server_packages(ws: Workspace, extra: set[str]) -> set[str]:
    out = set(extra)
    for p in ws.packages:
        if not p.name:
            continue
        deps = {
            n for kind in ("dependencies", "devDependencies") for n in p.dependencies.get(kind, {})
        }
        if _DB_NAME.search(p.name) or deps & set(_DB_DEPS):
            out.add(p.name)
    return out


def _entry_imports_server(
    state: RunState, pkg: Package, subpath: str, servers: set[str]
) -> str | None:
    """What server-only code a workspace package's (sub)entry imports, if any: `server-only`,
    or a server package, judged as a client module's own import of it would be (type-only
    imports vanish; a database package's subpath counts when it leads to a database client).
    Once per run and entry."""
    verdicts = state.shared(_EntryVerdicts, lambda _: _EntryVerdicts())
    key = (pkg.path, subpath, frozenset(servers))
    if key not in verdicts:
        with state.reads.collecting() as read:
            verdict = _judge_entry(state, pkg, subpath, servers)
        verdicts[key] = (verdict, frozenset(read))
    verdict, read_then = verdicts[key]
    state.reads.replay(read_then)  # the files the verdict was read from, for the result cache
    return verdict


class _EntryVerdicts(dict[tuple[str, str, frozenset[str]], tuple[str | None, frozenset[str]]]):
    """(package folder, subpath, server packages) -> (what server code its entry imports, the
    files that was read from): once per run."""


def _judge_entry(state: RunState, pkg: Package, subpath: str, servers: set[str]) -> str | None:
    ws = state.in_workspace()
    resolver = resolver_for(state)
    target = resolver.resolve_file(f"{pkg.path}/{subpath[2:]}" if subpath else pkg.path)
    if target is None and not subpath:
        for guess in ("index", "src/index"):
            target = resolver.resolve_file(f"{pkg.path}/{guess}")
            if target:
                break
    if target is None:
        return None
    state.reads.record(target)
    language = language_of(target)
    try:
        data = (ws.root / target).read_bytes()
    except OSError:
        return None
    if language is None or language == "python":
        return None
    entry = SourceFile(target, data, language)
    entry.imports_from_header = True  # its imports alone are read: no parse when the header tells
    for imp in imports_of(entry):
        if imp.type_only:
            continue
        if imp.specifier == "server-only":
            return f"{target} imports server-only"
        name, sub = package_name_of(imp.specifier)
        if name == pkg.name or name not in servers:
            continue
        if sub:
            res = resolver.resolve(target, imp.specifier, pkg)
            if not _file_is_server(state, res):
                continue
        return f"{target} imports {name}"
    return None


def _file_is_server(state: RunState, res: Resolution) -> bool:
    """Whether a resolved module imports a database client or `server-only` (an unresolved
    one counts unless it is a workspace package's)."""
    if not res.exists or res.path is None:
        return res.kind != "workspace"
    state.reads.record(res.path)
    try:
        data = (state.in_workspace().root / res.path).read_bytes()
    except OSError:
        return False
    return bool(_SERVER_IMPORT.search(data) or _DB_CLIENT_IMPORT.search(data))


def _subpath_is_server(ctx: Context, res: Resolution) -> bool:
    """A database package's subpath (`@repo/db/schema`) that imports a database client."""
    if ctx.workspace is None:
        return res.kind != "workspace"
    return _file_is_server(ctx.state, res)


# The Node built-ins Next.js resolves to a browser version in client bundles (webpack's
# `resolve.fallback` and Turbopack's aliases to `next/dist/compiled/…`): importing them from a
# "use client" module builds and runs.
BROWSER_POLYFILLED = frozenset(
    {
        "assert",
        "buffer",
        "constants",
        "crypto",
        "domain",
        "events",
        "http",
        "https",
        "os",
        "path",
        "process",
        "punycode",
        "querystring",
        "stream",
        "string_decoder",
        "sys",
        "timers",
        "tty",
        "url",
        "util",
        "vm",
        "zlib",
    }
)


def check(ctx: Context) -> None:
    if module_directive(ctx.source) != "use client":
        return
    extra_raw = ctx.options.get("serverPackages") or []
    extra = {str(x) for x in extra_raw} if isinstance(extra_raw, list) else set()
    servers = server_packages(ctx.workspace, extra) if ctx.workspace is not None else extra
    for imp in ctx.imports():
        if imp.type_only:
            continue
        spec = imp.specifier
        bare = spec.removeprefix("node:")
        why = None
        if spec == "server-only":
            why = "the server-only package"
        elif spec.startswith("node:") or (bare in NODE_BUILTINS and bare not in BROWSER_POLYFILLED):
            why = f"the Node built-in {spec}"
        else:
            res = ctx.resolve(imp) if ctx.workspace is not None else None
            name = res.package if res is not None else None
            if name in servers and (not res or not res.subpath or _subpath_is_server(ctx, res)):
                why = f"{name}, a server package"
            elif res is not None and res.kind == "workspace" and ctx.workspace is not None and name:
                via = _entry_imports_server(
                    ctx.state, ctx.workspace.by_name[name], res.subpath, servers
                )
                if via:
                    why = f"{spec}, whose {via}"
        if why:
            ctx.report(
                span=(imp.start - 1, imp.end + 1), message=f'"use client" module imports {why}'
            )
