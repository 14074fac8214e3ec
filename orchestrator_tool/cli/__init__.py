"""The `orchestrator` command line, a thin layer over :mod:`orchestrator_tool.api`: the click
group (:mod:`.app`), one module per command, each parsing its options, refusing those that
contradict each other before any work, calling the API, rendering and returning an exit code,
which the one error handler (:mod:`.exits`) turns, with the tool's exceptions, into the
process's. Colour and the styles of the text reports are :mod:`.console`'s.

``main`` is the console script; ``cli`` the click group."""

from __future__ import annotations

from .app import cli, main

__all__ = ["cli", "main"]
