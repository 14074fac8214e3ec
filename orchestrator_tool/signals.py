"""SIGINT, SIGTERM and SIGHUP end a command the same way: an exception in the main thread that
unwinds through the code that started processes (gates, validator workers), which stops them,
and an exit status of 128 + the signal.

A CI runner cancels a job with SIGTERM, a closed terminal sends SIGHUP: without a handler the
tool would die at once and leave every process it started running."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """The command was told to stop by ``signum``. A KeyboardInterrupt, so that every place
    that cleans up after Ctrl-C cleans up after SIGTERM and SIGHUP too."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(exc: KeyboardInterrupt) -> int:
    """128 + the signal (130 for a plain KeyboardInterrupt: Ctrl-C)."""
    return 128 + (exc.signum if isinstance(exc, Terminated) else signal.SIGINT)


def forwarded(exc: KeyboardInterrupt) -> int:
    """The signal to pass on to the processes a command started: Ctrl-C stays an interrupt
    (a test runner prints its summary); SIGTERM and SIGHUP ask them to terminate."""
    if isinstance(exc, Terminated) and exc.signum != signal.SIGINT:
        return signal.SIGTERM
    return signal.SIGINT


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, SIGINT, SIGTERM and SIGHUP raise :class:`Terminated` in the main thread,
    once: a second signal during the clean-up (which ends within a bounded grace period) does
    not cut it short. A signal ignored when the command started stays ignored (`nohup` ignores
    SIGHUP, a shell starts background jobs with SIGINT ignored). Outside the main thread this
    does nothing: Python delivers signals to the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal raised
        if raised:
            return
        raised = True
        raise Terminated(signum)

    previous = {
        sig: signal.signal(sig, handler)
        for sig in HANDLED
        if signal.getsignal(sig) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for sig, old in previous.items():
            # None: a handler set outside Python, which cannot be put back from here
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
