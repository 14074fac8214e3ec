"""A change: the files it touches (workspace paths, with git's status), where it came from,
and the revisions it lies between."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChangedFile:
    path: str  # POSIX, relative to the monorepo root
    status: str  # A M D R C T U ? (? = untracked), "" when listed by hand
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeSet:
    source: str  # range | range+worktree (--base without --head) | staged | uncommitted | files
    files: tuple[ChangedFile, ...]
    base: str | None = None  # the ref as given
    head: str | None = None
    base_sha: str | None = None
    head_sha: str | None = None
    merge_base: str | None = None
    notes: tuple[str, ...] = ()

    def paths(self) -> list[str]:
        """Every path the change touches: renames count their old and new paths."""
        out: list[str] = []
        for f in self.files:
            if f.old_path is not None:
                out.append(f.old_path)
            out.append(f.path)
        return out
