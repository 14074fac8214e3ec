"""What changed: the files a range of commits, the index, the work tree or a hand-made list
holds, as workspace paths; the CI's base; the lockfile before and after."""

from __future__ import annotations

from .ci import detect_ci_base
from .lockfile_texts import lockfile_texts
from .models import ChangedFile, ChangeSet
from .repo import Repo
from .resolve import resolve_change_source
from .sources import changes_from_files, changes_from_range, changes_staged, changes_uncommitted

__all__ = [
    "ChangeSet",
    "ChangedFile",
    "Repo",
    "changes_from_files",
    "changes_from_range",
    "changes_staged",
    "changes_uncommitted",
    "detect_ci_base",
    "lockfile_texts",
    "resolve_change_source",
]
