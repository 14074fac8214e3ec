"""Enforce turbo's boundaries tags.

## What it does
Reads turbo's configuration as `turbo boundaries` does — `tags` in each package's
`turbo.json`, and `boundaries.tags.<tag>.dependencies` / `.dependents` with `allow` / `deny`
lists (of tags or package names) in the root `turbo.json` — and reports an import of a
workspace package that breaks a rule. As in turbo, the rules apply to the imported package
and to everything it depends on.

## Why
Tags write architecture down: public packages must not pull in internal ones, UI must not reach
the database. An existing turbo setup keeps working unchanged, checked on every commit.

## Example
```json
// turbo.json
{ "boundaries": { "tags": { "app": { "dependencies": { "deny": ["data"] } } } } }
```
```ts
// apps/web (tagged "app")
import { db } from "@repo/database"; // tagged "data"
```

## Use instead
Go through the layer the rules allow (e.g. an API package), or change the tags if the rule
is wrong.

## Precision
No findings to judge on the held-out corpus (24 public monorepos never used to tune the rules,
`tests/benchmarks/precision/`). None of its repositories declares turbo boundaries tags.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.engine.validator import Invalid, Valid
from orchestrator_tool.workspace import GRAPH_KINDS

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context
    from orchestrator_tool.workspace import Package, Workspace

CODE = "IMP007"
NAME = "boundaries-tags"
MESSAGE = "Import breaks a turbo boundaries tag rule."
SEVERITY = "error"
PRECISION = (0, 0)  # held-out corpus: (real defects, judged)
IMPORTS_ONLY = True  # reads the imports alone: header-only files are not parsed
LANGUAGES = ("typescript", "tsx", "javascript")
WORKSPACE_FIXTURE = "next-forge"

# next-forge's turbo.json: "app" (apps/web) must not depend on "data" (packages/database).
VALID = [
    Valid("import { Button } from '@repo/design-system';", filename="apps/web/app/x.tsx"),
    Valid("import { db } from '@repo/database';", filename="apps/api/app/x.ts"),
]
INVALID = [
    Invalid(
        "import { db } from '@repo/database';", positions=((1, 20),), filename="apps/web/app/x.ts"
    ),
    Invalid(
        "import { getSession } from '@repo/auth/server';",
        positions=((1, 28),),
        filename="apps/web/app/x.ts",
        message="web is tagged 'app', which must not depend on ['data']: "
        "@repo/database (through @repo/auth)",
    ),
]


def _tags(pkg: Package) -> set[str]:
    return set(pkg.turbo.tags) if pkg.turbo else set()


def _labels(pkg: Package) -> set[str]:
    return _tags(pkg) | ({pkg.name} if pkg.name else set())


def _rules(ws: Workspace) -> dict[str, dict[str, dict[str, list[str]]]]:
    raw = ws.turbo.boundaries if ws.turbo else None
    out: dict[str, dict[str, dict[str, list[str]]]] = {}
    if not isinstance(raw, dict) or not isinstance(raw.get("tags"), dict):
        return out
    tags = raw["tags"]
    assert isinstance(tags, dict)
    for tag, body in tags.items():
        if not isinstance(body, dict):
            continue
        for side in ("dependencies", "dependents"):
            lists = body.get(side)
            if isinstance(lists, dict):
                for kind in ("allow", "deny"):
                    values = lists.get(kind)
                    if isinstance(values, list):
                        out.setdefault(tag, {}).setdefault(side, {})[kind] = [
                            str(v) for v in values
                        ]
    return out


def _closure(ws: Workspace, name: str) -> list[str]:
    forward: dict[str, list[str]] = {}
    for e in ws.edges:
        if e.kind in GRAPH_KINDS:
            forward.setdefault(e.source, []).append(e.target)
    seen = [name]
    for n in seen:
        for t in sorted(forward.get(n, ())):
            if t not in seen:
                seen.append(t)
    return seen


def violations(ws: Workspace, importer: Package, imported: str) -> list[str]:
    rules = _rules(ws)
    if not rules:
        return []
    problems: list[str] = []
    mine = _labels(importer)
    for name in _closure(ws, imported):
        target = ws.by_name[name]
        theirs = _labels(target)
        via = "" if name == imported else f" (through {imported})"
        for tag in sorted(_tags(importer)):
            deps = rules.get(tag, {}).get("dependencies", {})
            if "allow" in deps and not theirs & set(deps["allow"]):
                problems.append(
                    f"{importer.label} is tagged {tag!r}, which may only depend on {deps['allow']}; {name}{via} is not"
                )
            if theirs & set(deps.get("deny", [])):
                problems.append(
                    f"{importer.label} is tagged {tag!r}, which must not depend on {sorted(theirs & set(deps['deny']))}: {name}{via}"
                )
        for tag in sorted(_tags(target)):
            dependents = rules.get(tag, {}).get("dependents", {})
            if "allow" in dependents and not mine & set(dependents["allow"]):
                problems.append(
                    f"{name}{via} is tagged {tag!r}, which only {dependents['allow']} may depend on"
                )
            if mine & set(dependents.get("deny", [])):
                problems.append(
                    f"{name}{via} is tagged {tag!r}, which {sorted(mine & set(dependents['deny']))} must not depend on"
                )
    return problems


def check(ctx: Context) -> None:
    ws = ctx.workspace
    if ws is None or ctx.package is None or not _rules(ws):
        return
    for imp, res in ctx.package_imports():
        if res.kind != "workspace" or res.package in (None, ctx.package.name):
            continue
        for problem in violations(ws, ctx.package, res.package):
            ctx.report(span=(imp.start - 1, imp.end + 1), message=problem)
