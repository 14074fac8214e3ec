"""A workspace package's entry point: which file it is, and whether it exports a name.

The entry is the file `import "@repo/ui"` loads: the target of `exports["."]`, else of the
manifest's `source`, `types`, `module` or `main` — a built path (`./dist/index.mjs`) that is
not there is read as its source (`src/index.ts`) — else `index` or `src/index`. Its names are
read from its tree (declarations, `export { … }`, `export * as`, `export default`) and through
`export * from` within the workspace, a few hops deep. Nothing here runs unless a rule asks
(IMP004 asks once it has a finding to word). A file whose text does not hold the name asked
for cannot export it itself: it is not parsed, its `export * from` are read by the header
lexer (a barrel of fifty files costs the parse of the one that declares the name). Each file is
parsed at most once per run and process, and every file a verdict was read from is recorded
for the result cache.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..engine.imports import string_fragment
from ..engine.languages import language_of
from ..engine.reading import NotRead, read_inside
from ..engine.resolution import resolver_for
from ..engine.source import SourceFile
from .syntax import pattern_names

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.deps import Reads
    from ..engine.run_state import RunState
    from ..formats.jsonc import JSONValue
    from ..workspace import Package, Workspace

MAX_HOPS = 4
_MANIFEST_FIELDS = ("source", "types", "typings", "module", "main")
# `exports` conditions in the order a TypeScript-aware bundler would pick a source-like file
_CONDITIONS = ("source", "types", "import", "module", "default", "require", "node")
_BUILT = ("dist/", "build/", "lib/", "out/", "esm/", "cjs/")
_DECLARATIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "type_alias_declaration",
        "interface_declaration",
        "enum_declaration",
        "internal_module",
        "module",
    }
)


@dataclass(frozen=True)
class _Module:
    names: frozenset[str]  # what the file exports itself (and through `export { } from`)
    stars: tuple[str, ...]  # the specifiers of its `export * from`
    opaque: bool  # `export =` or CommonJS: what it exports cannot be read


@dataclass
class EntryIndex:
    """Entries and their exported names, for one run in a workspace."""

    state: RunState
    workspace: Workspace = field(init=False)
    _entries: dict[str, tuple[str | None, frozenset[str]]] = field(default_factory=dict)
    _modules: dict[str, _Module | None] = field(default_factory=dict)  # parsed
    _data: dict[str, bytes | None] = field(default_factory=dict)
    _light: dict[str, _Module | None] = field(default_factory=dict)  # read without a parse
    _verdicts: dict[tuple[str, str], tuple[bool | None, frozenset[str]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self.workspace = self.state.in_workspace()

    def exports(self, package: Package, name: str) -> bool | None:
        """Whether the package's entry exports ``name`` (`default` for its default export):
        None when it cannot tell (no entry found, `export =`, a star from outside)."""
        key = (package.path, name)
        if key not in self._verdicts:
            with self.state.reads.collecting() as read:
                verdict = self._exports(package, name)
            self._verdicts[key] = (verdict, frozenset(read))
        verdict, read_then = self._verdicts[key]
        self.state.reads.replay(read_then)
        return verdict

    def _exports(self, package: Package, name: str) -> bool | None:
        entry = self.entry(package)
        if entry is None:
            return None
        return self._find(entry, package, name, 0, set())

    def _find(
        self, rel: str, package: Package, name: str, hops: int, seen: set[str]
    ) -> bool | None:
        if rel in seen:
            return False
        seen.add(rel)
        module = self._module(rel, name)
        if module is None or module.opaque:
            return None
        if name in module.names:
            return True
        unsure = False
        resolver = resolver_for(self.state)
        for spec in module.stars:
            if name == "default":
                break  # `export *` never re-exports a default
            target = resolver.resolve(rel, spec, self.workspace.owner_of(rel) or package)
            path = target.path if target.exists else None
            if target.kind == "workspace" and not target.subpath and target.package:
                path = self.entry(self.workspace.by_name[target.package])  # another package's
            if hops >= MAX_HOPS or path is None:
                unsure = True
                continue
            found = self._find(path, package, name, hops + 1, seen)
            if found:
                return True
            unsure = unsure or found is None
        return None if unsure else False

    def entry(self, package: Package) -> str | None:
        """The file, relative to the root, that an import of the package's name loads."""
        if package.path not in self._entries:
            with self.state.reads.collecting() as read:
                found = self._entry(package)
            self._entries[package.path] = (found, frozenset(read))
        found, read_then = self._entries[package.path]
        self.state.reads.replay(read_then)  # its manifest, for the result cache
        return found

    def _entry(self, package: Package) -> str | None:
        resolver = resolver_for(self.state)
        targets = _targets(package.exports)
        if package.exports is None:
            targets += _manifest_targets(self.workspace, package, self.state.reads)
        for target in (*targets, "index", "src/index"):
            rel = posixpath.normpath(posixpath.join(package.path, target))
            found = resolver.resolve_file(rel) or _source_of(resolver.resolve_file, package, target)
            if found is not None:
                return found
        return None

    def _module(self, rel: str, name: str) -> _Module | None:
        """The module as far as ``name`` is concerned: parsed when the name can be among its
        own exports, else read from its bytes and header (a barrel's other files)."""
        self.state.reads.record(rel)
        if rel in self._modules:
            return self._modules[rel]
        data = self._data.get(rel, b"")
        if rel not in self._data:
            data = self._data[rel] = _read_bytes(self.workspace, rel)
        if data is None:
            return None
        if not _may_export(data, name):
            if rel not in self._light:
                self._light[rel] = _header_module(data)
            light = self._light[rel]
            if light is not None:
                return light
        module = self._modules[rel] = _read_module(rel, data)
        return module


def entry_index_for(state: RunState) -> EntryIndex:
    """The run's index of package entries (the run must be inside a workspace)."""
    return state.shared(EntryIndex, EntryIndex)


def _targets(exports: JSONValue) -> list[str]:
    """The files `exports["."]` names, most source-like first."""
    root: JSONValue = exports
    if isinstance(exports, dict) and any(k.startswith(".") for k in exports):
        root = exports.get(".")
    out: list[str] = []

    def walk(value: JSONValue) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for cond in (*_CONDITIONS, *value):
                if cond in value:
                    walk(value[cond])

    walk(root)
    return list(dict.fromkeys(out))


def _manifest_targets(ws: Workspace, package: Package, reads: Reads) -> list[str]:
    from ..errors import InputError
    from ..formats import jsonc
    from ..workspace import manifest_rel

    rel = manifest_rel(package.path)
    reads.record(rel)
    try:
        doc = jsonc.load(ws.root / rel, what="package.json")
    except InputError:
        return []  # read when the workspace was scanned: changed since, or gone
    if not isinstance(doc, dict):
        return []
    return [v for k in _MANIFEST_FIELDS if isinstance(v := doc.get(k), str)]


def _source_of(
    resolve_file: Callable[[str], str | None], package: Package, target: str
) -> str | None:
    """A built entry (`./dist/index.mjs`, `./dist/index.d.ts`) read as its source: the same
    path under `src/` without the extension (`src/index`, then `.ts`, `.tsx`, …)."""
    inner = posixpath.normpath(target)
    for built in _BUILT:
        if inner.startswith(built):
            stem = inner[len(built) :]
            for ext in (".d.ts", ".d.mts", ".d.cts", ".mjs", ".cjs", ".js", ".jsx"):
                if stem.endswith(ext):
                    stem = stem[: -len(ext)]
                    break
            return resolve_file(posixpath.join(package.path, "src", stem))
    return None


def _read_bytes(ws: Workspace, rel: str) -> bytes | None:
    language = language_of(rel)
    if language is None or language == "python":
        return None
    try:
        data = read_inside(ws.root, rel, 1_000_000)
    except (OSError, NotRead):
        return None
    return None if len(data) > 1_000_000 else data


# `export =` (what it exports cannot be read), or a comment right after `export`, which the
# byte checks below do not look through: the file is parsed.
_EXPORT_ASSIGN = re.compile(rb"export\s*(?:=|/[*/])")
_STAR = re.compile(rb"export\s+(?:type\s+)?\*\s*from")


def _may_export(data: bytes, name: str) -> bool:
    """Whether the file's own exports can include ``name``: a name it exports is written in
    it (an escape in a name, or a non-ASCII byte, and the file is read whole to be sure)."""
    return name.encode() in data or b"\\u" in data or not data.isascii()


def _header_module(data: bytes) -> _Module | None:
    """The module without a parse, for a name it cannot export itself: its `export * from`
    specifiers, read by the header lexer (which answers only when the tree would say the
    same); None when that is not certain."""
    from ..engine.import_lexer import header_imports

    if _EXPORT_ASSIGN.search(data):
        return None
    found = header_imports(data)
    if found is None:
        return None
    stars = tuple(
        imp.specifier
        for imp in found
        if imp.kind == "export" and _STAR.match(data, imp.statement_start)
    )
    return _Module(frozenset(), stars, b"module.exports" in data)


def _read_module(rel: str, data: bytes) -> _Module | None:
    language = language_of(rel)
    if language is None or language == "python":
        return None
    source = SourceFile(rel, data, language)
    names: set[str] = set()
    stars: list[str] = []
    opaque = b"module.exports" in data
    for node in source.tree.root_node.named_children:
        if node.type != "export_statement":
            continue
        kinds = [c.type for c in node.children]
        if "=" in kinds:
            opaque = True  # export = x
        elif "default" in kinds:
            names.add("default")
        elif "*" in kinds:
            fragment = string_fragment(node.child_by_field_name("source"))
            if fragment is not None:
                stars.append(source.text(fragment))
        decl = node.child_by_field_name("declaration")
        if decl is not None:
            names.update(_declared(source, decl))
        for child in node.named_children:
            if child.type == "export_clause":
                for spec in child.named_children:
                    if spec.type != "export_specifier":
                        continue
                    alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    if alias is not None:
                        names.add(source.text(alias).strip("'\""))
            elif child.type == "namespace_export":
                names.update(source.text(c) for c in child.named_children)
    return _Module(frozenset(names), tuple(stars), opaque)


def _declared(source: SourceFile, decl: Node) -> set[str]:
    if decl.type == "ambient_declaration":  # export declare const x / function f
        out: set[str] = set()
        for child in decl.named_children:
            out |= _declared(source, child)
        return out
    if decl.type in _DECLARATIONS:
        name = decl.child_by_field_name("name")
        return {source.text(name)} if name is not None else set()
    if decl.type in ("lexical_declaration", "variable_declaration"):
        out = set()
        for d in decl.named_children:
            if d.type != "variable_declarator":
                continue
            target = d.child_by_field_name("name")
            if target is not None:
                out.update(pattern_names(target, source))
        return out
    return set()
