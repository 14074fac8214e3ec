"""The monorepo a call works on: its workspace map and its configuration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..workspace import Workspace, find_root, scan

if TYPE_CHECKING:
    from ..config import Config


def load_workspace(root: Path | None = None, cwd: Path | None = None) -> Workspace:
    """Scan the monorepo at ``root`` (default: found from ``cwd`` upwards)."""
    if root is None:
        root = find_root(cwd or Path.cwd())
    elif not root.is_dir():
        raise UsageError(f"--root {root} is not a folder")
    return scan(root)


def load_config(root: Path) -> Config:
    """The monorepo's orchestrator.toml, resolved (defaults when there is none)."""
    from ..config import load

    return load(root)
