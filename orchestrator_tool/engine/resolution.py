"""Where an import leads, resolved as TypeScript would from the importing package.

Resolution follows TypeScript where it matters for the import rules: tsconfig ``paths``
(longest prefix first) and ``baseUrl`` of the importing package (for a file of the root
package, of the nearest tsconfig.json above it), extensions and ``index``
files, ``.js`` written for a ``.ts`` file, and package ``exports`` maps for deep imports.
One ``Resolver`` per run (engine.run_state) keeps its folder listings and results.
"""

from __future__ import annotations

import os
import posixpath
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .import_model import Resolution

if TYPE_CHECKING:
    from ..formats.jsonc import JSONValue
    from ..workspace import Package, TsConfig, Workspace
    from ..workspace.tsconfig import TsconfigReader
    from .run_state import RunState

NODE_BUILTINS = frozenset(
    [
        "assert",
        "assert/strict",
        "async_hooks",
        "buffer",
        "child_process",
        "cluster",
        "console",
        "constants",
        "crypto",
        "dgram",
        "diagnostics_channel",
        "dns",
        "dns/promises",
        "domain",
        "events",
        "fs",
        "fs/promises",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "path",
        "path/posix",
        "path/win32",
        "perf_hooks",
        "process",
        "punycode",
        "querystring",
        "readline",
        "readline/promises",
        "repl",
        "stream",
        "stream/consumers",
        "stream/promises",
        "stream/web",
        "string_decoder",
        "sys",
        "timers",
        "timers/promises",
        "tls",
        "trace_events",
        "tty",
        "url",
        "util",
        "util/types",
        "v8",
        "vm",
        "wasi",
        "worker_threads",
        "zlib",
        "test",
    ]
)

EXTENSIONS = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json")
_JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}


# A name npm gives a new package (validate-npm-package-name): lower case, URL-safe, no `~'!()*`
# in the name part, not starting with `.` or `_`, scoped as `@scope/name`. A bare specifier
# outside it is a bundler alias — SvelteKit's `$lib/…`, `$app/…`, `$env/…`, Nuxt's `~/…`,
# Docusaurus' `@theme/Layout` — never a package a manifest could declare.
_NPM_NAME = re.compile(r"(?:@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9-][a-z0-9._-]*")


def is_npm_name(name: str) -> bool:
    return len(name) <= 214 and _NPM_NAME.fullmatch(name) is not None


def package_name_of(specifier: str) -> tuple[str, str]:
    """("@scope/name" or "name", "./sub/path" or "")."""
    parts = specifier.split("/")
    if specifier.startswith("@") and len(parts) >= 2:
        name, rest = "/".join(parts[:2]), parts[2:]
    else:
        name, rest = parts[0], parts[1:]
    return name, ("./" + "/".join(rest)) if rest else ""


class Resolver:
    """Resolves specifiers of files in one workspace. Folder listings and results are cached:
    a repository's imports resolve with one listdir per folder instead of a stat per guess."""

    def __init__(self, state: RunState) -> None:
        self.ws = workspace = state.in_workspace()
        self.reads = state.reads
        self.root = str(workspace.root)
        self.names = workspace.by_name
        self._listings: dict[str, frozenset[str] | None] = {}
        self._memo: dict[tuple[str, str, str], tuple[Resolution, frozenset[str]]] = {}
        self._probed: set[str] | None = None  # the folders listed for the current resolve
        # package folder -> (its bundler config, the config's named entries)
        self._entries: dict[str, tuple[str | None, dict[str, str]]] = {}
        # folder of the root package -> its own tsconfig.json and the files read for it
        self._folder_tsconfigs: dict[str, tuple[TsConfig | None, tuple[str, ...]]] = {}
        self._tsconfig_reader: TsconfigReader | None = None  # made for the first of them

    def _listing(self, folder: str) -> frozenset[str] | None:
        if self._probed is not None:
            self._probed.add(folder or ".")
        try:
            return self._listings[folder]
        except KeyError:
            pass
        try:
            names: frozenset[str] | None = frozenset(os.listdir(os.path.join(self.root, folder)))
        except OSError:
            names = None
        self._listings[folder] = names
        return names

    def _isfile(self, rel: str) -> bool:
        folder, name = posixpath.split(rel)
        names = self._listing(folder)
        if names is None or name not in names:
            return False
        return not os.path.isdir(os.path.join(self.root, rel))

    def resolve_file(self, rel: str) -> str | None:
        """The file TypeScript would load for the extension-less or ``.js`` path ``rel``."""
        if rel.startswith("../") or rel == "..":
            return None  # outside the monorepo
        if self._isfile(rel):
            return rel
        stem, ext = posixpath.splitext(rel)
        for ts_ext in _JS_TO_TS.get(ext, ()):
            if self._isfile(stem + ts_ext):
                return stem + ts_ext
        folder, name = posixpath.split(rel)
        names = self._listing(folder)
        if names is not None:
            for e in EXTENSIONS:
                if name + e in names:
                    return rel + e
            if name in names:
                inside = self._listing(rel)
                if inside is not None:
                    for e in EXTENSIONS:
                        if "index" + e in inside:
                            return posixpath.join(rel, "index" + e)
        return None

    def source_of(self, resolution: Resolution, specifier: str = "") -> str | None:
        """The source file a workspace package import leads to (`@repo/api`, `@repo/api/rsc`):
        the file its ``exports`` map names for the subpath when that file is there (the
        ``types``, ``import`` or ``default`` condition; a built `dist/x.js` read as its
        `src/x.ts`), else the subpath itself or an `index` / `src/index`. A catch-all
        tsconfig alias (`"*": ["./*"]`) that finds no file falls back to the package, as
        TypeScript does."""
        if resolution.exists:
            return resolution.path
        if resolution.kind == "alias" and specifier:
            name, sub = package_name_of(specifier)
            if name in self.names:
                resolution = Resolution("workspace", package=name, subpath=sub)
        if resolution.kind != "workspace" or resolution.package is None:
            return None
        pkg = self.names.get(resolution.package)
        if pkg is None:
            return None
        sub = resolution.subpath
        targets = _export_targets(pkg.exports, sub or ".")
        guesses = [_join_pkg(pkg.path, t) for t in targets]
        guesses += [re.sub(r"(^|/)dist/", r"\1src/", g) for g in guesses if "/dist/" in g]
        if sub:
            guesses += [_join_pkg(pkg.path, sub), _join_pkg(pkg.path, "./src/" + sub[2:])]
        else:
            guesses += [f"{pkg.path}/index", f"{pkg.path}/src/index"]
        for guess in guesses:
            stem = re.sub(r"\.d\.[cm]?ts$|\.[cm]?js$", "", guess)
            found = self.resolve_file(stem)
            if found is not None:
                return found
        # A build that names its entries (`entry: { next: "src/adapter/next/index.ts" }` in
        # tsup or tsdown's config): `dist/next.mjs` is built from that file.
        entries = self._bundler_entries(pkg.path)
        for target in targets:
            built = re.sub(r"\.d\.[cm]?ts$|\.[cm]?js$", "", posixpath.basename(target))
            if built in entries:
                found = self.resolve_file(_join_pkg(pkg.path, entries[built]))
                if found is not None:
                    return found
        return None

    def _bundler_entries(self, pkg_path: str) -> dict[str, str]:
        """The named entries of a package's tsup or tsdown config (`name: "src/x.ts"`), read
        once per run; the folder listing says which config is there."""
        from .reading import NotRead, read_inside

        folder = "" if pkg_path in ("", ".") else pkg_path
        hit = self._entries.get(folder)
        if hit is None:
            names = self._listing(folder) or frozenset()
            hit = (None, {})
            for name in _BUNDLER_CONFIGS:
                if name not in names:
                    continue
                rel = f"{folder}/{name}" if folder else name
                try:
                    text = read_inside(self.ws.root, rel, 100_000).decode("utf-8", "replace")
                except (OSError, NotRead):
                    continue
                hit = (rel, dict(_ENTRY.findall(text)))
                break
            self._entries[folder] = hit
        if hit[0] is not None:
            self.reads.record(hit[0])
        return hit[1]

    def resolve(self, importer: str, specifier: str, package: Package | None) -> Resolution:
        # Only a relative specifier depends on the importing folder; the others resolve the
        # same from anywhere in a package (its tsconfig), so they share one entry. The root
        # package's files resolve with the nearest tsconfig.json above them: by folder.
        pkg_path = package.path if package is not None else "."
        in_root = pkg_path == "."
        folder = posixpath.dirname(importer) if in_root or specifier.startswith(".") else ""
        key = (pkg_path, folder, specifier)
        hit = self._memo.get(key)
        if hit is None:
            outer, self._probed = self._probed, set()
            try:
                found = self._resolve(importer, specifier, package)
                hit = self._memo[key] = (found, frozenset(self._probed))
            finally:
                if outer is not None:
                    outer.update(self._probed)
                self._probed = outer
        # The verdict depends on the folders listed to resolve it: a file added or removed
        # there (`x.tsx` beside `x.ts`, a `paths` fallback) changes their mtime, and the
        # result cache drops the verdict.
        self.reads.replay(hit[1])
        return hit[0]

    def _resolve(self, importer: str, specifier: str, package: Package | None) -> Resolution:
        # Vite's import queries (`./logo.svg?url`, `@repo/ui/styles.css?inline`, `?raw`,
        # `?worker`) load the file the path before them names.
        specifier = specifier.partition("?")[0]
        if specifier.startswith(("./", "../")) or specifier in (".", ".."):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
            found = self.resolve_file(target)
            return Resolution("relative", found or target, found is not None)
        if specifier.startswith("/"):
            return Resolution("unresolved", specifier)
        if specifier.startswith("node:") or specifier in NODE_BUILTINS:
            return Resolution("builtin", package=specifier.removeprefix("node:"))
        if re.match(r"^[a-z][a-z0-9+.-]*:", specifier) or specifier.startswith("#"):
            # bun:test, cloudflare:workers, virtual:…, package.json "imports" (#x)
            return Resolution("protocol", package=specifier)
        name, sub = package_name_of(specifier)
        alias = self._alias(importer, specifier, package)
        if alias is not None:
            target_pkg = self.names.get(name)
            if (
                target_pkg is not None
                and alias.path is not None
                and (alias.path == target_pkg.path or alias.path.startswith(target_pkg.path + "/"))
            ):
                # The alias only points TypeScript at the package's own sources under its own
                # name (`@repo/ui` → packages/ui/src): it is an import of that package.
                return Resolution("workspace", alias.path, alias.exists, name, sub, alias.via_alias)
            return alias
        if name in self.names and not _installed_from_registry(package, name):
            target_pkg = self.names[name]
            return Resolution(
                "workspace",
                package=name,
                subpath=sub,
                path=_join_pkg(target_pkg.path, sub) if sub else target_pkg.path,
            )
        if not is_npm_name(name):
            return Resolution("unresolved", specifier)  # a bundler alias, not a package
        return Resolution("external", package=name, subpath=sub)

    def _tsconfig(self, importer: str, package: Package | None) -> TsConfig | None:
        """The tsconfig ``importer`` resolves with: its package's; for a file of the root
        package, the nearest tsconfig.json between its folder and the root, as TypeScript
        finds it (an Nx app's apps/web/tsconfig.json, a scripts/ folder's own)."""
        if package is not None and package.path != ".":
            return package.tsconfig
        folder = posixpath.dirname(importer)
        while folder:
            names = self._listing(folder)  # a tsconfig.json added there changes the answer
            if names is not None and "tsconfig.json" in names:
                ts, files = self._folder_tsconfig(folder)
                if self._probed is not None:
                    self._probed.update(files)
                return ts
            folder = posixpath.dirname(folder)
        return self.ws.root_package.tsconfig

    def _folder_tsconfig(self, folder: str) -> tuple[TsConfig | None, tuple[str, ...]]:
        hit = self._folder_tsconfigs.get(folder)
        if hit is None:
            if self._tsconfig_reader is None:
                from ..workspace.tsconfig import TsconfigReader

                ws = self.ws
                dirs = {n: ws.root / p.path for n, p in self.names.items()}
                # One that is not valid JSONC names no paths: its imports resolve without them
                # (its problem is the scan's kind, not this run's).
                self._tsconfig_reader = TsconfigReader(ws.root, dirs, [])
            ts = self._tsconfig_reader.read(self.ws.root / folder / "tsconfig.json")
            hit = self._folder_tsconfigs[folder] = (ts, (ts.path, *ts.extends))
        return hit

    def _alias(self, importer: str, specifier: str, package: Package | None) -> Resolution | None:
        ts = self._tsconfig(importer, package)
        if ts is None:
            return None
        if ts.paths and ts.paths_base is not None:
            for pattern, targets in _ordered_paths(tuple(ts.paths.items())):
                star = _match_pattern(pattern, specifier)
                if star is None:
                    continue
                first: str | None = None
                for t in targets:
                    rel = posixpath.normpath(posixpath.join(ts.paths_base, t.replace("*", star)))
                    first = first or rel
                    found = self.resolve_file(rel)
                    if found is not None:
                        return Resolution("alias", found, True, via_alias=pattern)
                if first is not None:
                    return Resolution("alias", first, False, via_alias=pattern)
        if ts.base_url is not None:
            found = self.resolve_file(posixpath.normpath(posixpath.join(ts.base_url, specifier)))
            if found is not None:
                return Resolution("alias", found, True, via_alias="baseUrl")
        return None


_BUNDLER_CONFIGS = tuple(
    f"{tool}.config{ext}" for tool in ("tsup", "tsdown") for ext in (".ts", ".mts", ".js", ".mjs")
)
# `next: "src/adapter/next/index.ts"`, `'server/index': './src/server.ts'` in an entry object
# A name is read from its first character only (the lookbehind): trying every suffix of a long
# run of name characters made the search quadratic.
_ENTRY = re.compile(r"""['"]?(?<![\w./-])([\w./-]+?)['"]?\s*:\s*['"](?:\./)?(src/[^'"]+)['"]""")


def _installed_from_registry(package: Package | None, name: str) -> bool:
    """The importing package declares ``name`` with a range its workspace namesake does not
    satisfy (`"@acme/sdk": "^1.2.0"` beside a workspace copy at 2.0.0-local): the package
    manager installs it from the registry, so the import is of an external package."""
    if package is None:
        return False
    declared = any(name in deps for deps in package.dependencies.values())
    return declared and not any(d.name == name for d in package.workspace_dependencies)


@lru_cache(maxsize=256)
def _ordered_paths(
    items: tuple[tuple[str, tuple[str, ...]], ...],
) -> list[tuple[str, tuple[str, ...]]]:
    # TypeScript picks the pattern with the longest prefix before the `*`; exact ones first.
    def key(item: tuple[str, tuple[str, ...]]) -> tuple[int, int]:
        pattern = item[0]
        return (0 if "*" not in pattern else 1, -len(pattern.split("*", 1)[0]))

    return sorted(items, key=key)


def _match_pattern(pattern: str, specifier: str) -> str | None:
    if "*" not in pattern:
        return "" if pattern == specifier else None
    prefix, suffix = pattern.split("*", 1)
    if (
        specifier.startswith(prefix)
        and specifier.endswith(suffix)
        and len(specifier) >= len(prefix) + len(suffix)
    ):
        return specifier[len(prefix) : len(specifier) - len(suffix) if suffix else None]
    return None


def _join_pkg(pkg_path: str, sub: str) -> str:
    return posixpath.normpath(posixpath.join(pkg_path, sub))


def _by_subpath(exports: JSONValue) -> dict[str, JSONValue]:
    """An ``exports`` value as a map of subpaths: conditions alone, or one file, are the
    root's ("."); anything else that is no map names nothing."""
    if isinstance(exports, dict):
        if any(isinstance(k, str) and k.startswith(".") for k in exports):
            return exports
        return {".": exports}
    return {".": exports} if isinstance(exports, str) else {}


def _export_targets(exports: JSONValue, key: str) -> list[str]:
    """The files an ``exports`` map names for ``key`` ("." or "./x"), source-like conditions
    first; a `*` pattern's target with the matched part put in."""
    exports = _by_subpath(exports)
    value = exports.get(key)
    star = ""
    if value is None:
        for k, v in exports.items():
            if isinstance(k, str) and "*" in k:
                prefix, suffix = k.split("*", 1)
                if key.startswith(prefix) and key.endswith(suffix):
                    value, star = v, key[len(prefix) : len(key) - len(suffix)]
                    break
    out: list[str] = []

    def collect(v: JSONValue) -> None:
        if isinstance(v, str):
            out.append(v.replace("*", star))
        elif isinstance(v, dict):
            for cond in ("types", "import", "default", "require", "node"):
                if cond in v:
                    collect(v[cond])
        elif isinstance(v, list):
            for item in v:
                collect(item)

    collect(value)
    return out


def exports_allow(exports: JSONValue, subpath: str) -> bool | None:
    """Whether a package's ``exports`` map exposes ``subpath`` ("" = the root, "./x");
    None when the package has no exports map."""
    if exports is None:
        return None
    key = subpath if subpath else "."
    if isinstance(exports, (str, list)):
        return key == "."
    if not isinstance(exports, dict):
        return None
    keys = [k for k in exports if isinstance(k, str)]
    if not any(k.startswith(".") for k in keys):
        # conditions only ({"import": ..., "require": ...}): the root alone
        return key == "."
    if key in exports:
        return exports[key] is not None
    best: str | None = None
    for k in keys:
        if "*" in k:
            prefix, suffix = k.split("*", 1)
            if (
                key.startswith(prefix)
                and key.endswith(suffix)
                and len(key) >= len(prefix) + len(suffix)
            ) and (
                # Node's order: the longest part before `*`, then the longest key
                best is None or (len(prefix), len(k)) > (len(best.split("*", 1)[0]), len(best))
            ):
                best = k
        elif k.endswith("/") and key.startswith(k):  # deprecated folder mappings
            best = best or k
    return best is not None and exports.get(best) is not None


def resolver_for(state: RunState) -> Resolver:
    """The run's resolver (its folder listings and results are shared by every file)."""
    return state.shared(Resolver, Resolver)


def declares(package: Package, name: str) -> bool:
    """Whether ``package`` lists ``name`` in any of its dependency kinds."""
    return any(name in deps for deps in package.dependencies.values())


def types_package(name: str) -> str:
    """The DefinitelyTyped package for ``name``: react → @types/react, @a/b → @types/a__b."""
    if name.startswith("@"):
        return "@types/" + name[1:].replace("/", "__")
    return "@types/" + name


def suggested_specifier(workspace: Workspace, target_path: str) -> tuple[str, Package] | None:
    """The package import for a file of a workspace package: its name when the file is the
    package's entry, else name + the subpath its ``exports`` map names the file by (None when
    the map names it by none: no package import reaches it); without an exports map, the name
    for a module of ``src/``, else the name + the file's path."""
    owner = workspace.owner_of(target_path)
    if owner is None or owner.name is None:
        return None
    inner = posixpath.relpath(target_path, owner.path)
    stem = _SOURCE_EXT.sub("", inner)
    if stem in ("index", "src/index"):
        return owner.name, owner
    if owner.exports is None:
        path = "./" + (stem[:-6] if stem.endswith("/index") else stem)
        # a module of src/ is taken to be re-exported by the entry; a data file (JSON, CSS)
        # is not: its path is the import
        in_entry = path.startswith("./src/") and stem != inner
        return (owner.name if in_entry else owner.name + path[1:]), owner
    sub = _exported_as(owner.exports, stem)
    if sub is None:
        return None
    return (owner.name if sub == "." else owner.name + sub[1:]), owner


_SOURCE_EXT = re.compile(r"(\.d)?\.[cm]?[jt]sx?$")


def _exported_as(exports: JSONValue, stem: str) -> str | None:
    """The subpath ("." or "./x") under which ``exports`` names the file ``stem`` (its path in
    the package, no extension; a target in `dist/` read as its `src/` twin), exact keys first,
    then the pattern with the longest prefix; None when none does."""
    exports = _by_subpath(exports)
    found: list[tuple[int, int, str]] = []  # (pattern?, -prefix length, subpath)
    for key, value in exports.items():
        if not isinstance(key, str) or not key.startswith(".") or value is None:
            continue
        for target in _leaves(value):
            for form in {target, re.sub(r"(^|/)dist/", r"\1src/", target)}:
                t = _SOURCE_EXT.sub("", posixpath.normpath(form))
                if "*" not in key:
                    if t == stem:
                        found.append((0, 0, key))
                    continue
                prefix, _, suffix = t.partition("*")
                if (
                    stem.startswith(prefix)
                    and stem.endswith(suffix)
                    and len(stem) > len(prefix) + len(suffix)
                ):
                    sub = key.replace("*", stem[len(prefix) : len(stem) - len(suffix)], 1)
                    if exports_allow(exports, sub):
                        found.append((1, -len(key.partition("*")[0]), sub))
    return min(found)[2] if found else None


def _leaves(value: JSONValue) -> list[str]:
    """Every file an ``exports`` value names, under any condition."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return []
