"""The `orchestrator` command line, a thin layer over :mod:`orchestrator_tool.api`: the click
group (:mod:`.app`), one module per command, each parsing its options, refusing those that
contradict each other before any work, calling the API, rendering and returning an exit code,
which the one error handler (:mod:`.exits`) turns, with the tool's exceptions, into the
process's. Colour and the styles of the text reports are :mod:`.console`'s.

``main`` is the console script; ``cli`` the click group."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, NoReturn

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

    try:
        run()
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code: str | int | None) -> NoReturn:
    """Exit with ``code`` as ``sys.exit`` would, without tearing the interpreter down: freeing
    every module and object (the result cache's entries, the findings) one by one costs a
    cached run a tenth of its time, and the operating system reclaims them at once, as mypy's
    ``hard_exit`` does. What a normal exit does that matters is done first: the atexit
    handlers run (worker pools joined, temporary folders removed, coverage data written) and
    the standard streams are flushed. With another thread still running, or a flush that
    fails, the exit is the normal one, which reports it as Python always has."""
    import atexit
    import os

    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)  # Python waits for the thread, as it always has
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message: printed on standard error, status 1 (sys.exit's rule)
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)  # a reader that left, a closed stream: the normal exit says it
    os._exit(status)


def __getattr__(name: str) -> object:
    if name == "cli":  # the click group, imported when asked for (main imports it itself)
        from .app import cli

        return cli
    raise AttributeError(name)
