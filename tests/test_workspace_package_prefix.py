"""IMP006: who decides the workspace prefix, and who is told to rename."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator_tool.engine.settings import Settings
from orchestrator_tool.engine.spec import load_specs
from orchestrator_tool.engine.workspace_checks import check_workspace
from orchestrator_tool.workspace import scan

from .conftest import write

SPEC = next(s for s in load_specs() if s.code == "IMP006")


def _workspace(root: Path, packages: dict[str, dict[str, object]]) -> Path:
    write(root / "package.json", json.dumps({"name": "root", "private": True}))
    write(
        root / "pnpm-workspace.yaml",
        "packages:\n  - apps/*\n  - packages/*\n  - examples/*\n  - tools/*\n",
    )
    for folder, manifest in packages.items():
        write(root / folder / "package.json", json.dumps(manifest, indent=2))
    return root


def _renames(root: Path, **options: object) -> list[str]:
    settings = Settings((SPEC,), options={SPEC.code: {**SPEC.options, **options}})
    found, crashes = check_workspace(settings, scan(root))
    assert crashes == []
    return sorted(d.package or "" for d in found)


def _pkg(name: str, private: bool = False, **deps: str) -> dict[str, object]:
    out: dict[str, object] = {"name": name, "version": "1.0.0"}
    if private:
        out["private"] = True
    if deps:
        out["dependencies"] = deps
    return out


def test_published_packages_that_do_not_agree_are_left_alone(tmp_path: Path) -> None:
    # the private libraries agree on @acme/; the published ones each keep their own name
    root = _workspace(
        tmp_path,
        {
            "packages/config": _pkg("@acme/config", True),
            "packages/db": _pkg("@acme/db", True, **{"@acme/config": "workspace:*"}),
            "packages/ui": _pkg("@acme/ui", True),
            "packages/auth": _pkg("@acme/auth", True, **{"@acme/db": "workspace:*"}),
            "packages/logger": _pkg("@acme/logger", True),
            "packages/jobs": _pkg("jobs", True, **{"@acme/logger": "workspace:*"}),
            "packages/cli": _pkg("@acme-ai/cli", **{"@acme/ui": "workspace:*"}),
            "packages/sdk": _pkg("acme-sdk", **{"@acme/auth": "workspace:*"}),
            "packages/categories": _pkg("@acme/categories", **{"jobs": "workspace:*"}),
        },
    )
    assert _renames(root) == ["jobs"]
    # an explicit prefix holds every library to it, published or not
    assert _renames(root, prefix="@acme/") == ["@acme-ai/cli", "acme-sdk", "jobs"]


def test_published_packages_that_agree_rename_a_scoped_straggler_only(tmp_path: Path) -> None:
    root = _workspace(
        tmp_path,
        {
            **{f"packages/p{i}": _pkg(f"@kite/p{i}") for i in range(5)},
            "packages/old": _pkg("@kite-legacy/compat", **{"@kite/p0": "workspace:*"}),
            "packages/cli": _pkg("kite", **{"@kite/p0": "workspace:*"}),
        },
    )
    assert _renames(root) == ["@kite-legacy/compat"]


def test_no_clear_majority_reports_nothing(tmp_path: Path) -> None:
    # 3 of 5 share @acme/: a majority, but not a clear one
    root = _workspace(
        tmp_path,
        {
            "packages/a": _pkg("@acme/a", True),
            "packages/b": _pkg("@acme/b", True),
            "packages/c": _pkg("@acme/c", True),
            "packages/d": _pkg("@internal/d", True),
            "packages/e": _pkg("e", True),
            "apps/web": _pkg(
                "web",
                True,
                **{n: "workspace:*" for n in ("@acme/a", "@acme/b", "@acme/c", "@internal/d", "e")},
            ),
        },
    )
    assert _renames(root) == []


def test_examples_and_private_leaves_neither_vote_nor_rename(tmp_path: Path) -> None:
    root = _workspace(
        tmp_path,
        {
            "packages/a": _pkg("@acme/a", True),
            "packages/b": _pkg("@acme/b", True, **{"@acme/a": "workspace:*"}),
            "packages/c": _pkg("c", True, **{"@acme/b": "workspace:*"}),
            "packages/d": _pkg("@acme/d", True, **{"c": "workspace:*"}),
            # a private package no one depends on is an application, wherever it is
            "packages/stripe-app": _pkg("com.acme.stripe", True, **{"@acme/d": "workspace:*"}),
            "tools/release": _pkg("release", True),
            # examples are named for their readers: a depended-on one does not vote either
            **{
                f"examples/e{i}": _pkg(f"@acme-example/e{i}", True, **{"@acme/a": "workspace:*"})
                for i in range(6)
            },
            "examples/shared": _pkg(
                "@acme-example/shared", True, **{"@acme-example/e0": "workspace:*"}
            ),
        },
    )
    assert _renames(root) == ["c"]
