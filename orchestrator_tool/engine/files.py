"""Which files a run reads: the workspace's, given paths, the index, or a change's."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from ..errors import GitError, UsageError
from .eslintignore import EslintIgnore, is_ignore_file
from .languages import language_of

# Generated and built output: skipped when walking folders, as eslint's and ruff's defaults do.
DEFAULT_EXCLUDES = (
    "node_modules/",
    ".git/",
    "dist/",
    "build/",
    ".next/",
    ".nuxt/",
    ".output/",
    ".svelte-kit/",
    ".turbo/",
    ".vercel/",
    "out/",
    "coverage/",
    "storybook-static/",
    "*.min.js",
    "*.min.mjs",
    "*.min.cjs",
    "*.gen.ts",
    "*.generated.ts",
    "*.generated.tsx",
)


_MAGIC = re.compile(r"[*?\[\]!]")


@dataclass(frozen=True)
class Selection:
    files: tuple[tuple[str, bytes | None], ...]  # (path relative to the root, content or None)
    source: str  # workspace | paths | staged | changed
    excluded: int = 0
    # every source file of the workspace, when the selection listed them (git's view)
    listed: tuple[str, ...] | None = None
    # the stat of each selected regular file, taken while selecting: the result cache reads
    # it instead of asking the file system a second time
    stats: Mapping[str, os.stat_result] = field(default_factory=dict)

    def sources(self, root: Path) -> tuple[str, ...]:
        """Every source file of the workspace (git's view): the listing made for this
        selection, or a listing of its own."""
        if self.listed is not None:
            return self.listed
        return tuple(workspace_files(root, supported_only=True, check_exists=False))


class Excluder:
    """gitignore-style excludes, and the `.eslintignore` files when given. The common shapes —
    a folder name (`dist/`) and a file suffix (`*.gen.ts`) — are set and suffix look-ups;
    anything else goes through pathspec."""

    def __init__(self, patterns: Sequence[str], eslintignore: EslintIgnore | None = None) -> None:
        self.eslintignore = eslintignore
        self.dirs: set[str] = set()
        self.suffixes: list[str] = []
        rest: list[str] = []
        for p in patterns:
            if p.endswith("/") and "/" not in p[:-1] and not _MAGIC.search(p):
                self.dirs.add(p[:-1])
            elif p.startswith("*") and "/" not in p and not _MAGIC.search(p[1:]):
                self.suffixes.append(p[1:])
            else:
                rest.append(p)
        self.suffix_tuple = tuple(self.suffixes)
        self.spec = None
        if rest:
            import pathspec

            self.spec = pathspec.GitIgnoreSpec.from_lines(rest)

    def excluded(self, rel: str) -> bool:
        if self.suffix_tuple and rel.endswith(self.suffix_tuple):
            return True
        if self.dirs and not self.dirs.isdisjoint(rel.split("/")[:-1]):
            return True
        if self.spec is not None and self.spec.match_file(rel):
            return True
        return self.eslintignore is not None and self.eslintignore.excluded(rel)


def stamp(st: os.stat_result) -> int:
    """A file's modification stamp for the fast path: its mtime and its ctime. An edit that
    keeps the size and puts the old mtime back (`touch -d`, `os.utime`) still moves the
    ctime, which no one can set."""
    return (st.st_mtime_ns << 64) | st.st_ctime_ns


def _supported(rel: str) -> bool:
    return language_of(rel) is not None


def workspace_files(
    root: Path,
    supported_only: bool = False,
    check_exists: bool = True,
    ignore_files: list[str] | None = None,
    pending: git.PendingListing | None = None,
) -> list[str]:
    """Tracked and untracked-but-not-ignored files under ``root`` (git's view), or a walk that
    skips node_modules when ``root`` is not in a git repository. ``ignore_files`` collects
    the `.eslintignore` files met on the way; ``pending`` is git's listing, started earlier."""
    out = git.listing(root) if pending is None else pending.read()
    if out is not None:
        seen: dict[str, None] = {}
        base = str(root) + os.sep
        isfile = os.path.isfile
        for p in out.split(b"\0"):
            if p:
                rel = p.decode("utf-8", "surrogateescape")
                if ignore_files is not None and is_ignore_file(rel):
                    ignore_files.append(rel)
                if supported_only and not _supported(rel):
                    continue
                # A file deleted but still in the index has nothing to read.
                if not check_exists or isfile(base + rel):
                    seen.setdefault(rel, None)
        return list(seen)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".git")]
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for f in filenames:
            rel = f if rel_dir == "." else f"{rel_dir}/{f}"
            if ignore_files is not None and is_ignore_file(rel):
                ignore_files.append(rel)
            if not supported_only or _supported(rel):
                found.append(rel)
    return found


def select(
    root: Path,
    *,
    paths: Sequence[str] = (),
    cwd: Path | None = None,
    excludes: Sequence[str] = DEFAULT_EXCLUDES,
    force_exclude: bool = False,
    candidates: Iterable[str] | None = None,
    eslintignore: bool = True,
    pending: git.PendingListing | None = None,
) -> Selection:
    """Files to check. Explicit file paths are checked even when excluded (unless
    ``force_exclude``); folders are expanded with the excludes applied. With
    ``eslintignore``, what the repository's `.eslintignore` files leave out is excluded too.
    ``pending``: git's listing of the workspace, started earlier (for a whole-workspace run)."""
    cwd = (cwd or Path.cwd()).resolve()
    if candidates is not None:
        excluder = Excluder(excludes, EslintIgnore(root) if eslintignore else None)
        rels = [r for r in candidates if _supported(r)]
        kept = [r for r in rels if not excluder.excluded(r)]
        return Selection(tuple((r, None) for r in kept), "changed", len(rels) - len(kept))
    if not paths:
        # Existence is checked when each file is read (or its cache entry stat-ed).
        found: list[str] = []
        rels = workspace_files(
            root, supported_only=True, check_exists=False, ignore_files=found, pending=pending
        )
        excluder = Excluder(excludes, EslintIgnore(root, found) if eslintignore and found else None)
        stats: dict[str, os.stat_result] = {}
        kept = _one_path_per_file(root, [r for r in rels if not excluder.excluded(r)], stats)
        return Selection(
            tuple((r, None) for r in kept), "workspace", len(rels) - len(kept), tuple(rels), stats
        )
    excluder = Excluder(excludes, EslintIgnore(root) if eslintignore else None)
    chosen: dict[str, None] = {}
    excluded = 0
    listing: list[str] | None = None
    for raw in paths:
        absolute = Path(os.path.normpath(cwd / raw))
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(
                f"{raw} is outside the monorepo root {root}", hint="pass paths inside the monorepo"
            ) from None
        if absolute.is_dir():
            if listing is None:
                listing = workspace_files(root)
            prefix = "" if rel == "." else rel + "/"
            for r in listing:
                if r.startswith(prefix) and _supported(r):
                    if excluder.excluded(r):
                        excluded += 1
                    else:
                        chosen.setdefault(r, None)
        elif absolute.is_file():
            if force_exclude and excluder.excluded(rel):
                excluded += 1
            elif _supported(rel):
                chosen.setdefault(rel, None)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    found_stats: dict[str, os.stat_result] = {}
    kept = _one_path_per_file(root, list(chosen), found_stats)
    return Selection(tuple((r, None) for r in kept), "paths", excluded, stats=found_stats)


def _one_path_per_file(root: Path, rels: list[str], stats: dict[str, os.stat_result]) -> list[str]:
    """``rels`` without the links to a file that is itself in ``rels``: each file is checked
    (and fixed) once, under its own path. The stat of each regular file goes in ``stats``."""
    base = str(root) + os.sep
    links = []
    lstat = os.lstat
    for r in rels:
        try:
            st = lstat(base + r)
        except OSError:
            continue  # gone since it was listed: reported when it is read
        if stat.S_ISLNK(st.st_mode):
            links.append(r)
        elif stat.S_ISREG(st.st_mode):
            stats[r] = st
    if not links:
        return rels
    top = os.path.realpath(root)
    present = set(rels)
    twins = set()
    for link in links:
        real = os.path.realpath(base + link)
        if os.path.commonpath([real, top]) == top:
            target = Path(os.path.relpath(real, top)).as_posix()
            if target in present and target != link:
                twins.add(link)
    return [r for r in rels if r not in twins]


def staged(
    root: Path,
    excludes: Sequence[str] = DEFAULT_EXCLUDES,
    force_exclude: bool = True,
    eslintignore: bool = True,
) -> Selection:
    """Staged files with their staged content (read from the index, so a partially staged file
    is judged as it will be committed)."""
    top = git.toplevel(root)
    if top is None:
        raise GitError(f"{root} is not inside a git repository", hint="--staged needs git")
    prefix = git.repo_prefix(root, top)
    excluder = Excluder(excludes, EslintIgnore(root) if eslintignore else None)
    out: list[tuple[str, bytes | None]] = []
    excluded = 0
    wanted: list[tuple[str, str]] = []
    for change in git.diff_staged(top):
        if change.status in ("D", "U") or not change.path.startswith(prefix):
            continue  # deleted, or unmerged (a conflict: nothing of it is staged yet)
        rel = change.path[len(prefix) :]
        if not _supported(rel):
            continue
        if force_exclude and excluder.excluded(rel):
            excluded += 1
            continue
        wanted.append((rel, change.path))
    blobs = git.read_index_blobs([g for _, g in wanted], top)
    for rel, gpath in wanted:
        out.append((rel, blobs.get(gpath, b"")))
    return Selection(tuple(out), "staged", excluded)
