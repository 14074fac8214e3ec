"""The workspace map: packages, their internal dependency graph, turbo.json, tsconfig paths.

``scan(root)`` reads the monorepo once and returns an immutable :class:`Workspace`. Nothing
here writes to the work tree or calls the package manager.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import InputError
from ..formats import globs, jsonc, names
from ..formats.globs import glob_to_regex
from ..formats.jsonc import JSONObject, JSONValue
from ..formats.semver import satisfies

DEP_KINDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
# The edges a change travels along to reach dependents. Peer dependencies are left out, as in
# turbo: the consumer brings its own copy, and the declaring package also lists it as a
# devDependency when it builds or tests against it.
GRAPH_KINDS = frozenset({"dependencies", "devDependencies", "optionalDependencies"})
# pnpm's default ignore list for workspace globs.
_IGNORED_DIRS = frozenset({"node_modules", "bower_components"})

LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("yarn.lock", "yarn"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)


# --------------------------------------------------------------------------- models


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


# --------------------------------------------------------------------------- graph


def find_cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """One cycle per strongly connected component, as [a, b, ..., a], deterministic."""
    adj: dict[str, list[str]] = {}
    for e in edges:
        adj.setdefault(e.source, [])
        adj.setdefault(e.target, [])
        if e.target not in adj[e.source]:
            adj[e.source].append(e.target)
    for v in adj.values():
        v.sort()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    sccs: list[list[str]] = []
    counter = 0
    for start in sorted(adj):
        if start in index:
            continue
        # Iterative Tarjan so a long chain does not hit the recursion limit.
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = adj[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in adj[node]:
                    sccs.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    cycles: list[list[str]] = []
    for comp in sorted(sccs):
        members = set(comp)
        first = comp[0]
        # BFS from first back to first inside the component: the shortest cycle through it.
        prev: dict[str, str] = {}
        queue = [first]
        found = False
        while queue and not found:
            nq: list[str] = []
            for n in queue:
                for m in adj[n]:
                    if m not in members:
                        continue
                    if m == first:
                        prev[first] = n
                        found = True
                        break
                    if m not in prev:
                        prev[m] = n
                        nq.append(m)
                if found:
                    break
            queue = nq
        path = [first]
        cur = prev[first]
        while cur != first:
            path.append(cur)
            cur = prev[cur]
        path.append(first)
        path.reverse()
        cycles.append(path)
    return cycles


# --------------------------------------------------------------------------- globs


_MAGIC = re.compile(r"[*?\[{]")


def _normalize_glob(pattern: str) -> str:
    p = pattern.strip()
    while p.startswith("./"):
        p = p[2:]
    p = p.rstrip("/")
    if p.endswith("/package.json"):
        p = p[: -len("/package.json")]
    return p or "."


def _escapes_root(pattern: str) -> bool:
    if pattern.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", pattern):
        return True
    depth = 0
    for seg in pattern.split("/"):
        if seg == "..":
            depth -= 1
            if depth < 0:
                return True
        elif seg not in ("", "."):
            depth += 1
    return False


def expand_globs(root: Path, patterns: Iterable[str]) -> tuple[list[str], set[str]]:
    """Directories (relative POSIX paths) holding a package.json that match the positive
    patterns and none of the negated ones. Also returns the paths found through a wildcard
    (the candidates for the git-ignore check)."""
    positives: list[str] = []
    negatives: list[re.Pattern[str]] = []
    for raw in patterns:
        if raw.startswith("!"):
            negatives.append(glob_to_regex(_normalize_glob(raw[1:])))
        else:
            positives.append(_normalize_glob(raw))
    found: dict[str, None] = {}
    via_wildcard: set[str] = set()
    for pattern in positives:
        wild = bool(_MAGIC.search(pattern))
        # Walked one segment at a time: alternatives first (`{a/x,b}` may hold a '/').
        for rel in (
            r for one in globs.expand_braces(pattern) for r in _walk_pattern(root, one.split("/"))
        ):
            if rel == ".":
                continue
            manifest = root / rel / "package.json"
            if manifest.is_file() and _inside(root, manifest):
                found.setdefault(rel, None)
                if wild:
                    via_wildcard.add(rel)
    result = [r for r in found if not any(n.match(r) for n in negatives)]
    return sorted(result), via_wildcard


def _inside(root: Path, path: Path) -> bool:
    """Whether `path`, links resolved, is `root` or below it."""
    real, root_real = os.path.realpath(path), os.path.realpath(root)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _walk_pattern(root: Path, segments: list[str]) -> Iterator[str]:
    """Folders matching the glob's segments. A link is followed only to a folder inside the
    root: a committed link to `/` or to a sibling checkout must not turn `packages/**` into a
    walk of the whole disk, nor make an outside folder a workspace package."""
    visited_real: set[str] = set()

    def inside(path: Path) -> bool:
        return _inside(root, path)

    def walk(rel: str, idx: int) -> Iterator[str]:
        if idx == len(segments):
            yield rel
            return
        seg = segments[idx]
        base = root / rel if rel != "." else root
        if seg == "**":
            real = os.path.realpath(base)
            if real in visited_real:  # a symlink loop
                return
            visited_real.add(real)
            yield from walk(rel, idx + 1)
            for name in _subdirs(base, inside):
                if name.startswith("."):
                    continue
                yield from walk(_join(rel, name), idx)
            return
        if seg in (".", ""):
            yield from walk(rel, idx + 1)
            return
        if not _MAGIC.search(seg):
            if seg == ".." or ((base / seg).is_dir() and inside(base / seg)):
                yield from walk(_join(rel, seg), idx + 1)
            return
        rx = glob_to_regex(seg)
        for name in _subdirs(base, inside):
            if rx.match(name):
                yield from walk(_join(rel, name), idx + 1)

    yield from walk(".", 0)


def _join(rel: str, name: str) -> str:
    return name if rel == "." else f"{rel}/{name}"


def _subdirs(path: Path, inside: Callable[[Path], bool]) -> list[str]:
    try:
        with os.scandir(path) as it:
            names = []
            for entry in it:
                if entry.name in _IGNORED_DIRS:
                    continue
                try:
                    if entry.is_dir() and (not entry.is_symlink() or inside(Path(entry.path))):
                        names.append(entry.name)
                except OSError:
                    continue
            return sorted(names)
    except OSError:
        return []


# --------------------------------------------------------------------------- root discovery


def find_root(start: Path) -> Path:
    """The monorepo root: the outermost folder at or above ``start`` (within the git work
    tree) that declares workspaces; else the nearest folder with a package.json."""
    start = start.resolve()
    nearest_manifest: Path | None = None
    workspace_root: Path | None = None
    for d in (start, *start.parents):
        if (d / "pnpm-workspace.yaml").is_file():
            workspace_root = d
        else:
            manifest = d / "package.json"
            if manifest.is_file():
                if nearest_manifest is None:
                    nearest_manifest = d
                try:
                    text = manifest.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    text = ""
                if '"workspaces"' in text:
                    workspace_root = d
        if (d / ".git").exists():
            break
    root = workspace_root or nearest_manifest
    if root is None:
        raise InputError(
            "no package.json or pnpm-workspace.yaml found here or in any parent folder",
            path=start,
            hint="run inside a JavaScript/TypeScript monorepo or pass --root DIR",
        )
    return root


# --------------------------------------------------------------------------- YAML


def _load_yaml_mapping(path: Path) -> tuple[dict[str, object], dict[str, tuple[int, int]]]:
    """Load a small YAML mapping; also return the 1-based position of each string item of
    a top-level ``packages`` sequence (for errors that point at a glob)."""
    from ..formats import yamlload

    text = jsonc.read_text(path)
    fast = yamlload.fast_load(text)
    if fast is not None:
        return fast
    import yaml

    data, node = yamlload.load(text, path)
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise InputError("must be a YAML mapping", path=path, line=1, column=1)
    positions: dict[str, tuple[int, int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "packages" and isinstance(value_node, yaml.SequenceNode):
                for item in value_node.value:
                    if isinstance(item, yaml.ScalarNode):
                        m = item.start_mark
                        positions.setdefault(str(item.value), (m.line + 1, m.column + 1))
    return data, positions


# --------------------------------------------------------------------------- scanning


class _Scanner:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    # ---- workspace globs

    def workspace_config(
        self, root_manifest: JSONObject
    ) -> tuple[str | None, list[str], dict[str, dict[str, str]]]:
        """(where the globs come from, the globs, the catalogs)."""
        pnpm_ws = self.root / "pnpm-workspace.yaml"
        if pnpm_ws.is_file():
            data, positions = _load_yaml_mapping(pnpm_ws)
            raw = data.get("packages") or []
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise InputError(
                    "`packages` must be a list of glob strings",
                    path=pnpm_ws,
                    hint='e.g. packages: ["apps/*", "packages/*"]',
                )
            globs = [str(x) for x in raw]
            _refuse_escaping_globs(globs, pnpm_ws, positions.get)
            catalogs: dict[str, dict[str, str]] = {}
            _add_catalog(catalogs, "default", data.get("catalog"))
            named = data.get("catalogs")
            if isinstance(named, dict):
                for cname, entries in named.items():
                    _add_catalog(catalogs, str(cname), entries)
            return "pnpm-workspace.yaml", globs, catalogs
        ws = root_manifest.get("workspaces")
        if ws is None:
            return None, [], {}
        catalogs = {}
        if isinstance(ws, dict):
            _add_catalog(catalogs, "default", ws.get("catalog"))  # bun keeps catalogs here
            ws = ws.get("packages", [])
        manifest_path = self.root / "package.json"
        if not isinstance(ws, list) or not all(isinstance(x, str) for x in ws):
            raise InputError(
                '`workspaces` must be a list of globs or {"packages": [...]}',
                path=manifest_path,
                hint='e.g. "workspaces": ["packages/*"]',
            )
        globs = [str(x) for x in ws]
        text = jsonc.read_text(manifest_path)
        _refuse_escaping_globs(
            globs, manifest_path, lambda g: jsonc.key_position(text, "workspaces", g)
        )
        return "package.json", globs, catalogs

    # ---- package manager

    def package_manager(
        self, root_manifest: JSONObject, ws_source: str | None
    ) -> tuple[PackageManager, str | None]:
        lockfile = None
        lock_pm = None
        for fname, pm in LOCKFILES:
            if (self.root / fname).is_file():
                lockfile, lock_pm = fname, pm
                break
        field_value = root_manifest.get("packageManager")
        if isinstance(field_value, str) and "@" in field_value:
            name, _, version = field_value.partition("@")
            version = version.split("+", 1)[0]
            if name in ("pnpm", "npm", "yarn", "bun"):
                if lock_pm is not None and lock_pm != name:
                    self.problems.append(
                        Problem(
                            "WS004",
                            f"packageManager says {name} but the lockfile is {lockfile}",
                            path="package.json",
                            severity="warning",
                        )
                    )
                if lock_pm != name:
                    lockfile = next(
                        (f for f, pm in LOCKFILES if pm == name and (self.root / f).is_file()), None
                    )
                return PackageManager(name, version or None, "packageManager"), lockfile
        if lock_pm is not None and lockfile is not None:
            return PackageManager(lock_pm, None, lockfile), lockfile
        if ws_source == "pnpm-workspace.yaml":
            return PackageManager("pnpm", None, "pnpm-workspace.yaml"), None
        return PackageManager("npm", None, "default"), None

    # ---- manifests

    def manifest(self, directory: Path) -> JSONObject:
        return jsonc.load_object(directory / "package.json", what="package.json")

    def package(self, rel: str, manifest: JSONObject) -> Package:
        directory = self.root if rel == "." else self.root / rel
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
                turbo = self.turbo(tpath)
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
            tsconfig=self.tsconfig_for(directory),
            bin=bool(manifest.get("bin")),
        )

    # ---- turbo.json

    def turbo(self, path: Path) -> TurboConfig:
        data = jsonc.load_object(path, jsonc=True, what="turbo.json")
        text_cache: list[str] = []

        def bad(key: str, expected: str) -> InputError:
            if not text_cache:
                text_cache.append(jsonc.read_text(path))
            pos = jsonc.key_position(text_cache[0], key)
            return InputError(
                f"`{key}` must be {expected}",
                path=path,
                line=pos[0] if pos else None,
                column=pos[1] if pos else None,
                hint="see https://turborepo.com/docs/reference/configuration",
            )

        def strs(obj: JSONObject, key: str) -> tuple[str, ...] | None:
            v = obj.get(key)
            if v is None:
                return None
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise bad(key, "an array of strings")
            return tuple(str(x) for x in v)

        if "tasks" in data:
            schema, tasks_raw = "v2", data["tasks"]
        elif "pipeline" in data:
            schema, tasks_raw = "v1", data["pipeline"]
        else:
            schema, tasks_raw = "v2", {}
        if not isinstance(tasks_raw, dict):
            raise bad("tasks" if schema == "v2" else "pipeline", "an object")
        tasks: list[TurboTask] = []
        for key, body in tasks_raw.items():
            if not isinstance(body, dict):
                raise bad(key, "an object")
            pkg, _, task = key.rpartition("#")
            depends = strs(body, "dependsOn") or ()
            env = list(strs(body, "env") or ())
            # v1 put environment variables in dependsOn as "$VAR".
            env.extend(d[1:] for d in depends if d.startswith("$"))
            cache = body.get("cache")
            persistent = body.get("persistent")
            tasks.append(
                TurboTask(
                    key=key,
                    package=pkg or None,
                    task=task,
                    depends_on=tuple(d for d in depends if not d.startswith("$")),
                    inputs=strs(body, "inputs"),
                    outputs=strs(body, "outputs"),
                    env=tuple(env),
                    cache=cache if isinstance(cache, bool) else None,
                    persistent=persistent if isinstance(persistent, bool) else None,
                )
            )
        extends_raw = strs(data, "extends") or ()
        global_deps = strs(data, "globalDependencies") or ()
        for g in global_deps:
            try:
                globs.check(g.removeprefix("!"))
            except globs.GlobSyntaxError as exc:
                pos = jsonc.key_position(jsonc.read_text(path), "globalDependencies", g)
                raise globs.located_error(
                    exc,
                    what="globalDependencies glob",
                    glob=g,
                    path=path,
                    position=pos,
                    offset=len(g) - len(g.removeprefix("!")),
                ) from None
        return TurboConfig(
            path=self.rel(path),
            schema=schema,
            tasks=tuple(tasks),
            global_dependencies=global_deps,
            global_env=strs(data, "globalEnv") or (),
            extends=extends_raw,
            tags=strs(data, "tags") or (),
            boundaries=data.get("boundaries"),
        )

    # ---- tsconfig

    def tsconfig_for(self, directory: Path) -> TsConfig | None:
        path = directory / "tsconfig.json"
        if not path.is_file():
            return None
        return self.tsconfig(path)

    workspace_dirs: dict[str, Path]

    def tsconfig(self, path: Path) -> TsConfig:
        chain: list[str] = []
        unresolved: list[str] = []
        base_url: str | None = None
        paths: dict[str, tuple[str, ...]] | None = None
        paths_base: str | None = None
        seen: set[Path] = set()
        # Walk nearest → farthest; the nearest config that sets an option wins.
        queue: list[Path] = [path]
        while queue:
            current = queue.pop(0)
            if current in seen:
                self.problems.append(
                    Problem("TS002", "tsconfig `extends` loop", path=self.rel(current))
                )
                break
            seen.add(current)
            if current != path:
                chain.append(self.rel(current))
            try:
                data = jsonc.load_object(current, jsonc=True, what="tsconfig")
            except InputError as exc:
                self.problems.append(
                    Problem(
                        "TS001",
                        exc.message,
                        path=self.rel(current),
                        line=exc.line,
                        column=exc.column,
                    )
                )
                break
            opts = data.get("compilerOptions")
            if isinstance(opts, dict):
                if base_url is None and isinstance(opts.get("baseUrl"), str):
                    bu = (current.parent / str(opts["baseUrl"])).resolve()
                    base_url = self.rel(bu)
                if paths is None and isinstance(opts.get("paths"), dict):
                    raw = opts["paths"]
                    assert isinstance(raw, dict)
                    paths = {
                        str(k): tuple(str(x) for x in v if isinstance(x, str))
                        for k, v in raw.items()
                        if isinstance(v, list)
                    }
                    paths_base = self.rel(current.parent.resolve())
            ext = data.get("extends")
            specs = (
                [ext]
                if isinstance(ext, str)
                else [x for x in ext if isinstance(x, str)]
                if isinstance(ext, list)
                else []
            )
            # With an array, later entries override earlier ones: visit them last-first.
            for spec in reversed(specs):
                target = self.resolve_extends(current, spec)
                if target is None:
                    if spec.startswith((".", "/")):
                        text = jsonc.read_text(current)
                        pos = jsonc.key_position(text, "extends", spec)
                        # A config under a dot-folder (.nuxt/, .svelte-kit/, .astro/) is written
                        # by the framework's prepare step: missing before it runs is normal.
                        generated = any(
                            seg.startswith(".") and seg not in (".", "..")
                            for seg in spec.split("/")
                        )
                        message = f"tsconfig extends {spec!r}, which does not exist"
                        if generated:
                            message += " (generated by a framework's prepare step?)"
                        self.problems.append(
                            Problem(
                                "TS003",
                                message,
                                path=self.rel(current),
                                line=pos[0] if pos else None,
                                column=pos[1] if pos else None,
                                severity="warning" if generated else "error",
                            )
                        )
                    else:
                        unresolved.append(spec)
                else:
                    queue.append(target)
        if paths is not None and base_url is not None:
            # With baseUrl set anywhere in the chain, `paths` resolve against it.
            paths_base = base_url
        return TsConfig(
            path=self.rel(path),
            extends=tuple(chain),
            unresolved_extends=tuple(unresolved),
            base_url=base_url,
            paths=paths or {},
            paths_base=paths_base,
        )

    def resolve_extends(self, config: Path, spec: str) -> Path | None:
        if spec.startswith((".", "/")):
            target = (config.parent / spec).resolve()
            for cand in (target, target.with_name(target.name + ".json")):
                if cand.is_file():
                    return cand
            return None
        # A package specifier: node_modules up the tree, then the workspace itself (so it
        # works before `pnpm install`).
        if spec.startswith("@"):
            parts = spec.split("/", 2)
            pkg_name = "/".join(parts[:2])
            sub = parts[2] if len(parts) > 2 else ""
        else:
            pkg_name, _, sub = spec.partition("/")
        candidates: list[Path] = []
        for d in (config.parent, *config.parent.parents):
            candidates.append(d / "node_modules" / pkg_name)
            if d == self.root:
                break
        if pkg_name in self.workspace_dirs:
            candidates.append(self.workspace_dirs[pkg_name])
        for pkg_dir in candidates:
            if not pkg_dir.is_dir():
                continue
            if sub:
                target = pkg_dir / sub
                for cand in (
                    target,
                    target.with_name(target.name + ".json"),
                    target / "tsconfig.json",
                ):
                    if cand.is_file():
                        return cand.resolve()
                continue
            manifest = pkg_dir / "package.json"
            if manifest.is_file():
                try:
                    m = jsonc.load_object(manifest)
                except InputError:
                    m = {}
                field_value = m.get("tsconfig")
                if isinstance(field_value, str) and (pkg_dir / field_value).is_file():
                    return (pkg_dir / field_value).resolve()
            if (pkg_dir / "tsconfig.json").is_file():
                return (pkg_dir / "tsconfig.json").resolve()
        return None


def _classify(
    dep: str,
    spec: str,
    kind: str,
    pkg_dir: Path,
    root: Path,
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


def scan(root: Path) -> Workspace:
    """Read the monorepo at ``root`` into a :class:`Workspace`.

    Raises :class:`InputError` for anything that makes a map impossible (a broken manifest,
    a glob outside the root, two packages with one name); lesser problems are collected in
    ``Workspace.problems``.
    """
    root = root.resolve()
    s = _Scanner(root)
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
        root_manifest = s.manifest(root)
    ws_source, globs, catalogs = s.workspace_config(root_manifest)
    pm, lockfile = s.package_manager(root_manifest, ws_source)

    rels, via_wildcard = expand_globs(root, globs)
    if via_wildcard:
        ignored = _git_ignored(root, sorted(via_wildcard))
        rels = [r for r in rels if r not in ignored]

    manifests = {rel: s.manifest(root / rel) for rel in rels}
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
    s.workspace_dirs = {n: (root / r) for n, r in names_seen.items()}

    root_turbo: TurboConfig | None = None
    tj, tjc = root / "turbo.json", root / "turbo.jsonc"
    if tj.is_file() and tjc.is_file():
        raise InputError(
            "both turbo.json and turbo.jsonc exist", path=tjc, hint="keep only one of them"
        )
    for tpath in (tj, tjc):
        if tpath.is_file():
            root_turbo = s.turbo(tpath)

    packages = [s.package(rel, manifests[rel]) for rel in rels]
    root_package = s.package(".", root_manifest)
    by_name: dict[str, Package] = {}
    for p in packages:
        if p.name:
            by_name.setdefault(p.name, p)
    depended_on = {
        dep for p in (*packages, root_package) for deps in p.dependencies.values() for dep in deps
    }
    for name, rel in shared:
        pos = jsonc.key_position(jsonc.read_text(root / rel / "package.json"), "name")
        s.problems.append(
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
    dir_to_name = {(root / p.path).resolve(): p.name for p in packages if p.name}

    edges: list[Edge] = []
    final: list[Package] = []
    for pkg in [*packages, root_package]:
        pkg_dir = (root / pkg.path).resolve()
        wdeps: list[WorkspaceDependency] = []
        for kind in DEP_KINDS:
            for dep, spec in pkg.dependencies.get(kind, {}).items():
                wd = _classify(dep, spec, kind, pkg_dir, root, by_name, dir_to_name, catalogs)
                if wd is None:
                    if spec.startswith("workspace:"):
                        s.problems.append(
                            Problem(
                                "WS003",
                                f"{kind} {dep!r}: {spec!r} names no workspace package",
                                path=manifest_rel(pkg.path),
                                severity="error",
                            )
                        )
                    continue
                wdeps.append(wd)
                if pkg.name and pkg is not root_package:
                    edges.append(Edge(pkg.name, wd.target, kind, spec))
        final.append(_replace_deps(pkg, tuple(wdeps)))
    root_package = final.pop()
    if ws_source is None:
        # No workspaces declared: a single-package repository, the root is its one package.
        final = [root_package]

    for pkg in final:
        bad_name = names.package_name_problem(pkg.name) if pkg.name else None
        if bad_name is not None and pkg.name is not None:
            pos = jsonc.key_position(jsonc.read_text(root / pkg.path / "package.json"), "name")
            s.problems.append(
                Problem(
                    "WS006",
                    f"package name {pkg.name[:100]!r} {bad_name}: its gates are not run",
                    path=manifest_rel(pkg.path),
                    line=pos[0] if pos else None,
                    column=pos[1] if pos else None,
                )
            )
    for cycle in find_cycles(e for e in edges if e.kind in GRAPH_KINDS):
        s.problems.append(Problem("WS001", "dependency cycle: " + " → ".join(cycle), path=None))
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
        problems=tuple(s.problems),
    )


def _add_catalog(catalogs: dict[str, dict[str, str]], name: str, entries: object) -> None:
    if isinstance(entries, dict):
        catalogs[name] = {str(k): str(v) for k, v in entries.items()}


def _refuse_escaping_globs(
    patterns: list[str],
    path: Path,
    position: Callable[[str], tuple[int, int] | None],
) -> None:
    for g in patterns:
        body = g[1:] if g.startswith("!") else g
        try:
            expanded = globs.expand_braces(body)
        except globs.GlobSyntaxError as exc:
            raise globs.located_error(
                exc,
                what="workspace glob",
                glob=g,
                path=path,
                position=position(g),
                offset=len(g) - len(body),
            ) from None
        if any(_escapes_root(_normalize_glob(one)) for one in expanded):
            pos = position(g)
            raise InputError(
                f"workspace glob {g!r} reaches outside the monorepo root",
                path=path,
                line=pos[0] if pos else None,
                column=pos[1] if pos else None,
                hint="workspace packages must live inside the root folder; "
                "remove the glob or move the packages in",
            )


def with_nested_projects(ws: Workspace, folders: Iterable[str]) -> Workspace:
    """``ws`` with the projects at ``folders`` (nested in the repository, outside the
    workspace) added as packages of their own (``Package.nested``), for validation: their
    files answer to their own package.json and tsconfig. The graph is unchanged."""
    from dataclasses import replace

    s = _Scanner(ws.root)
    s.workspace_dirs = {n: ws.root / p.path for n, p in ws.by_name.items()}
    nested = [
        replace(s.package(rel, s.manifest(ws.root / rel)), nested=True) for rel in sorted(folders)
    ]
    if not nested:
        return ws
    return replace(ws, packages=tuple(sorted([*ws.packages, *nested], key=lambda p: p.path)))


def manifest_rel(pkg_path: str) -> str:
    """A package's package.json, relative to the monorepo root."""
    return "package.json" if pkg_path == "." else f"{pkg_path}/package.json"


def _replace_deps(pkg: Package, deps: tuple[WorkspaceDependency, ...]) -> Package:
    from dataclasses import replace

    return replace(pkg, workspace_dependencies=deps)


def _git_ignored(root: Path, rels: list[str]) -> set[str]:
    for d in (root, *root.parents):
        if (d / ".git").exists():
            break
    else:
        return set()
    from .. import git
    from ..errors import GitError

    try:
        return {p.rstrip("/") for p in git.check_ignored(rels, root)}
    except GitError:
        return set()
