"""Which other files a file's verdict was read from.

A validator that follows an import (a helper's definition, a wrapper, a package's entry point)
reads another file; the result cache must drop the verdict when that file changes. Readers call
``Reads.record``; the runner collects what one file's check recorded. A memo that skips the
read on a later file replays what it recorded the first time (``Reads.replay``).
``WHOLE_WORKSPACE`` marks a verdict that depends on every file (who imports this export): it is
not cached. One ``Reads`` belongs to one run (engine.run_state).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

WHOLE_WORKSPACE = "*"


class Reads:
    """The files read for the verdicts being collected, in nested blocks."""

    def __init__(self) -> None:
        self._active: list[set[str]] = []

    def record(self, rel: str) -> None:
        """The file ``rel`` (relative to the workspace root) was read for the current
        verdict."""
        for found in self._active:
            found.add(rel)

    def replay(self, rels: Iterable[str]) -> None:
        for rel in rels:
            self.record(rel)

    @contextmanager
    def collecting(self) -> Iterator[set[str]]:
        """The files recorded while the block runs (nested blocks each see their own reads)."""
        found: set[str] = set()
        self._active.append(found)
        try:
            yield found
        finally:
            self._active.pop()  # blocks nest: the last one opened closes first
