"""The lockfile as it was before a change and as it is after it, read from the change's own
source: commits, the index or the work tree."""

from __future__ import annotations

from .. import git
from ..workspace import Workspace
from .models import ChangeSet
from .repo import Repo


def lockfile_texts(ws: Workspace, cs: ChangeSet) -> tuple[str | None, str | None]:
    """The lockfile's text before and after the change (None where there is none)."""
    assert ws.lockfile is not None
    repo = Repo(ws)
    gpath = repo.to_git(ws.lockfile)

    def blob(rev: str) -> str | None:
        data = git.show(rev, gpath, repo.top)
        return data.decode("utf-8", "replace") if data is not None else None

    def worktree() -> str | None:
        try:
            return (ws.root / ws.lockfile).read_text(encoding="utf-8") if ws.lockfile else None
        except OSError:
            return None

    if cs.source == "range":
        assert cs.merge_base and cs.head_sha
        return blob(cs.merge_base), blob(cs.head_sha)
    if cs.source == "range+worktree":
        assert cs.merge_base
        return blob(cs.merge_base), worktree()
    old = blob("HEAD") if cs.base_sha or cs.source == "files" else None
    if cs.source == "staged":
        return old, blob("")
    return old, worktree()
