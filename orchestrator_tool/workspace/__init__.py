"""The workspace map: packages, their internal dependency graph, turbo.json, tsconfig paths.

``scan(root)`` reads the monorepo once and returns an immutable :class:`Workspace`. Nothing
here writes to the work tree or calls the package manager.
"""

from __future__ import annotations

from .discovery import expand_globs, find_root
from .graph import find_cycles
from .model import (
    DEP_KINDS,
    GRAPH_KINDS,
    Edge,
    Package,
    PackageManager,
    Problem,
    TsConfig,
    TurboConfig,
    TurboTask,
    Workspace,
    WorkspaceDependency,
    manifest_rel,
)
from .scanner import scan, with_nested_projects

__all__ = [
    "DEP_KINDS",
    "GRAPH_KINDS",
    "Edge",
    "Package",
    "PackageManager",
    "Problem",
    "TsConfig",
    "TurboConfig",
    "TurboTask",
    "Workspace",
    "WorkspaceDependency",
    "expand_globs",
    "find_cycles",
    "find_root",
    "manifest_rel",
    "scan",
    "with_nested_projects",
]
