"""Files and folders: writing a file so that a reader never sees half of it (every file the tool
writes whole — plan.json and the rest of `tasks/`, the baseline, the caches — goes through
`write_atomic`), whether a path, links resolved, stays inside the repository, and the folder
the caches live in."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def cache_dir() -> Path:
    """The folder of the tool's caches (validation results, the validated orchestrator.toml):
    $ORCHESTRATOR_CACHE_DIR, else orchestrator-tool under the user's cache folder."""
    env = os.environ.get("ORCHESTRATOR_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "orchestrator-tool"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file beside it, renamed over it:
    a crash or a concurrent reader meets the old file or the new one, never a part.

    The temporary name carries the process id, so two processes writing the same file (two
    runs sharing a cache) do not write into one temporary file; the last rename wins. The
    file is not synced to disk: the tool's files are caches or can be written again, and a
    sync on every cache save would cost each run more than it protects. On an error the
    temporary file is removed and the error raised."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def prune(folder: Path, prefix: str, suffix: str, keep: int) -> None:
    """Remove the files of ``folder`` named ``prefix…suffix`` beyond the ``keep`` most recently
    written: a cache made for a configuration or a version of the tool no longer in use does
    not stay forever. Errors are ignored (a file another run removed first, a read-only
    folder): a cache that is not pruned only takes room."""
    try:
        with os.scandir(folder) as it:
            found = []
            for entry in it:
                if entry.name.startswith(prefix) and entry.name.endswith(suffix):
                    with contextlib.suppress(OSError):
                        found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    except OSError:
        return
    found.sort(reverse=True)
    for _, path in found[keep:]:
        with contextlib.suppress(OSError):
            os.unlink(path)


def resolves_inside(top_real: str, path: str | Path) -> bool:
    """Whether ``path``, its links resolved, is the folder ``top_real`` or below it
    (``top_real`` is itself resolved: ``os.path.realpath`` of the repository's root)."""
    real = os.path.realpath(path)
    return real == top_real or real.startswith(top_real.rstrip(os.sep) + os.sep)
