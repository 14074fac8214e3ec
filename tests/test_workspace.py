"""The workspace map against the fixture monorepos (see fixtures/monorepos/README.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from orchestrator_tool.errors import InputError
from orchestrator_tool.formats.globs import glob_to_regex
from orchestrator_tool.workspace import (
    Edge,
    expand_globs,
    find_cycles,
    find_root,
    scan,
)

from .conftest import FIXTURES, write

NEXT_FORGE_PACKAGES = {
    ("api", "apps/api"),
    ("app", "apps/app"),
    ("docs", "apps/docs"),
    ("web", "apps/web"),
    ("@repo/analytics", "packages/analytics"),
    ("@repo/auth", "packages/auth"),
    ("@repo/database", "packages/database"),
    ("@repo/design-system", "packages/design-system"),
    ("@repo/email", "packages/email"),
    ("@repo/typescript-config", "packages/typescript-config"),
}

NEXT_FORGE_EDGES = {
    ("app", "@repo/auth", "dependencies", "workspace:*"),
    ("app", "@repo/database", "dependencies", "workspace:*"),
    ("app", "@repo/design-system", "dependencies", "workspace:^"),
    ("app", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("api", "@repo/auth", "dependencies", "workspace:*"),
    ("api", "@repo/database", "dependencies", "workspace:*"),
    ("api", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("web", "@repo/analytics", "dependencies", "^0.1.0"),
    ("web", "@repo/design-system", "dependencies", "workspace:*"),
    ("web", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("docs", "@repo/design-system", "devDependencies", "workspace:*"),
    ("docs", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("@repo/auth", "@repo/database", "dependencies", "workspace:*"),
    ("@repo/auth", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("@repo/email", "@repo/design-system", "peerDependencies", "workspace:^"),
    ("@repo/email", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("@repo/analytics", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("@repo/database", "@repo/typescript-config", "devDependencies", "workspace:*"),
    ("@repo/design-system", "@repo/typescript-config", "devDependencies", "workspace:*"),
}


@pytest.fixture(scope="module")
def next_forge():
    return scan(FIXTURES / "next-forge")


def test_next_forge_packages_and_negated_glob(next_forge) -> None:
    assert {(p.name, p.path) for p in next_forge.packages} == NEXT_FORGE_PACKAGES
    assert "@repo/legacy-utils" not in next_forge.by_name
    assert next_forge.workspace_globs == ("apps/*", "packages/*", "!packages/legacy-*")
    assert next_forge.problems == ()


def test_next_forge_package_manager(next_forge) -> None:
    pm = next_forge.package_manager
    assert (pm.name, pm.version, pm.source) == ("pnpm", "9.15.0", "packageManager")
    assert next_forge.lockfile == "pnpm-lock.yaml"


def test_next_forge_edges(next_forge) -> None:
    assert {(e.source, e.target, e.kind, e.specifier) for e in next_forge.edges} == NEXT_FORGE_EDGES


def test_workspace_dependency_protocols(next_forge) -> None:
    web = next_forge.by_name["web"]
    protocols = {d.target: d.protocol for d in web.workspace_dependencies}
    assert protocols == {
        "@repo/analytics": "range",
        "@repo/design-system": "workspace",
        "@repo/typescript-config": "workspace",
    }
    # catalog: entries are external here, and resolved through the catalog
    assert next_forge.catalogs["default"]["zod"] == "^3.24.1"
    assert web.dependencies["dependencies"]["react"] == "catalog:"


def test_package_fields(next_forge) -> None:
    api = next_forge.by_name["api"]
    assert api.version == "0.1.0"
    assert api.private is True
    assert "test" in api.scripts
    assert next_forge.by_name["@repo/typescript-config"].scripts == {}
    db = next_forge.by_name["@repo/database"]
    assert db.exports == {".": "./index.ts", "./schema": "./schema.ts"}
    assert next_forge.by_name["@repo/analytics"].private is False


def test_root_turbo_json_v2_jsonc(next_forge) -> None:
    turbo = next_forge.turbo
    assert turbo is not None
    assert turbo.schema == "v2"
    assert turbo.global_dependencies == (".env", "tsconfig.json")
    assert turbo.global_env == ("NODE_ENV",)
    tasks = {t.key: t for t in turbo.tasks}
    assert set(tasks) == {"build", "typecheck", "test", "lint", "dev", "api#test"}
    assert tasks["build"].depends_on == ("^build",)
    assert tasks["build"].inputs == ("$TURBO_DEFAULT$", "!README.md")
    assert tasks["dev"].cache is False and tasks["dev"].persistent is True
    assert (tasks["api#test"].package, tasks["api#test"].task) == ("api", "test")
    assert tasks["api#test"].env == ("DATABASE_URL", "AUTH_SECRET")


def test_package_turbo_json(next_forge) -> None:
    web_turbo = next_forge.by_name["web"].turbo
    assert web_turbo is not None
    assert web_turbo.extends == ("//",)
    assert web_turbo.tags == ("app",)
    assert next_forge.by_name["@repo/database"].turbo.tags == ("data",)
    assert next_forge.by_name["api"].turbo is None


def test_tsconfig_extends_through_uninstalled_workspace_package(next_forge) -> None:
    ts = next_forge.by_name["app"].tsconfig
    assert ts is not None
    assert ts.extends == (
        "packages/typescript-config/nextjs.json",
        "packages/typescript-config/base.json",
    )
    assert ts.unresolved_extends == ()
    assert ts.base_url == "apps/app"
    assert ts.paths["@/*"] == ("./*",)
    assert ts.paths["@repo/design-system/*"] == ("../../packages/design-system/*",)
    assert ts.paths_base == "apps/app"
    lib = next_forge.by_name["@repo/auth"].tsconfig
    assert lib.extends[0] == "packages/typescript-config/react-library.json"
    assert lib.paths_base == "packages/auth"  # no baseUrl: relative to the config with `paths`


def test_npm_workspaces() -> None:
    ws = scan(FIXTURES / "npm-workspaces")
    assert {(p.name, p.path) for p in ws.packages} == {
        ("@acme/core", "packages/core"),
        ("@acme/utils", "packages/utils"),
        ("@acme/cli", "packages/cli"),
        ("@acme/site", "apps/site"),
    }
    assert {(e.source, e.target, e.specifier) for e in ws.edges} == {
        ("@acme/utils", "@acme/core", "*"),
        ("@acme/cli", "@acme/utils", "^1.0.0"),
        ("@acme/site", "@acme/core", "file:../../packages/core"),
    }
    assert ws.package_manager.name == "npm"
    assert ws.workspace_source == "package.json"
    assert ws.lockfile == "package-lock.json"
    ts = ws.root_package.tsconfig
    assert ts.extends == ("tsconfig.base.json", "configs/tsconfig.strict.json")
    assert ws.by_name["@acme/site"].workspace_dependencies[0].protocol == "file"


def test_yarn_workspaces_object_form() -> None:
    ws = scan(FIXTURES / "yarn-workspaces")
    assert {p.path for p in ws.packages} == {
        "packages/models",
        "packages/api-client",
        "packages/storefront",
    }
    assert (ws.package_manager.name, ws.package_manager.version) == ("yarn", "4.5.0")
    assert ws.lockfile == "yarn.lock"


def test_bun_detected_from_lockfile() -> None:
    ws = scan(FIXTURES / "bun-workspaces")
    assert (ws.package_manager.name, ws.package_manager.source) == ("bun", "bun.lock")
    assert {(e.source, e.target) for e in ws.edges} == {("@bunapp/server", "@bunapp/shared")}


def test_turbo_v1_pipeline() -> None:
    ws = scan(FIXTURES / "turbo-v1")
    assert ws.turbo.schema == "v1"
    assert "web#build" in {t.key for t in ws.turbo.tasks}
    assert ws.turbo.global_dependencies == ("**/.env.*local",)
    assert len(ws.packages) == 4


def test_single_package_repository() -> None:
    ws = scan(FIXTURES / "broken" / "no-workspaces")
    assert [(p.name, p.path) for p in ws.packages] == [("single-package", ".")]
    assert ws.owner_of("src/index.ts").path == "."



@pytest.mark.parametrize("yaml", ["onlyBuiltDependencies:\n  - esbuild\n", "packages: []\n"])
def test_a_pnpm_workspace_yaml_without_packages_is_a_single_package_repository(
    tmp_path, yaml
) -> None:
    # pnpm 10 reads such a file for its settings alone: `pnpm ls -r` lists the root only (an Nx
    # repository keeps its libraries in tsconfig paths, not in the workspace)
    (tmp_path / "package.json").write_text('{"name": "@acme/source", "private": true}\n')
    (tmp_path / "pnpm-workspace.yaml").write_text(yaml)
    (tmp_path / "libs/ui").mkdir(parents=True)
    (tmp_path / "libs/ui/package.json").write_text('{"name": "@acme/ui"}\n')
    ws = scan(tmp_path)
    assert [(p.name, p.path) for p in ws.packages] == [("@acme/source", ".")]
    assert ws.workspace_source == "pnpm-workspace.yaml"
    assert ws.owner_of("apps/web/src/main.ts").path == "."

# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("fixture", "path", "line", "column", "fragment"),
    [
        ("bad-package-json", "packages/b/package.json", 4, 3, "invalid package.json"),
        ("bad-turbo-json", "turbo.json", 6, 13, "invalid turbo.json"),
        ("bad-workspace-yaml", "pnpm-workspace.yaml", 3, 2, "invalid YAML"),
        ("escaping-glob", "pnpm-workspace.yaml", 3, 5, "reaches outside the monorepo root"),
    ],
)
def test_broken_input_names_file_and_position(fixture, path, line, column, fragment) -> None:
    root = FIXTURES / "broken" / fixture
    with pytest.raises(InputError) as info:
        scan(root)
    err = info.value
    assert Path(err.path) == root / path
    assert (err.line, err.column) == (line, column)
    assert fragment in err.message
    assert err.hint


def test_two_packages_with_one_name_a_package_depends_on_are_an_error() -> None:
    ws = scan(FIXTURES / "broken" / "duplicate-names")
    assert [(p.code, p.severity, p.path, p.line, p.column) for p in ws.problems] == [
        ("WS005", "error", "packages/logger-next/package.json", 2, 3)
    ]
    assert ws.by_name["@dup/logger"].path == "packages/logger"
    assert [(e.source, e.target) for e in ws.edges] == [("@dup/app", "@dup/logger")]


def test_cycle_is_reported_as_the_cycle() -> None:
    ws = scan(FIXTURES / "broken" / "cycle")
    assert [p.message for p in ws.problems] == [
        "dependency cycle: @cycle/a → @cycle/b → @cycle/c → @cycle/a"
    ]


def test_missing_tsconfig_extends_is_a_problem_with_position() -> None:
    ws = scan(FIXTURES / "broken" / "bad-tsconfig")
    (problem,) = ws.problems
    assert (problem.code, problem.path, problem.line, problem.column) == (
        "TS003",
        "packages/web/tsconfig.json",
        2,
        14,
    )
    assert problem.severity == "error"


def test_generated_tsconfig_missing_is_only_a_warning(tmp_path) -> None:
    write(tmp_path / "package.json", '{"name": "x"}')
    write(tmp_path / "tsconfig.json", '{"extends": "./.nuxt/tsconfig.json"}')
    ws = scan(tmp_path)
    assert [(p.code, p.severity) for p in ws.problems] == [("TS003", "warning")]


def test_tsconfig_extends_loop_terminates(tmp_path) -> None:
    write(tmp_path / "package.json", '{"name": "x"}')
    write(tmp_path / "tsconfig.json", '{"extends": "./a.json"}')
    write(tmp_path / "a.json", '{"extends": "./tsconfig.json"}')
    ws = scan(tmp_path)
    assert [p.code for p in ws.problems] == ["TS002"]


def test_workspace_dependency_on_missing_package_is_a_problem(tmp_path) -> None:
    write(tmp_path / "package.json", '{"name": "root", "workspaces": ["packages/*"]}')
    write(
        tmp_path / "packages/a/package.json",
        '{"name": "a", "dependencies": {"ghost": "workspace:*"}}',
    )
    ws = scan(tmp_path)
    assert [p.code for p in ws.problems] == ["WS003"]


# ------------------------------------------------------------------ discovery details


def _mini(tmp_path: Path, globs: list[str], dirs: list[str]) -> Path:
    write(tmp_path / "package.json", json.dumps({"name": "root", "private": True}))
    write(tmp_path / "pnpm-workspace.yaml", "packages:\n" + "".join(f"  - '{g}'\n" for g in globs))
    for d in dirs:
        write(tmp_path / d / "package.json", json.dumps({"name": d.replace("/", "-")}))
    return tmp_path


def test_node_modules_are_never_packages(tmp_path) -> None:
    root = _mini(
        tmp_path,
        ["packages/**"],
        ["packages/a", "packages/a/node_modules/dep", "packages/node_modules/x"],
    )
    assert [p.path for p in scan(root).packages] == ["packages/a"]


def test_double_star_finds_nested_packages(tmp_path) -> None:
    root = _mini(
        tmp_path, ["packages/**"], ["packages/a", "packages/group/b", "packages/group/deep/c"]
    )
    assert [p.path for p in scan(root).packages] == [
        "packages/a",
        "packages/group/b",
        "packages/group/deep/c",
    ]


def test_brace_and_dot_handling(tmp_path) -> None:
    root = _mini(tmp_path, ["{apps,tools}/*"], ["apps/a", "tools/t", "other/o", "apps/.hidden"])
    assert [p.path for p in scan(root).packages] == ["apps/a", "tools/t"]


def test_git_ignored_folders_are_skipped(tmp_path) -> None:
    from .conftest import git

    root = _mini(tmp_path, ["packages/*"], ["packages/a", "packages/generated"])
    write(root / ".gitignore", "packages/generated/\n")
    git(root, "init", "-q")
    assert [p.path for p in scan(root).packages] == ["packages/a"]


def test_symlink_loop_does_not_hang(tmp_path) -> None:
    root = _mini(tmp_path, ["packages/**"], ["packages/a"])
    os.symlink("..", root / "packages" / "a" / "loop")
    os.symlink(str(root / "packages"), root / "packages" / "a" / "loop2")
    paths = [p.path for p in scan(root).packages]
    assert paths[0] == "packages/a"
    assert len(paths) < 10


def test_find_root_from_a_package_subfolder() -> None:
    start = FIXTURES / "next-forge" / "apps" / "api" / "app" / "api"
    assert find_root(start) == (FIXTURES / "next-forge").resolve()


def test_find_root_outside_any_package(tmp_path) -> None:
    with pytest.raises(InputError, match=r"no package\.json"):
        find_root(tmp_path)


def test_owner_is_the_deepest_package(tmp_path) -> None:
    root = _mini(
        tmp_path, ["packages/*", "packages/a/plugins/*"], ["packages/a", "packages/a/plugins/p"]
    )
    ws = scan(root)
    assert ws.owner_of("packages/a/src/x.ts").path == "packages/a"
    assert ws.owner_of("packages/a/plugins/p/x.ts").path == "packages/a/plugins/p"
    assert ws.owner_of("README.md") is None


def test_expand_globs_reports_wildcard_matches(tmp_path) -> None:
    root = _mini(tmp_path, [], ["apps/web", "packages/ui"])
    found, via_wildcard = expand_globs(root, ["apps/web", "packages/*"])
    assert found == ["apps/web", "packages/ui"]
    assert via_wildcard == {"packages/ui"}


@pytest.mark.parametrize(
    ("pattern", "path", "match"),
    [
        ("**/.env", ".env", True),
        ("**/.env", "apps/web/.env", True),
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),
        ("apps/*/turbo.json", "apps/web/turbo.json", True),
        (".env.*local", ".env.production.local", True),
    ],
)
def test_glob_to_regex_with_dots(pattern, path, match) -> None:
    assert bool(glob_to_regex(pattern, dot=True).match(path)) is match


def test_find_cycles_is_deterministic() -> None:
    edges = [
        Edge("b", "a", "dependencies", "*"),
        Edge("a", "b", "dependencies", "*"),
        Edge("c", "c", "dependencies", "*"),
    ]
    assert find_cycles(edges) == [["a", "b", "a"], ["c", "c"]]


def test_dependents_with_chain(next_forge) -> None:
    deps = next_forge.dependents(["@repo/database"])
    assert set(deps) == {"@repo/auth", "api", "app"}
    assert [e.source for e in deps["@repo/auth"]] == ["@repo/auth"]


YAML_SAMPLES = [
    "packages:\n  - apps/*\n  - 'packages/*'\n  - \"!packages/legacy-*\"\n",
    "# comment\npackages:\n- apps/*  # trailing\n\ncatalog:\n  zod: ^3.24.1\n  '@types/node': 22.1.0\n",
    "packages: []\nlinkWorkspacePackages: true\nminimumReleaseAge: 4320\nsaveExact: no\n",
    "packages:\n  - a/*\ncatalogs:\n  react19:\n    react: 19.0.0\n    'react-dom': ~19.0.0\nonlyBuiltDependencies:\n  - esbuild\n",
    "packages:\n  - a/*\noverrides:\n  protobufjs@8: 8.6.6\n  nested: null\n",
    # '#' starts a comment only after a space: these catalog entries keep their ref
    "packages:\n  - a/*\ncatalog:\n  tiny: github:user/repo#v1.3.0\n"
    "  git-dep: git+https://github.com/u/r.git#semver:^1.2  # pinned\n"
    "catalogs:\n  forks:\n    short: user/repo#main\n    quoted: 'user/repo#a b'\n",
    # a key with nothing under it is null, as YAML reads it, not an empty mapping
    "packages:\n  - a/*\ncatalog:\n  empty:\ncatalogs:\n  none:\n  some:\n    x: 1\n",
]


@pytest.mark.parametrize("text", YAML_SAMPLES)
def test_fast_workspace_yaml_reader_agrees_with_pyyaml(text) -> None:
    import yaml

    from orchestrator_tool.formats.yamlload import fast_load as _simple_yaml

    fast = _simple_yaml(text)
    assert fast is not None
    assert fast[0] == (yaml.safe_load(text) or {})


def test_catalog_entries_with_a_hash_keep_their_git_ref(tmp_path) -> None:
    """`github:user/repo#v1.3.0` is one value (a YAML comment needs a space before '#'), read
    by the fast path, and the workspace's catalogs hold it whole."""
    from orchestrator_tool.formats.yamlload import fast_load

    text = (
        "packages:\n  - packages/*\ncatalog:\n  tiny: github:user/repo#v1.3.0\n"
        "  zod: ^3.24.1 # the comment goes\ncatalogs:\n  forks:\n    left-pad: user/left-pad#main\n"
    )
    assert fast_load(text) is not None  # no PyYAML needed for it
    write(tmp_path / "package.json", '{"name": "root", "private": true}')
    write(tmp_path / "pnpm-workspace.yaml", text)
    write(
        tmp_path / "packages/a/package.json",
        '{"name": "a", "dependencies": {"tiny": "catalog:", "left-pad": "catalog:forks"}}',
    )
    ws = scan(tmp_path)
    assert ws.catalogs == {
        "default": {"tiny": "github:user/repo#v1.3.0", "zod": "^3.24.1"},
        "forks": {"left-pad": "user/left-pad#main"},
    }


@pytest.mark.parametrize(
    "text",
    [
        "packages:\n  - a\n - b\n",  # inconsistent indentation: invalid YAML
        "packages: [a, b]\n",  # flow sequence
        "packages:\n  - &x a\n",  # anchors
        "key: |\n  block\n",  # block scalar
        "packages:\n\t- a\n",  # tab
    ],
)
def test_fast_workspace_yaml_reader_defers_anything_unusual(text) -> None:
    from orchestrator_tool.formats.yamlload import fast_load as _simple_yaml

    assert _simple_yaml(text) is None


def test_escaping_glob_in_package_json_workspaces(tmp_path) -> None:
    write(
        tmp_path / "package.json",
        '{\n  "name": "root",\n  "workspaces": ["packages/*", "../outside/*"]\n}\n',
    )
    with pytest.raises(InputError) as info:
        scan(tmp_path)
    assert (info.value.line, info.value.column) == (3, 32)
    assert "reaches outside the monorepo root" in info.value.message


def test_bun_catalog_under_workspaces(tmp_path) -> None:
    write(
        tmp_path / "package.json",
        '{"name": "root", "workspaces": {"packages": ["packages/*"], "catalog": {"zod": "^3"}}}',
    )
    write(
        tmp_path / "packages/a/package.json", '{"name": "a", "dependencies": {"zod": "catalog:"}}'
    )
    ws = scan(tmp_path)
    assert ws.catalogs == {"default": {"zod": "^3"}}
    assert [p.path for p in ws.packages] == ["packages/a"]


def test_two_packages_with_one_name_nobody_depends_on_are_a_warning(tmp_path) -> None:
    # test apps often share a name; pnpm installs such a workspace
    (tmp_path / "package.json").write_text('{"name": "root", "private": true}')
    (tmp_path / "pnpm-workspace.yaml").write_text("packages:\n  - packages/*\n  - test/apps/*\n")
    for rel in ("packages/kit", "test/apps/a", "test/apps/b"):
        (tmp_path / rel).mkdir(parents=True)
    (tmp_path / "packages/kit/package.json").write_text('{"name": "kit"}')
    (tmp_path / "test/apps/a/package.json").write_text('{"name": "fixture-app"}')
    (tmp_path / "test/apps/b/package.json").write_text('{\n  "name": "fixture-app"\n}')
    ws = scan(tmp_path)
    assert [(p.code, p.severity, p.path, p.line) for p in ws.problems] == [
        ("WS005", "warning", "test/apps/b/package.json", 2)
    ]
    assert ws.by_name["fixture-app"].path == "test/apps/a"
    assert len(ws.packages) == 3


def test_a_file_dependency_on_a_folder_of_the_same_name_is_no_cycle(tmp_path) -> None:
    # vite's playground: "minified-module": "file:./dir/module", a folder named like its parent
    (tmp_path / "package.json").write_text('{"name": "root", "private": true}\n')
    (tmp_path / "pnpm-workspace.yaml").write_text("packages:\n  - 'playground/**'\n")
    app = tmp_path / "playground/minify"
    (app / "dir/module").mkdir(parents=True)
    (app / "package.json").write_text(
        '{"name": "@t/minify", "version": "0.0.0",'
        ' "dependencies": {"minified-module": "file:./dir/module", "self": "link:."}}\n'
    )
    (app / "dir/module/package.json").write_text('{"name": "@t/minify", "version": "0.0.0"}\n')
    ws = scan(tmp_path)
    assert ws.edges == ()
    assert [p.code for p in ws.problems] == ["WS005"]
    assert ws.problems[0].severity == "warning"


def test_a_shared_name_depended_on_only_by_path_is_a_warning(tmp_path) -> None:
    # vite's playgrounds: two `nested-exclude` packages, each reached through `file:./x`
    (tmp_path / "package.json").write_text('{"name": "root", "private": true}\n')
    (tmp_path / "pnpm-workspace.yaml").write_text("packages:\n  - 'playground/**'\n")
    for group in ("optimize", "ssr"):
        (tmp_path / f"playground/{group}/nested").mkdir(parents=True)
        (tmp_path / f"playground/{group}/package.json").write_text(
            f'{{"name": "@t/{group}", "dependencies": {{"@t/nested": "file:./nested"}}}}\n'
        )
        (tmp_path / f"playground/{group}/nested/package.json").write_text(
            '{"name": "@t/nested", "version": "0.0.0"}\n'
        )
    ws = scan(tmp_path)
    assert [(p.code, p.severity) for p in ws.problems] == [("WS005", "warning")]
    assert "ambiguous" not in ws.problems[0].message
    # by name, it is ambiguous again
    (tmp_path / "playground/ssr/package.json").write_text(
        '{"name": "@t/ssr", "dependencies": {"@t/nested": "workspace:*"}}\n'
    )
    assert [(p.code, p.severity) for p in scan(tmp_path).problems] == [("WS005", "error")]
