"""Where an import leads: npm names, bundler aliases, Vite's import queries, and the source
file a workspace package import leads to (as the semantic rules follow it)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.engine.resolution import Resolver, is_npm_name
from orchestrator_tool.engine.run_state import RunState
from orchestrator_tool.workspace import scan

from .conftest import write


@pytest.mark.parametrize(
    "name",
    ["zod", "@repo/ui", "lodash.merge", "@trigger.dev/sdk", "tippy.js", "a-b_c", "@a~b/c"],
)
def test_names_npm_gives_packages(name: str) -> None:
    assert is_npm_name(name)


@pytest.mark.parametrize(
    "name",
    ["$lib", "$env", "$app", "$service-worker", "~", "@theme/Layout", "_private", ".bin", ""],
)
def test_names_npm_never_gives_a_package(name: str) -> None:
    assert not is_npm_name(name)


def _svelte_app(root: Path) -> Path:
    write(root / "package.json", json.dumps({"name": "root", "private": True}))
    write(root / "pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n")
    write(
        root / "apps/site/package.json",
        json.dumps(
            {
                "name": "site",
                "dependencies": {"@repo/ui": "workspace:*", "svelte": "^5"},
                "devDependencies": {"@sveltejs/kit": "^2"},
            }
        ),
    )
    write(root / "apps/site/tsconfig.json", json.dumps({"extends": "./.svelte-kit/tsconfig.json"}))
    write(
        root / "packages/ui/package.json",
        json.dumps(
            {
                "name": "@repo/ui",
                "exports": {".": "./src/index.ts", "./styles.css": "./src/styles.css"},
            }
        ),
    )
    write(root / "packages/ui/src/index.ts", "export const Button = 1;\n")
    write(root / "packages/ui/src/styles.css", "a { color: red; }\n")
    return root


def test_sveltekit_specifiers_are_not_undeclared_packages(tmp_path: Path) -> None:
    root = _svelte_app(tmp_path)
    write(
        root / "apps/site/src/routes/+page.server.ts",
        'import { db } from "$lib/server/db";\n'
        'import { SECRET } from "$env/static/private";\n'
        'import { goto } from "$app/navigation";\n'
        'import { files } from "$service-worker";\n'
        'import { error } from "@sveltejs/kit";\n'
        'import { Card } from "@components/card";\n'
        'import { clsx } from "clsx";\n',
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["IMP003"], use_cache=False, jobs=1)
    )
    # without SvelteKit's generated tsconfig, a kit.alias that looks like a package name is
    # one: svelte.config.js is code, and is not run
    assert sorted(d.message.split(" ")[0] for d in report.diagnostics) == [
        "@components/card",
        "clsx",
    ]
    # with it (`svelte-kit sync` writes it from kit.alias), the alias resolves as TypeScript's
    write(
        root / "apps/site/.svelte-kit/tsconfig.json",
        json.dumps(
            {
                "compilerOptions": {
                    "paths": {
                        "$lib": ["../src/lib"],
                        "$lib/*": ["../src/lib/*"],
                        "@components": ["../src/components"],
                        "@components/*": ["../src/components/*"],
                    }
                }
            }
        ),
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["IMP003"], use_cache=False, jobs=1)
    )
    assert [d.message.split(" ")[0] for d in report.diagnostics] == ["clsx"]


def test_vite_import_queries_resolve_to_the_file_before_them(tmp_path: Path) -> None:
    root = _svelte_app(tmp_path)
    write(root / "apps/site/src/logo.svg", "<svg/>\n")
    ws = scan(root)
    site = ws.by_name["site"]
    resolver = Resolver(RunState(ws))
    url = resolver.resolve("apps/site/src/app.ts", "./logo.svg?url", site)
    assert (url.kind, url.path, url.exists) == ("relative", "apps/site/src/logo.svg", True)
    inline = resolver.resolve("apps/site/src/app.ts", "@repo/ui/styles.css?inline", site)
    assert (inline.kind, inline.package, inline.subpath) == (
        "workspace",
        "@repo/ui",
        "./styles.css",
    )
    raw = resolver.resolve("apps/site/src/app.ts", "svelte/package.json?raw", site)
    assert (raw.kind, raw.package, raw.subpath) == ("external", "svelte", "./package.json")
    write(
        root / "apps/site/src/app.ts",
        'import css from "@repo/ui/styles.css?inline";\n'
        'import Worker from "@repo/ui/src/index.ts?worker";\n'
        'import logo from "./logo.svg?url";\n',
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["IMP004"], use_cache=False, jobs=1)
    )
    # the exported stylesheet is fine with its query; the worker reaches past the exports
    assert [(d.line, d.message) for d in report.diagnostics] == [
        (
            2,
            "@repo/ui's exports do not expose './src/index.ts'; "
            "import an exported path or add it to its exports",
        )
    ]


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
    resolver = Resolver(RunState(workspace))

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


def test_imp002_asks_for_the_range_the_package_manager_links_with(make_repo) -> None:
    # npm has no workspace: protocol: a range the workspace package's version matches links it
    repo = make_repo("npm-workspaces")
    write(repo / "apps/site/src/extra.ts", 'export { run } from "@acme/cli";\n')
    report = api.validate(
        api.load_workspace(repo),
        api.ValidateOptions(paths=["apps/site/src/extra.ts"], cwd=repo, select=["IMP002"]),
    )
    assert [d.message for d in report.diagnostics] == [
        "@acme/cli is a workspace package but apps/site/package.json does not declare it; "
        'add "@acme/cli": "*"'
    ]


def test_a_range_the_workspace_copy_does_not_satisfy_is_installed_from_the_registry(
    tmp_path: Path,
) -> None:
    write(tmp_path / "package.json", json.dumps({"name": "root", "private": True}))
    write(tmp_path / "pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n")
    write(
        tmp_path / "packages/sdk/package.json",
        json.dumps({"name": "@acme/sdk", "version": "2.0.0-local", "exports": {".": "./a.ts"}}),
    )
    write(tmp_path / "packages/sdk/a.ts", "export const x = 1;\n")
    write(
        tmp_path / "apps/site/package.json",
        json.dumps({"name": "site", "dependencies": {"@acme/sdk": "^1.2.0"}}),
    )
    write(
        tmp_path / "apps/docs/package.json",
        json.dumps({"name": "docs", "dependencies": {"@acme/sdk": "workspace:*"}}),
    )
    ws = scan(tmp_path)
    resolver = Resolver(RunState(ws))
    site = resolver.resolve("apps/site/a.ts", "@acme/sdk/internal", ws.by_name["site"])
    assert (site.kind, site.package, site.subpath) == ("external", "@acme/sdk", "./internal")
    docs = resolver.resolve("apps/docs/a.ts", "@acme/sdk/internal", ws.by_name["docs"])
    assert (docs.kind, docs.package) == ("workspace", "@acme/sdk")
    write(tmp_path / "apps/site/a.ts", 'import { y } from "@acme/sdk/internal";\n')
    write(tmp_path / "apps/docs/a.ts", 'import { y } from "@acme/sdk/internal";\n')
    report = api.validate(
        scan(tmp_path), api.ValidateOptions(select=["IMP004"], use_cache=False, jobs=1)
    )
    # only the package that links the workspace copy is held to its exports
    assert [d.path for d in report.diagnostics] == ["apps/docs/a.ts"]


def test_a_built_entry_is_read_as_the_source_its_bundler_config_names(tmp_path: Path) -> None:
    write(tmp_path / "package.json", json.dumps({"name": "root", "private": True}))
    write(tmp_path / "pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n")
    write(tmp_path / "apps/web/package.json", json.dumps({"name": "web"}))
    exports = {"./next": {"types": "./dist/next.d.mts", "default": "./dist/next.mjs"}}
    write(
        tmp_path / "packages/server/package.json",
        json.dumps({"name": "@acme/server", "exports": exports}),
    )
    write(
        tmp_path / "packages/server/tsdown.config.ts",
        'export default { entry: { api: "src/api/index.ts", next: "src/adapter/next/index.ts" } };\n',
    )
    write(tmp_path / "packages/server/src/adapter/next/index.ts", "export {};\n")
    ws = scan(tmp_path)
    resolver = Resolver(RunState(ws))
    web = ws.by_name["web"]
    found = resolver.resolve("apps/web/route.ts", "@acme/server/next", web)
    assert resolver.source_of(found, "@acme/server/next") == (
        "packages/server/src/adapter/next/index.ts"
    )


@pytest.mark.parametrize(
    ("subpath", "allowed"),
    [
        ("./Array", True),
        ("./unstable/http", True),
        # Node picks the longest part before `*`, then the longest key: `./*/index` over `./*`
        ("./unstable/http/index", False),
        ("./internal/x", False),
        ("./testing", True),
    ],
)
def test_exports_allow_follows_nodes_pattern_order(subpath: str, allowed: bool) -> None:
    from orchestrator_tool.engine.resolution import exports_allow

    exports = {".": "./src/index.ts", "./*": "./src/*.ts", "./internal/*": None, "./*/index": None}
    exports["./testing"] = "./src/testing/index.ts"
    assert exports_allow(exports, subpath) is allowed


def _nx_repo(root: Path) -> Path:
    # An Nx repository: one project at the root (pnpm-workspace.yaml holds settings only), apps
    # without package.json, libraries reached through tsconfig.base.json paths
    write(root / "package.json", '{"name": "@acme/source", "private": true}\n')
    write(root / "pnpm-workspace.yaml", "onlyBuiltDependencies:\n  - nx\n")
    write(
        root / "tsconfig.base.json",
        json.dumps({"compilerOptions": {"paths": {"@acme/ui": ["libs/ui/src/index.ts"]}}}),
    )
    write(root / "libs/ui/package.json", '{"name": "@acme/ui"}\n')
    write(root / "libs/ui/src/index.ts", "export const Button = 1;\n")
    write(root / "apps/web/tsconfig.json", '{"extends": "../../tsconfig.base.json"}\n')
    write(root / "apps/web/src/main.ts", 'import { Button } from "@acme/ui";\nButton;\n')
    write(root / "tools/seed.ts", 'import { Button } from "@acme/ui";\nButton;\n')
    # older than the result cache's racy window (a file changed, its ctime included, a clock
    # tick before a run is not trusted to the cache): every verdict of a first run is stored
    time.sleep(0.1)
    return root


def test_a_root_file_resolves_with_the_nearest_tsconfig_above_it(tmp_path: Path) -> None:
    root = _nx_repo(tmp_path / "repo")
    opts = api.ValidateOptions(select=["IMP003", "IMP005"], jobs=1)
    first = api.validate(scan(root), opts)
    # apps/web/tsconfig.json extends the base, whose paths lead to the library; tools/ has no
    # tsconfig of its own and the root has no tsconfig.json: the name is an undeclared package
    assert [(d.path, d.code) for d in first.diagnostics] == [("tools/seed.ts", "IMP003")]
    assert api.validate(scan(root), opts).cached == first.files_checked
    # the verdicts depend on those tsconfigs: one that changes, or a new one, is seen at once
    write(root / "apps/web/tsconfig.json", "{}\n")
    write(root / "tools/tsconfig.json", '{"extends": "../tsconfig.base.json"}\n')
    again = api.validate(scan(root), opts)
    assert [(d.path, d.code) for d in again.diagnostics] == [("apps/web/src/main.ts", "IMP003")]
    write(root / "tsconfig.base.json", '{"compilerOptions": {}}\n')
    write(root / "apps/web/tsconfig.json", '{"extends": "../../tsconfig.base.json"}\n')
    last = api.validate(scan(root), opts)
    # one finding for the root's missing dependency, the other import listed with it
    assert [(d.path, d.code) for d in last.diagnostics] == [("apps/web/src/main.ts", "IMP003")]
    assert "tools/seed.ts" in str(last.diagnostics[0].related)


def test_the_package_import_of_a_data_file_is_its_path(tmp_path: Path) -> None:
    from orchestrator_tool.engine.resolution import suggested_specifier

    root = tmp_path / "repo"
    write(root / "package.json", '{"name": "root", "private": true}\n')
    write(root / "pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n")
    write(root / "packages/shared/package.json", '{"name": "shared", "main": "dist/index.js"}\n')
    ws = scan(root)

    def suggested(path: str) -> str | None:
        found = suggested_specifier(ws, path)
        return None if found is None else found[0]

    # without an exports map: a module of src/ through the entry, a data file by its path
    assert suggested("packages/shared/src/dates.ts") == "shared"
    assert suggested("packages/shared/src/versions/js.json") == "shared/src/versions/js.json"
    assert suggested("packages/shared/package.json") == "shared/package.json"
    assert suggested("packages/shared/scripts/x.ts") == "shared/scripts/x"
