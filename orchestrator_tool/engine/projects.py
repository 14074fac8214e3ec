"""Projects nested in the repository but outside the workspace: a folder with its own
package.json that no workspace glob names (a docs site, a standalone example app). They are
validated as projects of their own, against their own manifest and tsconfig."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..workspace import Workspace

# A package.json with none of these (only `"type": "module"`, say) marks a folder of modules,
# not a project.
_PROJECT_KEYS = ("name", "dependencies", "devDependencies", "peerDependencies", "scripts")


def nested_project_folders(ws: Workspace, rels: Iterable[str]) -> list[str]:
    """The nested projects that own some of ``rels``: for each file the root package would
    own, the nearest folder above it whose package.json makes it a project. Sorted."""
    project_at: dict[str, bool] = {}
    nearest: dict[str, str | None] = {}

    def is_project(folder: str) -> bool:
        hit = project_at.get(folder)
        if hit is None:
            hit = project_at[folder] = _declares_project(ws, folder)
        return hit

    def project_of(folder: str) -> str | None:
        if folder in ("", "."):
            return None
        if folder not in nearest:
            nearest[folder] = (
                folder if is_project(folder) else project_of(folder.rpartition("/")[0])
            )
        return nearest[folder]

    found: set[str] = set()
    in_package: dict[str, bool] = {}  # per folder: its files' owner is a package, not the root
    for rel in rels:
        folder = rel.rpartition("/")[0]
        packaged = in_package.get(folder)
        if packaged is None:
            owner = ws.owner_of(rel)
            packaged = in_package[folder] = owner is not None and owner.path != "."
        if packaged:
            continue
        project = project_of(folder)
        if project is not None:
            found.add(project)
    return sorted(found)


def _declares_project(ws: Workspace, folder: str) -> bool:
    try:
        doc = json.loads((ws.root / folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False  # none, or unreadable: not a project (its files stay the root's)
    return isinstance(doc, dict) and any(k in doc for k in _PROJECT_KEYS)
