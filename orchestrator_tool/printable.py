"""Package names and folders printed for another program to read: `affected --print` lands in
a shell (`pnpm $(orchestrator affected --print filter) run test`), `affected --matrix` in a CI
job's matrix and from there in `pnpm --filter`.

The repository is untrusted input, so every name and folder is checked against npm's grammar
(names.py) before anything is printed. A package that fails the check fails the command
rather than being left out: a list without it would let its gates go unrun while the job
that reads the list passes, and `check` already counts such a package as a failed gate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .errors import InputError
from .formats import names
from .workspace import manifest_rel

MAX_LISTED = 5  # problems named in the message; the rest are counted
Printed = Literal["name", "path", "both"]


def problem(name: str | None, path: str, *, prints: Printed) -> str | None:
    """Why this package cannot be printed (None: it can). ``prints``: "name" (its name, or its
    folder when it has none, as `--print name|filter` do), "path" (its folder) or "both"."""
    if name and prints != "path":
        bad_name = names.package_name_problem(name)
        if bad_name is not None:
            return f"its name {name[:100]!r} {bad_name}"
    if prints == "name" and name:
        return None
    bad_path = names.package_path_problem(path)
    return f"its folder {path[:100]!r} {bad_path}" if bad_path else None


def _shown(path: str) -> str:
    """``path`` for a message: quoted and escaped when it holds a control character, which
    would otherwise start a new line of the message."""
    return repr(path) if names.package_path_problem(path) else path


def refuse_unprintable(
    packages: Iterable[tuple[str | None, str]], *, what: str, prints: Printed
) -> None:
    """InputError (exit 2) naming the packages of ``packages`` (name, folder) that cannot be
    printed as ``what``; nothing when all can."""
    refused = [
        (path, why)
        for name, path in dict.fromkeys(packages)
        if (why := problem(name, path, prints=prints)) is not None
    ]
    if not refused:
        return
    lines = [f"{_shown(manifest_rel(path))}: {why}" for path, why in refused[:MAX_LISTED]]
    if len(refused) > MAX_LISTED:
        lines.append(f"and {len(refused) - MAX_LISTED} more")
    count = f"{len(refused)} package{'s' if len(refused) > 1 else ''}"
    raise InputError(
        f"{count} cannot be printed for {what}, which another program would read as "
        "something else:\n  " + "\n  ".join(lines),
        hint=names.PACKAGE_NAME_HINT
        + "; a folder: rename it without control characters or a leading '-'",
    )
