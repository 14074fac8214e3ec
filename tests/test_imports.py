"""Where a workspace package import leads, as the semantic rules follow it (engine.imports)."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator_tool.engine.imports import resolver_for
from orchestrator_tool.workspace import scan

from .conftest import write


def test_source_of_a_workspace_package_import(tmp_path: Path) -> None:
    write(tmp_path / "package.json", json.dumps({"name": "root", "private": True}))
    write(tmp_path / "pnpm-workspace.yaml", "packages:\n  - packages/*\n  - apps/*\n")
    write(tmp_path / "apps/web/package.json", json.dumps({"name": "web"}))
    # A catch-all alias that finds no file: TypeScript goes on to the package.
    write(
        tmp_path / "apps/web/tsconfig.json",
        json.dumps({"compilerOptions": {"baseUrl": ".", "paths": {"*": ["./*"]}}}),
    )
    built = {
        ".": {"types": "./dist/index.d.ts", "import": "./dist/index.mjs"},
        "./next": {"types": "./dist/next.d.ts", "default": "./dist/next.js"},
        "./adapters/*": "./src/adapters/*.ts",
    }
    write(
        tmp_path / "packages/kit/package.json", json.dumps({"name": "@repo/kit", "exports": built})
    )
    for rel in ("src/index.ts", "src/next.ts", "src/adapters/fetch.ts"):
        write(tmp_path / "packages/kit" / rel, "export {};\n")
    write(tmp_path / "packages/plain/package.json", json.dumps({"name": "@repo/plain"}))
    write(tmp_path / "packages/plain/index.tsx", "export {};\n")
    write(tmp_path / "packages/plain/src/forms.ts", "export {};\n")
    workspace = scan(tmp_path)
    resolver = resolver_for(workspace)

    web = next(p for p in workspace.packages if p.name == "web")

    def source(specifier: str) -> str | None:
        resolution = resolver.resolve("apps/web/page.tsx", specifier, web)
        return resolver.source_of(resolution, specifier)

    # A built package's `dist` entry is read as the `src` file it is built from.
    assert source("@repo/kit") == "packages/kit/src/index.ts"
    assert source("@repo/kit/next") == "packages/kit/src/next.ts"
    assert source("@repo/kit/adapters/fetch") == "packages/kit/src/adapters/fetch.ts"
    # Without an exports map: the index, or the subpath under src/.
    assert source("@repo/plain") == "packages/plain/index.tsx"
    assert source("@repo/plain/forms") == "packages/plain/src/forms.ts"
    assert source("@repo/kit/missing") is None
    assert resolver.resolve("apps/web/page.tsx", "@repo/kit", web).kind == "alias"
    assert source("react") is None
