"""Require the workspace's package-name prefix.

## What it does
Reports a workspace package whose `name` lacks the prefix its siblings use — by default the
`@scope/` most packages outside `apps/` share (e.g. `@repo/`); set `prefix` to require another.
Applications (option `apps`, default `apps/*`) are exempt, as in turbo's and next-forge's
layouts where apps keep short names.

## Why
A shared prefix tells a workspace import (`@repo/ui`) from an npm one at a glance, keeps
internal names from colliding with public packages on the registry (dependency confusion), and
is what the import rules and boundaries use to recognise internal code.

## Example
```json
// packages/logger/package.json, in a workspace of @repo/* packages
{ "name": "logger" }
```

## Use instead
```json
{ "name": "@repo/logger" }
```
"""

from __future__ import annotations

from collections import Counter
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import WorkspaceContext

CODE = "IMP006"
NAME = "workspace-package-prefix"
MESSAGE = "Workspace package name lacks the workspace's prefix."
SEVERITY = "warning"
SCOPE = "workspace"
OPTIONS = {"prefix": "auto", "apps": ["apps/*"]}
# Workspace-level rules are checked against fixture monorepos: (fixture, [(manifest, line, col)]).
FIXTURE_EXAMPLES: list[tuple[str, list[tuple[str, int, int]]]] = [
    ("next-forge", []),
    ("npm-workspaces", []),
    ("unprefixed", [("packages/logger/package.json", 2, 3)]),
]


def check_workspace(ctx: WorkspaceContext) -> None:
    ws = ctx.workspace
    apps = ctx.options.get("apps") or []
    app_globs = [str(a) for a in apps] if isinstance(apps, list) else []
    libs = [p for p in ws.packages if p.name and not any(fnmatchcase(p.path, g) for g in app_globs)]
    prefix = ctx.options.get("prefix")
    if prefix in (None, "", "auto"):
        scopes = Counter(
            p.name.split("/", 1)[0] + "/" for p in libs if p.name and p.name.startswith("@")
        )
        if not scopes:
            return
        prefix, count = scopes.most_common(1)[0]
        if count * 2 <= len(libs):
            return  # no prefix most packages share: nothing to enforce
    assert isinstance(prefix, str)
    for pkg in libs:
        if pkg.name and not pkg.name.startswith(prefix):
            ctx.report_manifest(
                pkg,
                "name",
                f"{pkg.name!r} ({pkg.path}) lacks the workspace prefix {prefix!r}; "
                f"rename it to {prefix + pkg.name.split('/')[-1]!r}",
            )
