"""Check files through the result cache: what the cache holds comes from it, the rest is
checked (``runner.run``) and stored.

A file read from disk is looked up by its size and stamp first (it is not even read when they
are unchanged), then by its content hash; content given in memory (the index, a commit) is
looked up by its hash.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import ResultCache, content_hash
from .reading import NotRead, read_inside
from .results import FileResult

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .settings import Settings


def check_files(
    root: Path,
    files: Sequence[tuple[str, bytes | None]],
    settings: Settings,
    workspace: Workspace | None,
    jobs: int | None,
    cache: ResultCache | None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[FileResult], list[FileResult]]:
    """(results from the cache, results of the files checked now) for ``files`` (relative
    path, and the content when it does not come from disk). The cache is saved.
    ``progress(files done, files in all)`` follows the run, the cached files counted done."""
    if cache is None:
        from .runner import run

        return [], run(root, files, settings, workspace, jobs, progress)
    # the files on disk whose size and stamp are unchanged, in one pass; the others by hash
    cached, changed = cache.served([rel for rel, given in files if given is None])
    to_hash = [*((rel, None) for rel in changed), *(f for f in files if f[1] is not None)]
    todo: list[tuple[str, bytes | None]] = []
    meta: dict[str, tuple[int, int, str]] = {}
    base_dir = str(root) + os.sep
    for rel, given in to_hash:
        data = given
        if data is None:
            st = cache.stat(rel)
            if st is None:
                todo.append((rel, None))  # the runner reports why it cannot be read
                continue
            try:
                data = read_inside(base_dir, rel, settings.max_bytes)
            except (OSError, NotRead):
                todo.append((rel, None))  # the runner reports why it cannot be read
                continue
            digest = content_hash(data)
            meta[rel] = (st[0], st[1], digest)
        else:
            digest = content_hash(data)
            meta[rel] = (len(data), -1, digest)
        hit = cache.lookup_hash(rel, digest)
        if hit is not None:
            cached.append(hit)
            if meta[rel][1] >= 0:
                cache.store(hit, *meta[rel])  # refresh the mtime fast path
            continue
        todo.append((rel, data))

    def tick(done: int, _: int) -> None:  # handed to run() only with a progress callback
        assert progress is not None
        progress(len(cached) + done, len(files))

    fresh: list[FileResult] = []
    if todo:  # the runner (the parsers, the validators) is imported only for files to check
        from .runner import run

        fresh = run(root, todo, settings, workspace, jobs, tick if progress else None)
    for r in fresh:
        m = meta.get(r.path)
        if m is not None:
            cache.store(r, *m)
    cache.save()
    return cached, fresh
