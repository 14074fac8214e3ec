"""Disallow dependency cycles between workspace packages.

## What it does
Reports each cycle in the workspace's package graph (`dependencies`, `devDependencies` and
`optionalDependencies` between workspace packages), printed as the cycle, at the dependency
entry in the first package's `package.json` that closes it.

## Why
A cycle has no build order: turbo refuses to run `^build` across it, a change anywhere in it
affects all of it, and the packages cannot be versioned or published independently.

## Example
`@acme/a → @acme/b → @acme/c → @acme/a`

## Use instead
Move what the packages share into a new package that all of them depend on, or invert one
dependency.

## Precision
3 of 4 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (75%; Wilson 95% lower bound 30%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.IMP009] severity =
"error"` makes it an error. The false one was a range that the lockfile resolves from the
registry, not a link to the workspace package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.workspace import GRAPH_KINDS, find_cycles

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import WorkspaceContext

CODE = "IMP009"
NAME = "no-workspace-dependency-cycle"
MESSAGE = "Workspace packages depend on each other in a cycle."
SEVERITY = "error"
PRECISION = (3, 4)  # held-out corpus: (real defects, judged)
SCOPE = "workspace"
FIXTURE_EXAMPLES = [("next-forge", []), ("broken/cycle", [("packages/a/package.json", 11, 5)])]


def check_workspace(ctx: WorkspaceContext) -> None:
    ws = ctx.workspace
    for cycle in find_cycles(e for e in ws.edges if e.kind in GRAPH_KINDS):
        first, second = cycle[0], cycle[1]
        ctx.report_manifest(
            ws.by_name[first],
            second,
            "dependency cycle: " + " → ".join(cycle),
            key_in=("dependencies", "devDependencies", "optionalDependencies"),
        )
