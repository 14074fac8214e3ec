"""The `orchestrator` command line, a thin layer over :mod:`orchestrator_tool.api`: the click
group (:mod:`.app`), one module per command, each parsing its options, refusing those that
contradict each other before any work, calling the API, rendering and returning an exit code,
which the one error handler (:mod:`.exits`) turns, with the tool's exceptions, into the
process's. Colour and the styles of the text reports are :mod:`.console`'s.

``main`` is the console script; ``cli`` the click group."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """The console script. Before anything is imported, the collector's first threshold is
    raised: a command allocates many objects that live until it ends (the modules, the result
    cache's entries, the findings, a JSON document) and makes few cycles, and at the default
    threshold (700 allocations) the collector walks them again and again, a tenth of a cached
    run's time. Collections still happen, less often."""
    gc.set_threshold(20_000)
    from .app import main as run

    run()


def __getattr__(name: str) -> object:
    if name == "cli":  # the click group, imported when asked for (main imports it itself)
        from .app import cli

        return cli
    raise AttributeError(name)
