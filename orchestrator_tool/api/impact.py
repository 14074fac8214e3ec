"""What a change affects: the packages, each with the reasons why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..affected import Affected, Reason, compute
from ..changes import ChangeSet, lockfile_texts, resolve_change_source
from ..errors import GitError, MissingRefError, UsageError
from ..workspace import Workspace


def affected(
    ws: Workspace,
    *,
    base: str | None = None,
    head: str | None = None,
    staged: bool = False,
    uncommitted: bool = False,
    files: Sequence[str] = (),
    dependents: bool = True,
    on_missing_base: str = "error",
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Affected:
    """The packages a change affects, each with the reasons why.

    ``on_missing_base="all"`` turns a base that does not exist locally into "every package is
    affected", announced in the result's notes, instead of an error.
    """
    if on_missing_base not in ("error", "all"):
        raise UsageError("--on-missing-base must be `error` or `all`")
    try:
        cs = resolve_change_source(
            ws,
            base=base,
            head=head,
            staged=staged,
            uncommitted=uncommitted,
            files=files,
            cwd=cwd,
            env=env,
        )
    except MissingRefError as exc:
        if on_missing_base != "all":
            raise
        note = f"{exc.message}; every package counts as affected (--on-missing-base=all)"
        cs = ChangeSet("range", (), base=base, head=head, notes=(note,))
        return compute(
            ws,
            cs,
            dependents=False,
            everything_because=Reason("missing-base", note),
        )

    def reader() -> tuple[str | None, str | None]:
        try:
            return lockfile_texts(ws, cs)
        except GitError:
            return None, None

    return compute(ws, cs, dependents=dependents, lockfile_versions=reader)
