"""A change and what it affects: the changed files, and each affected package with the reasons
it is affected (as the JSON and text reports show them)."""

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


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str  # changed-files | dependency | lockfile | root-dependency | global-dependency
    #            | turbo-json | lockfile-unattributed | missing-base
    message: str
    files: tuple[str, ...] = ()
    via: str | None = None  # dependency: the package it depends on directly
    chain: tuple[str, ...] = ()  # dependency: changed package → ... → this package


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    name: str | None
    path: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Affected:
    changes: ChangeSet
    packages: tuple[AffectedPackage, ...]
    unowned_files: tuple[str, ...]  # changed files in no package that changed nothing global
    notes: tuple[str, ...] = ()
