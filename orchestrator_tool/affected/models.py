"""What a change affects: each affected package with the reasons it is affected (as the JSON
and text reports show them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..changes.models import ChangeSet
    from ..workspace import Package, Workspace


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

    def workspace_packages(self, ws: Workspace) -> list[Package]:
        """The affected packages as ``ws``'s own, in the same order (what their gates run on)."""
        by_path = ws.by_path
        return [by_path[p.path] for p in self.packages if p.path in by_path]
