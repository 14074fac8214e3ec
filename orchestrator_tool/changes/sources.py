"""The change sources: a range of commits (with the work tree as its head, or not), the
index, everything uncommitted, or files named by hand."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import git
from ..errors import GitError, MissingRefError, UsageError
from ..workspace import Workspace
from .models import ChangedFile, ChangeSet
from .repo import Repo, outside_note


def changes_from_range(ws: Workspace, base: str, head: str | None = None) -> ChangeSet:
    """Files changed on ``head`` since it forked from ``base`` (``git diff base...head``).

    Without ``head``, the work tree is the head: committed, staged, unstaged and untracked
    changes since the fork point all count (as with turbo's ``--affected``)."""
    repo = Repo(ws)
    if not git.has_commits(repo.top):
        raise GitError(
            "the repository has no commits yet, so there is no base to compare with",
            hint="use --staged or --uncommitted, or commit first",
        )
    head_ref = head or "HEAD"
    head_sha = git.resolve(head_ref, repo.top)
    if head_sha is None:
        raise git.missing_ref_error(head_ref, repo.top, "head")
    base_sha = git.resolve(base, repo.top)
    if base_sha is None:
        raise git.missing_ref_error(base, repo.top, "base")
    mb = git.merge_base(base_sha, head_sha, repo.top)
    if mb is None:
        raise MissingRefError(
            f"{base} and {head_ref} have no common ancestor in this clone",
            hint="this is usually a shallow clone: fetch more history "
            "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)",
        )
    if head is None:
        files, outside = repo.convert(git.diff_worktree(mb, repo.top))
    else:
        files, outside = repo.convert(git.diff_trees(mb, head_sha, repo.top))
    return ChangeSet(
        source="range" if head is not None else "range+worktree",
        files=tuple(files),
        base=base,
        head=head,
        base_sha=base_sha,
        head_sha=head_sha,
        merge_base=mb,
        notes=outside_note(outside),
    )


def changes_staged(ws: Workspace) -> ChangeSet:
    """What the next commit would change: the index against HEAD."""
    return _local_changes(ws, "staged", git.diff_staged)


def changes_uncommitted(ws: Workspace) -> ChangeSet:
    """Staged, unstaged and untracked changes against HEAD."""
    return _local_changes(ws, "uncommitted", lambda top: git.diff_worktree(None, top))


def _local_changes(
    ws: Workspace, source: str, diff: Callable[[Path], list[git.FileChange]]
) -> ChangeSet:
    repo = Repo(ws)
    files, outside = repo.convert(diff(repo.top))
    head_sha = git.resolve("HEAD", repo.top)
    return ChangeSet(
        source,
        tuple(files),
        base="HEAD",
        head_sha=head_sha,
        base_sha=head_sha,
        notes=outside_note(outside),
    )


def changes_from_files(ws: Workspace, files: Sequence[str], cwd: Path | None = None) -> ChangeSet:
    """A hand-made change: the given paths (relative to ``cwd``), existing or deleted."""
    cwd = (cwd or Path.cwd()).resolve()
    out: list[ChangedFile] = []
    for f in files:
        p = Path(f)
        absolute = p if p.is_absolute() else cwd / p
        absolute = Path(os.path.normpath(absolute))
        try:
            rel = absolute.relative_to(ws.root).as_posix()
        except ValueError:
            raise UsageError(
                f"{f} is outside the monorepo root {ws.root}",
                hint="pass files inside the monorepo, or --root the monorepo they belong to",
            ) from None
        out.append(ChangedFile(rel, "" if absolute.exists() else "D"))
    return ChangeSet("files", tuple(dict.fromkeys(out)))
