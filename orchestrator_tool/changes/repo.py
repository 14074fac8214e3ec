"""The git repository around a workspace: where it is, and paths converted between the
repository's view (`apps/web/x.ts` under a monorepo in a subfolder: `js/apps/web/x.ts`) and the
workspace's."""

from __future__ import annotations

from collections.abc import Sequence

from .. import git
from ..errors import GitError
from ..workspace import Workspace
from .models import ChangedFile


class Repo:
    """The git repository around a workspace, and path conversion between the two."""

    def __init__(self, ws: Workspace) -> None:
        top = git.toplevel(ws.root)
        if top is None:
            raise GitError(
                f"{ws.root} is not inside a git repository",
                hint="run `git init`, or pass the changed files as arguments instead",
            )
        self.top = top.resolve()
        self.prefix = git.repo_prefix(ws.root, self.top)

    def to_ws(self, git_path: str) -> str | None:
        if not self.prefix:
            return git_path
        if git_path.startswith(self.prefix):
            return git_path[len(self.prefix) :]
        return None

    def to_git(self, ws_path: str) -> str:
        return self.prefix + ws_path

    def convert(self, changes: Sequence[git.FileChange]) -> tuple[list[ChangedFile], int]:
        files: list[ChangedFile] = []
        outside = 0
        for c in changes:
            path = self.to_ws(c.path)
            old = self.to_ws(c.old_path) if c.old_path else None
            if path is None and old is None:
                outside += 1
                continue
            if path is None:  # moved out of the monorepo: the old path still counts
                files.append(ChangedFile(old or "", "D"))
                continue
            files.append(ChangedFile(path, c.status, old))
        return files, outside


def outside_note(n: int) -> tuple[str, ...]:
    return (f"{n} changed file(s) outside the monorepo root were ignored",) if n else ()
