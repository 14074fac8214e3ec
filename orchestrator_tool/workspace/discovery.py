"""Where the workspace packages are: the monorepo root, the workspace globs
(pnpm-workspace.yaml or package.json `workspaces`, with their catalogs) and the folders
they name, links followed only inside the root."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..formats import globs, jsonc
from ..formats.globs import glob_to_regex
from ..fsio import resolves_inside

if TYPE_CHECKING:
    from ..formats.jsonc import JSONObject

# pnpm's default ignore list for workspace globs.
_IGNORED_DIRS = frozenset({"node_modules", "bower_components"})

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
    root_real = os.path.realpath(root)
    for pattern in positives:
        wild = bool(_MAGIC.search(pattern))
        # Walked one segment at a time: alternatives first (`{a/x,b}` may hold a '/').
        for rel in (
            r
            for one in globs.expand_braces(pattern)
            for r in _walk_pattern(root, root_real, one.split("/"))
        ):
            if rel == ".":
                continue
            manifest = root / rel / "package.json"
            if manifest.is_file() and (
                not manifest.is_symlink() or resolves_inside(root_real, manifest)
            ):
                found.setdefault(rel, None)
                if wild:
                    via_wildcard.add(rel)
    result = [r for r in found if not any(n.match(r) for n in negatives)]
    return sorted(result), via_wildcard


def _walk_pattern(root: Path, root_real: str, segments: list[str]) -> Iterator[str]:
    """Folders matching the glob's segments. A link is followed only to a folder inside the
    root (``root_real``, resolved): a committed link to `/` or to a sibling checkout must not
    turn `packages/**` into a walk of the whole disk, nor make an outside folder a workspace
    package. A folder that is no link is inside when its parent is, so only links are resolved."""
    visited_real: set[str] = set()

    def inside(path: Path) -> bool:
        return resolves_inside(root_real, path)

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
            step = base / seg
            if seg == ".." or (step.is_dir() and (not step.is_symlink() or inside(step))):
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


def workspace_config(
    root: Path, root_manifest: JSONObject
) -> tuple[str | None, list[str], dict[str, dict[str, str]]]:
    """(where the globs come from, the globs, the catalogs)."""
    pnpm_ws = root / "pnpm-workspace.yaml"
    if pnpm_ws.is_file():
        data, positions = _load_yaml_mapping(pnpm_ws)
        raw = data.get("packages") or []
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise InputError(
                "`packages` must be a list of glob strings",
                path=pnpm_ws,
                hint='e.g. packages: ["apps/*", "packages/*"]',
            )
        patterns = [str(x) for x in raw]
        _refuse_escaping_globs(patterns, pnpm_ws, positions.get)
        catalogs: dict[str, dict[str, str]] = {}
        _add_catalog(catalogs, "default", data.get("catalog"))
        named = data.get("catalogs")
        if isinstance(named, dict):
            for cname, entries in named.items():
                _add_catalog(catalogs, str(cname), entries)
        return "pnpm-workspace.yaml", patterns, catalogs
    ws = root_manifest.get("workspaces")
    if ws is None:
        return None, [], {}
    catalogs = {}
    if isinstance(ws, dict):
        _add_catalog(catalogs, "default", ws.get("catalog"))  # bun keeps catalogs here
        ws = ws.get("packages", [])
    manifest_path = root / "package.json"
    if not isinstance(ws, list) or not all(isinstance(x, str) for x in ws):
        raise InputError(
            '`workspaces` must be a list of globs or {"packages": [...]}',
            path=manifest_path,
            hint='e.g. "workspaces": ["packages/*"]',
        )
    patterns = [str(x) for x in ws]
    text = jsonc.read_text(manifest_path)
    _refuse_escaping_globs(
        patterns, manifest_path, lambda g: jsonc.key_position(text, "workspaces", g)
    )
    return "package.json", patterns, catalogs


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


def git_ignored(root: Path, rels: list[str]) -> set[str]:
    """Which of ``rels`` git ignores (none outside a git work tree or when git fails)."""
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
