"""Which change a command means: the one its flags name, else the CI's base, else the
default branch (and the change says which was used)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from .. import git
from ..errors import UsageError
from ..workspace import Workspace
from .ci import detect_ci_base
from .models import ChangeSet
from .repo import Repo
from .sources import changes_from_files, changes_from_range, changes_staged, changes_uncommitted


def _default_base(top: Path) -> str | None:
    for ref in ("origin/HEAD", "main", "master", "origin/main", "origin/master"):
        if git.resolve(ref, top) is not None:
            return ref
    return None


def resolve_change_source(
    ws: Workspace,
    *,
    base: str | None = None,
    head: str | None = None,
    staged: bool = False,
    uncommitted: bool = False,
    files: Sequence[str] = (),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ChangeSet:
    """Pick the change source the flags ask for; with none, the CI's base or the default
    branch (and say which was used)."""
    chosen = [x for x in (base is not None, staged, uncommitted, bool(files)) if x]
    if len(chosen) > 1:
        raise UsageError("choose one change source: --base, --staged, --uncommitted or files")
    if head is not None and base is None and (staged or uncommitted or files):
        raise UsageError("--head goes with --base")
    if staged:
        return changes_staged(ws)
    if uncommitted:
        return changes_uncommitted(ws)
    if files:
        return changes_from_files(ws, files, cwd)
    if base is not None:
        return changes_from_range(ws, base, head)
    env = os.environ if env is None else env
    detected = detect_ci_base(env)
    if detected is not None:
        ref, ci_head, source = detected
        cs = changes_from_range(ws, ref, head or ci_head)
        return _with_note(cs, f"base {ref} taken from {source}")
    if env.get("CI"):
        raise UsageError(
            "running in CI but no base was given and none could be detected",
            hint="pass --base origin/main (with enough history fetched), or set TURBO_SCM_BASE",
        )
    repo = Repo(ws)
    from ..config import load  # only now: a given source needs no configuration

    default = load(ws.root).default_base or _default_base(repo.top)
    if default is None:
        raise UsageError(
            "no change source given and no default branch (main, master) found",
            hint="pass --base REF, --staged, --uncommitted, or the changed files",
        )
    cs = changes_from_range(ws, default, head)
    return _with_note(cs, f"no source given: compared with the default branch {default}")


def _with_note(cs: ChangeSet, note: str) -> ChangeSet:
    return replace(cs, notes=(note, *cs.notes))
