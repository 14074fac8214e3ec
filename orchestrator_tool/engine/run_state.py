"""What one run keeps while it checks files.

The workspace's import resolver and the analyses' indexes (a helper's summary, a package's
entry, who imports an export) are built on first use and shared by every file of the run;
``reads`` collects the files a verdict was read from, for the result cache. The runner makes
one ``RunState`` per ``run``, ``check_source`` or ``check_workspace`` call and hands it to each
validator through its context (``ctx.state``). Nothing of it outlives the call: a second run in
the same process, with the same workspace object, sees every file as it is then. Worker
processes are forked with the run's state and fill their own copy, once per run and worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from .deps import Reads

if TYPE_CHECKING:
    from ..workspace import Workspace

_T = TypeVar("_T")


class RunState:
    """One run's shared indexes, keyed by their type, and the reads being collected."""

    def __init__(self, workspace: Workspace | None = None) -> None:
        self.workspace = workspace
        self.reads = Reads()
        self._shared: dict[type, object] = {}

    def in_workspace(self) -> Workspace:
        """The run's workspace, for what only has a meaning inside one (resolving imports,
        reading other packages)."""
        if self.workspace is None:
            raise ValueError("this needs a run inside a workspace")
        return self.workspace

    def shared(self, kind: type[_T], make: Callable[[RunState], _T]) -> _T:
        """The run's one ``kind``, made by ``make(self)`` the first time it is asked for."""
        found = self._shared.get(kind)
        if isinstance(found, kind):
            return found
        made = make(self)
        self._shared[kind] = made
        return made
