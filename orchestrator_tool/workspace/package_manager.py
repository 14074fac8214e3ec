"""Which package manager the repository uses: `packageManager` in the root package.json,
else the lockfile present, else pnpm for a pnpm-workspace.yaml, else npm."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .model import PackageManager, Problem

if TYPE_CHECKING:
    from ..formats.jsonc import JSONObject

LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("yarn.lock", "yarn"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)


def package_manager(
    root: Path, root_manifest: JSONObject, ws_source: str | None, problems: list[Problem]
) -> tuple[PackageManager, str | None]:
    lockfile = None
    lock_pm = None
    for fname, pm in LOCKFILES:
        if (root / fname).is_file():
            lockfile, lock_pm = fname, pm
            break
    field_value = root_manifest.get("packageManager")
    if isinstance(field_value, str) and "@" in field_value:
        name, _, version = field_value.partition("@")
        version = version.split("+", 1)[0]
        if name in ("pnpm", "npm", "yarn", "bun"):
            if lock_pm is not None and lock_pm != name:
                problems.append(
                    Problem(
                        "WS004",
                        f"packageManager says {name} but the lockfile is {lockfile}",
                        path="package.json",
                        severity="warning",
                    )
                )
            if lock_pm != name:
                lockfile = next(
                    (f for f, pm in LOCKFILES if pm == name and (root / f).is_file()), None
                )
            return PackageManager(name, version or None, "packageManager"), lockfile
    if lock_pm is not None and lockfile is not None:
        return PackageManager(lock_pm, None, lockfile), lockfile
    if ws_source == "pnpm-workspace.yaml":
        return PackageManager("pnpm", None, "pnpm-workspace.yaml"), None
    return PackageManager("npm", None, "default"), None
