"""Worker processes that check files, each file within a time budget.

A file can hang a parser or crash it (a segfault in native code): it must not stall or end
the run. A worker answers batch by batch (one message, as cheap as a process pool), and
notes in memory it shares with the parent which file it is on and since when; a worker that
overruns the budget is killed, one that dies is buried, the file it was on is reported as not
checked, and the rest of its batches goes to a new worker.

Workers are forked, so they start with everything the parent has loaded (the workspace, the
settings, the files' content), and they die with the parent: a parent-death signal on Linux,
and everywhere a watchdog pipe whose end of file they wait for. A worker holds the parent's
stdout and stderr: one left behind would keep a reader of the output waiting forever."""

from __future__ import annotations

import contextlib
import mmap
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TypeVar

R = TypeVar("R")

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# The shared progress of a worker: [position of the file it is on, time.monotonic_ns() when it
# began it] as 64-bit integers. The worker writes the time first, so the parent never reads a time
# older than the start of the file it reads (at worst a newer one: a later deadline).
_POSITION, _SINCE = 0, 1
_TICK = 0.1  # seconds between two calls of a progress callback while batches are out


class _RemoteTraceback(Exception):
    """The worker's traceback, as the cause of an error re-raised in the parent."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class _Raised:
    """An error the checks raised in a worker (a bug, not a crash): re-raised in the parent,
    as if the file had been checked in-process."""

    error: BaseException
    trace: str


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    memory: mmap.mmap
    progress: memoryview  # of ``memory``, as 64-bit integers: _POSITION, _SINCE
    # the batches it was given and has not answered, in order: its next batch is sent as its
    # answer comes in, so it does not wait while the parent reads the answer
    batches: deque[list[int]] = field(default_factory=deque)

    def on(self) -> tuple[int, float]:
        """(the position it is on, since when in time.monotonic() seconds): read until two
        reads agree."""
        while True:
            position = self.progress[_POSITION]
            since = self.progress[_SINCE]
            if self.progress[_POSITION] == position:
                return position, since / 1e9


def check_all(
    count: int,
    check: Callable[[int], R],
    not_checked: Callable[[int, str], R],
    *,
    jobs: int,
    batch: int,
    timeout: float | None,
    tick: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``check(i)`` for each position ``i`` below ``count``, in ``jobs`` worker processes, in
    batches of ``batch`` positions; ``not_checked(i, why)`` stands for a file whose check took
    longer than ``timeout`` seconds or killed its worker. Results come back in position order.
    ``tick(answered, count)`` is called from this thread several times a second (a progress
    line). Nothing this starts outlives it, whatever ends it (an error, Ctrl-C, SIGTERM)."""
    results: list[R | None] = [None] * count
    queue: deque[list[int]] = deque(
        list(range(i, min(i + batch, count))) for i in range(0, count, batch)
    )
    workers: list[_Worker] = []
    context = multiprocessing.get_context("fork")
    # Workers wait for this pipe's end of file: the parent holds its only write end.
    watch_r, watch_w = os.pipe()
    parent = os.getpid()

    def start() -> _Worker:
        ours, theirs = context.Pipe()
        memory = mmap.mmap(-1, 16)  # shared with the forked worker
        progress = memoryview(memory).cast("q")
        # A forked worker inherits every descriptor: it closes the parent's ends of the other
        # workers' pipes (or their deaths would go unseen) and the watchdog's write end.
        inherited = [w.conn.fileno() for w in workers] + [ours.fileno(), watch_w]
        process = context.Process(
            target=_serve,
            args=(theirs, check, progress, parent, watch_r, inherited),
            daemon=True,
        )
        process.start()
        theirs.close()
        worker = _Worker(process, ours, memory, progress)
        workers.append(worker)
        return worker

    def give(worker: _Worker) -> None:
        positions = queue.popleft()
        if not worker.batches:
            worker.progress[_SINCE] = time.monotonic_ns()
            worker.progress[_POSITION] = positions[0]
        try:
            worker.conn.send(positions)
        except OSError:  # it died: the batch waits for another worker
            queue.appendleft(positions)
            if not worker.batches:  # else its death is seen with the batches it has
                _stop(worker)
                workers.remove(worker)
            return
        worker.batches.append(positions)

    def bury(worker: _Worker, blamed: int, why: str) -> None:
        """``worker`` is dead or killed: the file it was on is not checked, the rest of its
        batches go back to the queue (their answers went with it)."""
        _stop(worker)
        workers.remove(worker)
        results[blamed] = not_checked(blamed, why)
        rest = [i for batch in worker.batches for i in batch if i != blamed]
        if rest:
            queue.appendleft(rest)

    try:
        while queue or any(w.batches for w in workers):
            for worker in [w for w in workers if not w.batches]:
                if not queue:
                    break
                give(worker)
            while queue and len(workers) < jobs:
                give(start())
            busy = [w for w in workers if w.batches]
            if not busy:
                continue  # a worker died before it took a batch: another one is started
            wait_for = None
            if timeout is not None:
                wait_for = max(0.0, min(w.on()[1] for w in busy) + timeout - time.monotonic())
            if tick is not None:
                # wake up to redraw even while no batch comes back
                wait_for = _TICK if wait_for is None else min(wait_for, _TICK)
                tick(sum(1 for r in results if r is not None), count)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_for)
            for worker in busy:
                if worker.conn in ready and queue and len(worker.batches) == 1:
                    give(worker)
                if _receive(worker, results):
                    continue
                position, since = worker.on()
                if worker.conn in ready or worker.process.sentinel in ready:
                    # its pipe closed without an answer: it died on the file it was on
                    _stop(worker)
                    bury(worker, position, f"parser crashed ({_exit_reason(worker.process)})")
                elif timeout is not None and time.monotonic() - since > timeout:
                    bury(worker, position, f"timed out after {timeout:g}s")
    finally:
        for worker in workers:
            _stop(worker)
        os.close(watch_r)
        os.close(watch_w)
    done = [r for r in results if r is not None]
    assert len(done) == count  # every position answered, or reported as not checked
    return done


def _receive(worker: _Worker, results: list[R | None]) -> bool:
    """Take ``worker``'s answer to its first batch if it has sent it; whether it had."""
    try:
        if not worker.conn.poll():
            return False
        answer = worker.conn.recv()
    except (EOFError, OSError):
        return False  # it died
    if isinstance(answer, _Raised):
        raise answer.error from _RemoteTraceback(answer.trace)
    for position, result in zip(worker.batches.popleft(), answer, strict=True):
        results[position] = result
    return True


def _stop(worker: _Worker) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.conn.close()
    worker.progress.release()
    worker.memory.close()


def _exit_reason(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


# --------------------------------------------------------------------------- in the worker


def _serve(
    conn: Connection,
    check: Callable[[int], object],
    progress: memoryview,
    parent: int,
    watch_r: int,
    inherited: Sequence[int],
) -> None:
    # The parent decides what a Ctrl-C stops; SIGTERM from it ends the worker at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    _die_with_parent(parent, watch_r)
    while True:
        try:
            positions = conn.recv()
        except (EOFError, OSError):
            return
        answer: list[object] = []
        raised: _Raised | None = None
        for i in positions:
            progress[_SINCE] = time.monotonic_ns()
            progress[_POSITION] = i
            try:
                answer.append(check(i))
            except Exception as exc:  # a bug: the parent raises it, as an in-process run would
                raised = _Raised(exc, traceback.format_exc())
                break
        try:
            conn.send(raised or answer)
        except (BrokenPipeError, EOFError):
            return
        except Exception:  # an error that does not pickle
            error = raised.error if raised is not None else None
            conn.send(_Raised(RuntimeError(repr(error)), traceback.format_exc()))


def _die_with_parent(parent: int, watch_r: int) -> None:
    """End this worker when the parent ends, even by SIGKILL: the kernel's parent-death signal
    where there is one (it reaches a worker stuck in native code), and a thread that waits for
    the watchdog pipe to close (it needs the interpreter's lock, so it may come later)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(watch_r, 1):
                pass
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
