"""Installing a workspace's dependencies from its lockfile, as CI does: a fresh checkout (a
task's worktree) has no node_modules, and its gates need them. The lockfile is never rewritten:
one that does not match the manifests fails the install."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from ..workspace import Workspace
from .process import Outcome, run


def install_args(ws: Workspace) -> list[str]:
    """The package manager's arguments for a frozen install (after its executable)."""
    pm = ws.package_manager
    if pm.name == "pnpm":
        return ["install", "--frozen-lockfile", "--prefer-offline"]
    if pm.name == "npm":
        return ["ci", "--prefer-offline", "--no-audit", "--no-fund"]
    if pm.name == "yarn":
        classic = pm.version is not None and pm.version.startswith("1.")
        berry = not classic and (pm.version is not None or (ws.root / ".yarnrc.yml").is_file())
        return ["install", "--immutable"] if berry else ["install", "--frozen-lockfile"]
    return ["install", "--frozen-lockfile"]  # bun


def install(
    ws: Workspace, exe: str, *, timeout: float | None, log: BinaryIO | None = None
) -> tuple[list[str], Outcome]:
    """Run the frozen install at the workspace root (``exe``: the package manager, see
    ``choose_runner``); the command and how it ended. Its output goes to ``log`` as it comes."""
    cmd = [exe, *install_args(ws)]
    env = {**os.environ, "FORCE_COLOR": "0", "CI": "1"}  # CI: no prompt, no progress bars
    return cmd, run(cmd, Path(ws.root), timeout=timeout, env=env, log=log)
