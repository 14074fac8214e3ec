"""The workspace map's data: packages, their workspace dependencies and edges, the parsed
turbo.json and tsconfig facts, the problems found on the way, and the :class:`Workspace`
that holds them with its graph queries (owner of a file, dependents, root dependencies)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .graph import find_cycles

if TYPE_CHECKING:
    from ..formats.jsonc import JSONValue

DEP_KINDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
# The edges a change travels along to reach dependents. Peer dependencies are left out, as in
# turbo: the consumer brings its own copy, and the declaring package also lists it as a
# devDependency when it builds or tests against it.
GRAPH_KINDS = frozenset({"dependencies", "devDependencies", "optionalDependencies"})


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the repository that does not stop the map from being built."""

    code: str
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    severity: str = "error"  # "error" fails the command (exit 1), "warning" does not

    def render(self) -> str:
        loc = self.path or ""
        if loc and self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return f"{loc + ': ' if loc else ''}{self.severity}[{self.code}]: {self.message}"


@dataclass(frozen=True, slots=True)
class PackageManager:
    name: str  # pnpm | npm | yarn | bun
    version: str | None
    source: str  # where it was read from: "packageManager", a lockfile name, or "default"


@dataclass(frozen=True, slots=True)
class WorkspaceDependency:
    """A dependency of one workspace package on another."""

    name: str  # the name it is declared under (an alias for `workspace:other@*`)
    target: str  # the workspace package name it resolves to
    kind: str  # dependencies | devDependencies | peerDependencies | optionalDependencies
    specifier: str
    protocol: str  # workspace | catalog | link | file | range


@dataclass(frozen=True, slots=True)
class TurboTask:
    key: str  # as written: "build", "web#build", "//#lint"
    package: str | None
    task: str
    depends_on: tuple[str, ...] = ()
    inputs: tuple[str, ...] | None = None
    outputs: tuple[str, ...] | None = None
    env: tuple[str, ...] = ()
    cache: bool | None = None
    persistent: bool | None = None


@dataclass(frozen=True, slots=True)
class TurboConfig:
    path: str  # relative to the monorepo root
    schema: str  # "v2" (`tasks`) or "v1" (`pipeline`)
    tasks: tuple[TurboTask, ...] = ()
    global_dependencies: tuple[str, ...] = ()
    global_env: tuple[str, ...] = ()
    extends: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    boundaries: JSONValue = None


@dataclass(frozen=True, slots=True)
class TsConfig:
    """A tsconfig with its `extends` chain resolved, reduced to what import resolution needs."""

    path: str  # relative to the monorepo root
    extends: tuple[str, ...] = ()  # resolved chain, nearest first, relative to the root
    unresolved_extends: tuple[
        str, ...
    ] = ()  # package specifiers not installed nor in the workspace
    base_url: str | None = None  # relative to the root
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    paths_base: str | None = None  # directory that `paths` targets are relative to


@dataclass(frozen=True, slots=True)
class Package:
    name: str | None
    path: str  # POSIX, relative to the monorepo root; "." for the root package
    version: str | None
    private: bool
    scripts: dict[str, str]
    dependencies: dict[str, dict[str, str]]  # kind -> name -> specifier, as declared
    workspace_dependencies: tuple[WorkspaceDependency, ...]
    exports: JSONValue
    turbo: TurboConfig | None
    tsconfig: TsConfig | None
    bin: bool = False  # package.json declares `bin`: a command-line tool
    # A project in the repository that no workspace glob names (a docs site or an example
    # app with its own package.json): validated against its own manifest and tsconfig, never
    # part of the package graph, never importable by name.
    nested: bool = False

    @property
    def label(self) -> str:
        return self.name or self.path


@dataclass(frozen=True, slots=True)
class Edge:
    source: str  # package name
    target: str
    kind: str
    specifier: str


@dataclass(frozen=True)
class Workspace:
    root: Path
    package_manager: PackageManager
    workspace_source: str | None  # "pnpm-workspace.yaml", "package.json" or None
    workspace_globs: tuple[str, ...]
    lockfile: str | None
    root_package: Package
    packages: tuple[Package, ...]  # sorted by path; the root package is not among them
    edges: tuple[Edge, ...]
    turbo: TurboConfig | None
    catalogs: dict[str, dict[str, str]]
    problems: tuple[Problem, ...]

    @cached_property
    def by_name(self) -> dict[str, Package]:
        out: dict[str, Package] = {}
        for p in self.packages:
            if p.name and not p.nested:
                out.setdefault(p.name, p)  # a name two packages share is the first's (WS005)
        return out

    @cached_property
    def by_path(self) -> dict[str, Package]:
        return {p.path: p for p in self.packages}

    def owner_of(self, rel_path: str) -> Package | None:
        """The deepest workspace package whose folder contains ``rel_path`` (None: the root)."""
        by_path = self.by_path
        key = rel_path
        while True:
            cut = key.rfind("/")
            key = key[:cut] if cut > 0 else "."
            pkg = by_path.get(key)
            if pkg is not None or key == ".":
                return pkg

    @cached_property
    def dependents_graph(self) -> dict[str, list[tuple[str, Edge]]]:
        """name -> [(dependent name, edge)], sorted for deterministic walks."""
        graph: dict[str, list[tuple[str, Edge]]] = {}
        for e in self.edges:
            if e.kind in GRAPH_KINDS:
                graph.setdefault(e.target, []).append((e.source, e))
        for lst in graph.values():
            lst.sort(key=lambda item: (item[0], item[1].kind))
        return graph

    def dependents(self, names: Iterable[str]) -> dict[str, list[Edge]]:
        """Transitive dependents of ``names`` (not including them), each with the chain of
        edges from one of ``names`` to it (shortest, then alphabetical)."""
        graph = self.dependents_graph
        chains: dict[str, list[Edge]] = {}
        start = sorted(set(names))
        frontier = start
        seen = set(start)
        while frontier:
            nxt: list[str] = []
            for name in frontier:
                for dependent, edge in graph.get(name, ()):
                    if dependent in seen:
                        continue
                    seen.add(dependent)
                    chains[dependent] = [*chains.get(name, []), edge]
                    nxt.append(dependent)
            frontier = sorted(nxt)
        return chains

    @cached_property
    def root_dependencies(self) -> frozenset[str]:
        """Workspace packages the root package.json depends on, directly or transitively.
        A change in one of them reaches every package (shared configs, tooling)."""
        out: set[str] = set()
        stack = [
            d.target for d in self.root_package.workspace_dependencies if d.kind in GRAPH_KINDS
        ]
        forward: dict[str, list[str]] = {}
        for e in self.edges:
            if e.kind in GRAPH_KINDS:
                forward.setdefault(e.source, []).append(e.target)
        while stack:
            name = stack.pop()
            if name not in out:
                out.add(name)
                stack.extend(forward.get(name, ()))
        return frozenset(out)

    def cycles(self) -> list[list[str]]:
        return find_cycles(self.edges)


def manifest_rel(pkg_path: str) -> str:
    """A package's package.json, relative to the monorepo root."""
    return "package.json" if pkg_path == "." else f"{pkg_path}/package.json"


def root_relative(root: Path, path: Path) -> str:
    """``path`` relative to the monorepo root, POSIX (as given when it is outside)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
