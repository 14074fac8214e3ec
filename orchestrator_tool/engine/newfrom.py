"""Findings new since a revision (`--new-from-rev REV`, `[validate] new-from-rev`, and the
hooks' default: what a commit adds to HEAD).

The checked files are compared with REV by git (renames detected, as `git diff -M` finds
them). A file REV has as it is now can have no new finding: it is not checked again. A file
REV does not have (added since, or untracked) has only new findings. Each other file's content
at REV (under its path there) is checked in memory by the same validators, against today's
workspace, and its findings are subtracted from today's.

A finding is matched by its code and the normalised text of its line (the fingerprint's
text, white space folded; never the line number or the message, which may quote one), with an
occurrence index among the findings of one file that share those: a file with two legacy
`any` on identical lines and a third added has one new finding. A finding one fix resolves
(IMP002/IMP003, one per package and dependency) is matched by its code, the package's
manifest and the dependency: it is new when no place of it is found at REV, in the old content
of a changed file or in an unchanged file. A finding of the workspace rules (package names,
cycles) is new when the package.json it is reported on changed since REV.

What the model does not see: a finding that a change elsewhere brings to a file the change
leaves alone (a manifest line removed, a helper edited) is judged against today's workspace on
both sides, so it is not new.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import git
from ..errors import GitError

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .cache import ResultCache
    from .diagnostics import Diagnostic
    from .results import FileResult
    from .settings import Settings

# How the run read its files: from the work tree, from the index, or (a commit) as they are in
# that commit.
WORKTREE = "worktree"
INDEX = "index"

_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Earlier:
    """Where each path of the workspace that differs from REV was there: the path at REV
    (a rename's old path, or the same path), or None when REV does not have it."""

    rev: str
    sha: str
    top: Path
    prefix: str  # the workspace's folder below the git top level ("" or "apps/x/")
    differs: Mapping[str, str | None]  # workspace path -> git path at REV, or None


def revision(root: Path, rev: str) -> tuple[Path, str]:
    """(the git top level, the commit ``rev`` names), or a one-line error: not in a git
    repository, or no such revision in this clone."""
    top = git.toplevel(root)
    if top is None:
        raise GitError(
            f"{root} is not inside a git repository",
            hint="new-from-rev compares with a git revision",
        )
    top = top.resolve()
    sha = git.resolve(rev, top)
    if sha is None:
        raise git.missing_ref_error(rev, top, "new-from-rev")
    return top, sha


def compare(root: Path, rev: str, content: str, run_paths: Sequence[str]) -> Earlier:
    """How the workspace's files differ from ``rev``; ``content`` says how the run read them
    (``WORKTREE``, ``INDEX`` or a commit). ``run_paths`` are the run's files: one the work
    tree holds but git ignores (named on the command line) is not at REV."""
    top, sha = revision(root, rev)
    prefix = git.repo_prefix(root, top)
    if content == INDEX:
        changes = git.diff_staged(top, sha)
    elif content == WORKTREE:
        changes = git.diff_worktree(sha, top)
    else:
        changes = git.diff_trees(sha, content, top)
    differs: dict[str, str | None] = {}
    for c in changes:
        if c.status == "D" or not c.path.startswith(prefix):
            continue
        path = c.path[len(prefix) :]
        if c.status in ("A", "?"):
            differs[path] = None
        else:  # M, T, U: the same path; R: where it came from
            differs[path] = c.old_path if c.status == "R" and c.old_path else c.path
    if content == WORKTREE:
        # `git diff` and the untracked listing leave out what git ignores: a file named on
        # the command line may be one, and REV does not have it. (The index is listed:
        # asking `check-ignore` about every path of a large run costs ten times more.)
        unseen = [p for p in run_paths if p not in differs]
        if unseen:
            index = git.tracked(top)
            differs.update((p, None) for p in unseen if prefix + p not in index)
    return Earlier(rev, sha, top, prefix, differs)


def check_earlier(
    ws: Workspace,
    earlier: Earlier,
    run_paths: Iterable[str],
    settings: Settings,
    nested: Sequence[str],
    jobs: int | None,
    cache: ResultCache | None,
) -> dict[str, FileResult]:
    """The results of the run's changed files as they were at REV, by their path now. Each is
    checked in memory under its path at REV, against today's workspace, through a result
    cache beside the run's (content-hash keyed, so checking REV again costs little)."""
    from ..workspace import with_nested_projects
    from .cached_run import check_files
    from .projects import nested_project_folders

    then: dict[str, str] = {}  # git path at REV -> workspace path now
    for path in run_paths:
        old = earlier.differs.get(path, "")
        if old:
            then[old] = path
    if not then:
        return {}
    blobs = git.read_blobs(list(then), earlier.top, earlier.sha)
    files: list[tuple[str, bytes | None]] = []
    now_of: dict[str, str] = {}
    for old, data in blobs.items():
        # Under its path at REV (a file moved into another package answered to that one's
        # manifest there), or its path now when it came from outside the workspace.
        at = old[len(earlier.prefix) :] if old.startswith(earlier.prefix) else then[old]
        files.append((at, data))
        now_of[at] = then[old]
    checked_ws = with_nested_projects(
        ws, sorted({*nested, *nested_project_folders(ws, [at for at, _ in files])})
    )
    rev_cache = cache.sibling("-rev") if cache is not None else None
    cached, fresh = check_files(ws.root, files, settings, checked_ws, jobs, rev_cache)
    return {now_of[r.path]: r for r in (*cached, *fresh)}


def introduced(
    diagnostics: Sequence[Diagnostic],
    results: Sequence[FileResult],
    old: Mapping[str, FileResult],
    earlier: Earlier,
) -> list[Diagnostic]:
    """The ``diagnostics`` (one finding per fix, sorted by place) not present at REV."""
    run_paths = {r.path for r in results}
    old_groups: set[tuple[str, str]] = set()
    old_keys: dict[str, Counter[tuple[str, str]]] = {}
    for path, r in old.items():
        keys = old_keys.setdefault(path, Counter())
        for d in r.diagnostics:
            if d.group:
                old_groups.add((d.code, d.group))
            else:
                keys[_key(d)] += 1
    for r in results:
        if r.path not in earlier.differs:  # as it was at REV: its groups were there
            old_groups.update((d.code, d.group) for d in r.diagnostics if d.group)
    new: list[Diagnostic] = []
    for d in diagnostics:
        if d.group:
            if (d.code, d.group) not in old_groups:
                new.append(d)
        elif d.path not in run_paths:
            # a workspace rule's finding, on a package.json: new when the manifest changed
            if d.path in earlier.differs:
                new.append(d)
        elif d.path in earlier.differs:
            left = old_keys.get(d.path)
            key = _key(d)
            if left is not None and left[key] > 0:
                left[key] -= 1  # the next occurrence of this key at REV
            else:
                new.append(d)
    return new


def _key(d: Diagnostic) -> tuple[str, str]:
    """The code and the fingerprint without its path: the line's text, white space folded
    (the message for the few findings keyed by it, numbers masked)."""
    prefix = f"{d.code}:{d.path}:"
    if d.fingerprint.startswith(prefix):
        return d.code, d.fingerprint[len(prefix) :]
    return d.code, _NUMBER.sub("0", d.fingerprint.replace(d.path, ""))


def keep_new(
    diagnostics: Sequence[Diagnostic], new: Sequence[Diagnostic]
) -> tuple[list[Diagnostic], int]:
    """(the ``diagnostics`` that are among ``new``, how many were left out)."""
    left = Counter(new)
    kept: list[Diagnostic] = []
    for d in diagnostics:
        if left[d] > 0:
            left[d] -= 1
            kept.append(d)
    return kept, len(diagnostics) - len(kept)
