"""One run of a plan at a time: `plan run` and `plan merge` hold a lock, a file in the shared
git folder next to the plan's worktrees (<git-common-dir>/orchestrator/<plan-id>.lock) that
holds the pid of the process working on the plan. It is made with O_EXCL, so of two processes
only one creates it; a lock whose process is gone (killed, the machine restarted) is stale and
the next run takes it over."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .. import git
from ..errors import UsageError

WORKTREES = "orchestrator"  # under the repository's git folder: worktrees/<plan-id>/<task>
# A lock file still empty this long after it was made belongs to a process that died between
# creating it and writing its pid (younger: that process is writing it now).
_EMPTY_GRACE = 10.0


def lock_path(root: Path, plan_id: str) -> Path:
    return git.common_dir(root) / WORKTREES / f"{plan_id}.lock"


def holder(path: Path) -> int | None:
    """The pid of the live process holding the lock at ``path``; None when it is free or
    stale."""
    try:
        text = path.read_text("ascii", "replace").strip()
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None
    if not text:
        return -1 if age < _EMPTY_GRACE else None
    try:
        pid = int(text)
    except ValueError:
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    try:  # a zombie has exited: its lock is stale even before its parent reaps it
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _create(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(f"{os.getpid()}\n")
    return True


def _take_over(path: Path) -> None:
    """Remove the stale lock at ``path``. It is renamed away first and read back, so that of
    two processes taking it over at once, the second does not remove the lock the first has
    just made: a renamed lock that turns out live is put back."""
    aside = path.with_name(f"{path.name}.{os.getpid()}.stale")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return  # someone else took it over first
    if holder(aside) is not None:
        with contextlib.suppress(OSError):
            os.link(aside, path)  # fails only when a third process has locked meanwhile
    aside.unlink(missing_ok=True)


def _refuse(plan_id: str, pid: int, path: Path) -> UsageError:
    who = f"process {pid}" if pid > 0 else "another process"
    return UsageError(
        f"plan {plan_id} is being run by {who} (lock {path})",
        hint="wait for it to end; a lock whose process is gone is taken over",
    )


@contextlib.contextmanager
def plan_lock(root: Path, plan_id: str) -> Iterator[None]:
    """Hold the plan's lock for the block; a UsageError naming the pid when a live process
    holds it."""
    path = lock_path(root, plan_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(5):
        if _create(path):
            break
        pid = holder(path)
        if pid is not None:
            raise _refuse(plan_id, pid, path)
        _take_over(path)
    else:
        pid = holder(path)
        raise _refuse(plan_id, pid if pid is not None else -1, path)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if path.read_text("ascii").strip() == str(os.getpid()):
                path.unlink()


def is_locked(root: Path, plan_id: str) -> bool:
    """Whether a live process holds the plan's lock (a run or a merge is working on it)."""
    return holder(lock_path(root, plan_id)) is not None
