"""Which declared dependencies are workspace packages (workspace:, catalog:, link:, file:,
npm: aliases, and plain ranges the workspace version satisfies), and the edges between them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..formats.semver import satisfies
from .model import DEP_KINDS, Edge, Package, Problem, WorkspaceDependency, manifest_rel


def link(
    root: Path,
    packages: list[Package],
    root_package: Package,
    catalogs: dict[str, dict[str, str]],
    problems: list[Problem],
) -> tuple[list[Package], Package, list[Edge]]:
    """``packages`` and ``root_package`` with their workspace dependencies resolved, and the
    edges between packages (the root package's dependencies are no edges)."""
    by_name: dict[str, Package] = {}
    for p in packages:
        if p.name:
            by_name.setdefault(p.name, p)
    dir_to_name = {(root / p.path).resolve(): p.name for p in packages if p.name}
    edges: list[Edge] = []
    final: list[Package] = []
    for pkg in [*packages, root_package]:
        pkg_dir = (root / pkg.path).resolve()
        wdeps: list[WorkspaceDependency] = []
        for kind in DEP_KINDS:
            for dep, spec in pkg.dependencies.get(kind, {}).items():
                wd = classify(dep, spec, kind, pkg_dir, by_name, dir_to_name, catalogs)
                if wd is None:
                    if spec.startswith("workspace:"):
                        problems.append(
                            Problem(
                                "WS003",
                                f"{kind} {dep!r}: {spec!r} names no workspace package",
                                path=manifest_rel(pkg.path),
                                severity="error",
                            )
                        )
                    continue
                wdeps.append(wd)
                # A package's own name as the target is no edge: a `link:.` to itself, or a
                # `file:` folder that shares its name (WS005 says the map keeps one of them).
                if pkg.name and pkg is not root_package and wd.target != pkg.name:
                    edges.append(Edge(pkg.name, wd.target, kind, spec))
        final.append(replace(pkg, workspace_dependencies=tuple(wdeps)))
    linked_root = final.pop()
    return final, linked_root, edges


def by_path(spec: str) -> bool:
    """Whether a dependency names its package by folder (`file:./x`, `link:../x`,
    `workspace:../x`) rather than by name."""
    if spec.startswith(("file:", "link:")):
        return True
    return spec.startswith("workspace:") and spec[len("workspace:") :].startswith((".", "/"))


def classify(
    dep: str,
    spec: str,
    kind: str,
    pkg_dir: Path,
    by_name: dict[str, Package],
    dir_to_name: dict[Path, str],
    catalogs: dict[str, dict[str, str]],
) -> WorkspaceDependency | None:
    protocol = "range"
    resolved = spec
    if spec.startswith("catalog:"):
        cname = spec[len("catalog:") :].strip() or "default"
        entry = catalogs.get(cname, {}).get(dep)
        if entry is None:
            return None
        protocol, resolved = "catalog", entry
    if resolved.startswith("workspace:"):
        rest = resolved[len("workspace:") :]
        target = dep
        if rest.startswith((".", "/")):
            tdir = (pkg_dir / rest).resolve()
            if tdir in dir_to_name:
                return WorkspaceDependency(dep, dir_to_name[tdir], kind, spec, "workspace")
            return None
        at = rest.rfind("@")
        if at > 0:  # workspace:other-name@range (an alias)
            target = rest[:at]
        if target in by_name:
            return WorkspaceDependency(
                dep, target, kind, spec, "workspace" if protocol == "range" else protocol
            )
        return None
    for prefix in ("link:", "file:"):
        if resolved.startswith(prefix):
            tdir = (pkg_dir / resolved[len(prefix) :]).resolve()
            if tdir in dir_to_name:
                return WorkspaceDependency(dep, dir_to_name[tdir], kind, spec, prefix[:-1])
            return None
    target_name = dep
    if resolved.startswith("npm:"):
        # An alias, "npm:@scope/name@^1" or just "npm:@scope/name": pnpm links it to a
        # workspace package of that name when the range allows (turbo counts it too).
        alias = resolved[len("npm:") :]
        at = alias.rfind("@")
        target_name, resolved = (alias[:at], alias[at + 1 :]) if at > 0 else (alias, "*")
        protocol = "npm-alias"
    if ":" in resolved or "/" in resolved:
        return None
    target_pkg = by_name.get(target_name)
    if target_pkg is None or target_pkg.version is None:
        return None
    if resolved.strip() in ("", "*") or satisfies(target_pkg.version, resolved):
        return WorkspaceDependency(dep, target_name, kind, spec, protocol)
    return None
