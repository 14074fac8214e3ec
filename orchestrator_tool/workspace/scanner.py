"""``scan(root)``: read the monorepo once into an immutable :class:`Workspace`, each package with
its manifest, turbo.json, tsconfig and workspace dependencies, and the problems found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..formats import jsonc, names
from . import dependencies
from .discovery import expand_globs, git_ignored, workspace_config
from .graph import find_cycles
from .model import (
    DEP_KINDS,
    GRAPH_KINDS,
    Package,
    Problem,
    TurboConfig,
    Workspace,
    manifest_rel,
)
from .package_manager import package_manager
from .tsconfig import TsconfigReader
from .turbo import read_turbo

if TYPE_CHECKING:
    from ..formats.jsonc import JSONObject


def scan(root: Path) -> Workspace:
    """Read the monorepo at ``root`` into a :class:`Workspace`.

    Raises :class:`InputError` for anything that makes a map impossible (a broken manifest,
    a glob outside the root, two packages with one name); lesser problems are collected in
    ``Workspace.problems``.
    """
    root = root.resolve()
    problems: list[Problem] = []
    if not (root / "package.json").is_file():
        if (root / "pnpm-workspace.yaml").is_file():
            root_manifest: JSONObject = {}
        else:
            raise InputError(
                "no package.json at the monorepo root",
                path=root / "package.json",
                hint="run inside a JavaScript/TypeScript monorepo or pass --root DIR",
            )
    else:
        root_manifest = _manifest(root)
    ws_source, globs, catalogs = workspace_config(root, root_manifest)
    pm, lockfile = package_manager(root, root_manifest, ws_source, problems)

    rels, via_wildcard = expand_globs(root, globs)
    if via_wildcard:
        ignored = git_ignored(root, sorted(via_wildcard))
        rels = [r for r in rels if r not in ignored]

    manifests = {rel: _manifest(root / rel) for rel in rels}
    names_seen: dict[str, str] = {}
    shared: list[tuple[str, str]] = []  # (name, the later package's folder)
    for rel, m in manifests.items():
        name = m.get("name")
        if isinstance(name, str) and name:
            if name in names_seen:
                # pnpm installs such a workspace (test apps often share a name); turbo refuses
                # it. The map keeps the first package under the name and says so.
                shared.append((name, rel))
                continue
            names_seen[name] = rel
    tsconfigs = TsconfigReader(root, {n: (root / r) for n, r in names_seen.items()}, problems)

    root_turbo: TurboConfig | None = None
    tj, tjc = root / "turbo.json", root / "turbo.jsonc"
    if tj.is_file() and tjc.is_file():
        raise InputError(
            "both turbo.json and turbo.jsonc exist", path=tjc, hint="keep only one of them"
        )
    for tpath in (tj, tjc):
        if tpath.is_file():
            root_turbo = read_turbo(root, tpath)

    packages = [_package(root, rel, manifests[rel], tsconfigs) for rel in rels]
    root_package = _package(root, ".", root_manifest, tsconfigs)
    # A dependency on a shared name is ambiguous when it goes by the name; one by path
    # (`file:./x`, `link:../x`, `workspace:../x`, as vite's playgrounds have) names its folder.
    depended_on = {
        dep
        for p in (*packages, root_package)
        for deps in p.dependencies.values()
        for dep, spec in deps.items()
        if not dependencies.by_path(spec)
    }
    for name, rel in shared:
        pos = jsonc.key_position(jsonc.read_text(root / rel / "package.json"), "name")
        problems.append(
            Problem(
                "WS005",
                f"two workspace packages are named {name!r}: {names_seen[name]} and {rel}; "
                f"the map takes {names_seen[name]} for the name"
                + (" and a dependency on it is ambiguous" if name in depended_on else ""),
                path=manifest_rel(rel),
                line=pos[0] if pos else None,
                column=pos[1] if pos else None,
                # turbo refuses such a workspace; pnpm links one of them where it is a dependency
                severity="error" if name in depended_on else "warning",
            )
        )

    final, root_package, edges = dependencies.link(root, packages, root_package, catalogs, problems)
    if not globs:
        # No workspaces declared (or a pnpm-workspace.yaml of settings alone, no `packages`, as
        # pnpm 10 reads it): a single-package repository, the root is its one package.
        final = [root_package]

    for pkg in final:
        bad_name = names.package_name_problem(pkg.name) if pkg.name else None
        if bad_name is not None and pkg.name is not None:
            pos = jsonc.key_position(jsonc.read_text(root / pkg.path / "package.json"), "name")
            problems.append(
                Problem(
                    "WS006",
                    f"package name {pkg.name[:100]!r} {bad_name}: its gates are not run",
                    path=manifest_rel(pkg.path),
                    line=pos[0] if pos else None,
                    column=pos[1] if pos else None,
                )
            )
    for cycle in find_cycles(e for e in edges if e.kind in GRAPH_KINDS):
        problems.append(Problem("WS001", "dependency cycle: " + " → ".join(cycle), path=None))
    return Workspace(
        root=root,
        package_manager=pm,
        workspace_source=ws_source,
        workspace_globs=tuple(globs),
        lockfile=lockfile,
        root_package=root_package,
        packages=tuple(final),
        edges=tuple(sorted(edges, key=lambda e: (e.source, e.target, DEP_KINDS.index(e.kind)))),
        turbo=root_turbo,
        catalogs=catalogs,
        problems=tuple(problems),
    )


def with_nested_projects(ws: Workspace, folders: Iterable[str]) -> Workspace:
    """``ws`` with the projects at ``folders`` (nested in the repository, outside the
    workspace) added as packages of their own (``Package.nested``), for validation: their
    files answer to their own package.json and tsconfig. The graph is unchanged."""
    # The map's problems are the scan's: a nested project's tsconfig problems are not added.
    tsconfigs = TsconfigReader(ws.root, {n: ws.root / p.path for n, p in ws.by_name.items()}, [])
    nested = [
        replace(_package(ws.root, rel, _manifest(ws.root / rel), tsconfigs), nested=True)
        for rel in sorted(folders)
    ]
    if not nested:
        return ws
    return replace(ws, packages=tuple(sorted([*ws.packages, *nested], key=lambda p: p.path)))


def _manifest(directory: Path) -> JSONObject:
    return jsonc.load_object(directory / "package.json", what="package.json")


def _package(root: Path, rel: str, manifest: JSONObject, tsconfigs: TsconfigReader) -> Package:
    directory = root if rel == "." else root / rel
    name = manifest.get("name")
    version = manifest.get("version")
    scripts_raw = manifest.get("scripts")
    scripts = (
        {str(k): str(v) for k, v in scripts_raw.items() if isinstance(v, str)}
        if isinstance(scripts_raw, dict)
        else {}
    )
    deps: dict[str, dict[str, str]] = {}
    for kind in DEP_KINDS:
        raw = manifest.get(kind)
        if isinstance(raw, dict):
            deps[kind] = {str(k): str(v) for k, v in raw.items() if isinstance(v, str)}
    turbo = None
    for fname in ("turbo.json", "turbo.jsonc"):
        tpath = directory / fname
        if rel != "." and tpath.is_file():
            turbo = read_turbo(root, tpath)
            break
    return Package(
        name=name if isinstance(name, str) and name else None,
        path=rel,
        version=version if isinstance(version, str) else None,
        private=manifest.get("private") is True,
        scripts=scripts,
        dependencies=deps,
        workspace_dependencies=(),
        exports=manifest.get("exports"),
        turbo=turbo,
        tsconfig=tsconfigs.for_folder(directory),
        bin=bool(manifest.get("bin")),
    )
