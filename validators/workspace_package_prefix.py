"""Require the workspace's package-name prefix.

## What it does
Reports a workspace package whose `name` lacks the prefix its siblings use — by default the
`@scope/` that a clear majority of the workspace's libraries share (e.g. `@repo/`); set
`prefix` to require another. Who has a say, and who is told to rename:

- Applications take no part: packages under option `apps` (default `apps/**`), as in turbo's
  and next-forge's layouts where apps keep short names, and any private package no other
  workspace package depends on (an app, a tool, a test suite: its name is never imported).
- Neither do private packages in example, demo, playground, template, starter, sandbox, test,
  e2e or fixture folders: they are named for the reader, not the workspace.
- The others vote; with `prefix = "auto"` the prefix is the `@scope/` at least two thirds of
  them share. Without such a majority nothing is reported.
- A private package lacking the prefix is reported.
- A published package (not `"private": true`) is reported only when at least two thirds of the
  published packages share the prefix too, and never when its name is unscoped: an unscoped
  published name (`payload`, `create-next-app`, a CLI) is a deliberate public name, and
  renaming it breaks every user. An explicit `prefix` holds published packages to it as well.

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

## Precision
0 of 4 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (0%; Wilson 95% lower bound 0%). An
application kept under `packages/`, vendored packages that keep their upstream name, a private
test package outside a test folder.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from orchestrator_tool.formats import globs

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import WorkspaceContext
    from orchestrator_tool.workspace import Package

CODE = "IMP006"
NAME = "workspace-package-prefix"
MESSAGE = "Workspace package name lacks the workspace's prefix."
SEVERITY = "warning"
PRECISION = (0, 4)  # held-out corpus: (real defects, judged)
SCOPE = "workspace"
OPTIONS = {"prefix": "auto", "apps": ["apps/**"]}
GLOB_OPTIONS = ("apps",)
# Workspace-level rules are checked against fixture monorepos: (fixture, [(manifest, line, col)]).
FIXTURE_EXAMPLES: list[tuple[str, list[tuple[str, int, int]]]] = [
    ("next-forge", []),
    ("npm-workspaces", []),
    ("unprefixed", [("packages/logger/package.json", 2, 3)]),
    ("published-examples", [("packages/testing/package.json", 2, 3)]),
]
_EXAMPLE_FOLDER = re.compile(
    r"(?:^|/)(?:examples?|demos?|playgrounds?|templates?|starters?|sandbox(?:es)?|tests?|"
    r"__tests__|e2e|fixtures?)(?:/|$)"
)
MAJORITY = 2 / 3


def check_workspace(ctx: WorkspaceContext) -> None:
    ws = ctx.workspace
    apps = ctx.options.get("apps") or []
    app_globs = [str(a) for a in apps] if isinstance(apps, list) else []
    depended_on = {e.target for e in ws.edges}
    voters = [
        p
        for p in ws.packages
        if p.name
        and not globs.matches_any(app_globs, p.path)
        and not (p.private and (p.name not in depended_on or _EXAMPLE_FOLDER.search(p.path)))
    ]
    prefix = ctx.options.get("prefix")
    auto = prefix in (None, "", "auto")
    if auto:
        prefix = _shared_scope(voters)
        if prefix is None:
            return  # no prefix a clear majority shares: nothing to enforce
    assert isinstance(prefix, str)
    published = [p for p in voters if not p.private]
    published_agree = not auto or _share(published, prefix)
    for pkg in voters:
        name = pkg.name or ""
        if name.startswith(prefix):
            continue
        if auto and not pkg.private and (not published_agree or not name.startswith("@")):
            continue  # a published name the published packages do not agree to change
        ctx.report_manifest(
            pkg,
            "name",
            f"{name!r} ({pkg.path}) lacks the workspace prefix {prefix!r}; "
            f"rename it to {prefix + name.split('/')[-1]!r}",
        )


def _shared_scope(packages: Sequence[Package]) -> str | None:
    """The `@scope/` at least two thirds of ``packages`` share (two of them at least)."""
    scopes = Counter(
        p.name.split("/", 1)[0] + "/" for p in packages if p.name and p.name.startswith("@")
    )
    if not scopes:
        return None
    scope, n = scopes.most_common(1)[0]
    return scope if n >= 2 and n >= MAJORITY * len(packages) else None


def _share(packages: Sequence[Package], prefix: str) -> bool:
    n = sum(1 for p in packages if p.name and p.name.startswith(prefix))
    return n >= MAJORITY * len(packages)
