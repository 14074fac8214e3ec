"""Running one gate command: argument list, own session, a timeout that stops all of its
processes (grandchildren, turbo's tasks and their background children included: see tree.py),
Ctrl-C, SIGTERM and SIGHUP forwarded, bounded output."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..signals import forwarded
from .tree import ProcessTree

DEFAULT_MAX_OUTPUT = 64 * 1024  # bytes of output kept (the tail)
KILL_GRACE = 3.0  # seconds between SIGTERM and SIGKILL
LOOK_EVERY = 0.25  # seconds between looks at a running gate's processes (tree.py)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # passed | failed | timeout | not-found | signal | interrupted
    exit_code: int | None
    signal: int | None
    duration: float
    output: str  # the tail, decoded
    output_bytes: int  # everything the command printed
    truncated: bool


class _Tail:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: deque[bytes] = deque()
        self.kept = 0
        self.total = 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        self.chunks.append(data)
        self.kept += len(data)
        while self.kept - len(self.chunks[0]) >= self.limit:
            self.kept -= len(self.chunks.popleft())

    def text(self) -> str:
        data = b"".join(self.chunks)[-self.limit :]
        return data.decode("utf-8", "replace")


def run(
    cmd: Sequence[str],
    cwd: Path,
    *,
    timeout: float | None,
    env: Mapping[str, str] | None = None,
    max_output: int = DEFAULT_MAX_OUTPUT,
    active: set[ProcessTree] | None = None,
    log: BinaryIO | None = None,
) -> Outcome:
    """Run ``cmd`` (never through a shell); with ``log``, all it prints is written there too
    as it comes. On timeout all its processes get SIGTERM, then
    SIGKILL. On Ctrl-C (SIGTERM, SIGHUP: see signals.py) they get SIGINT (SIGTERM) and the
    KeyboardInterrupt propagates after they are gone. Nothing it started outlives it."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session: a terminal's signals reach us alone
        )
    except FileNotFoundError:
        return Outcome("not-found", None, None, 0.0, f"{cmd[0]}: command not found", 0, False)
    except PermissionError as exc:
        return Outcome("not-found", None, None, 0.0, f"{cmd[0]}: {exc.strerror}", 0, False)
    tree = ProcessTree.of(proc.pid)
    if active is not None:
        active.add(tree)  # so a Ctrl-C in another thread can reach it
    tail = _Tail(max_output)
    assert proc.stdout is not None
    stdout = proc.stdout

    fd = stdout.fileno()

    def pump() -> None:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            tail.add(chunk)
            if log is not None:
                log.write(chunk)
                log.flush()  # a log someone follows (`tail -f`) shows output as it comes

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    status = ""
    try:
        try:
            _wait(proc, tree, timeout)
        except subprocess.TimeoutExpired:
            status = "timeout"
            _terminate(proc, tree)
    except KeyboardInterrupt as exc:
        tree.signal(forwarded(exc))
        try:
            proc.wait(timeout=KILL_GRACE)
        except subprocess.TimeoutExpired:
            tree.kill()
            proc.wait()
        raise
    finally:
        # The command may be gone while a process it left behind still runs (and holds the
        # output pipe open): nothing of it outlives the gate.
        tree.kill()
        reader.join(timeout=KILL_GRACE)
        if active is not None:
            active.discard(tree)
    duration = time.monotonic() - start
    code = proc.returncode
    if not status:
        if code == 0:
            status = "passed"
        elif code is not None and code < 0:
            status = "signal"
        else:
            status = "failed"
    return Outcome(
        status=status,
        exit_code=code if code is not None and code >= 0 else None,
        signal=-code if code is not None and code < 0 else None,
        duration=duration,
        output=tail.text(),
        output_bytes=tail.total,
        truncated=tail.total > max_output,
    )


def _wait(proc: subprocess.Popen[bytes], tree: ProcessTree, timeout: float | None) -> None:
    """Wait for ``proc`` to exit, looking at its processes meanwhile; TimeoutExpired after
    ``timeout`` seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        step = LOOK_EVERY if deadline is None else min(LOOK_EVERY, deadline - time.monotonic())
        if step <= 0:
            raise subprocess.TimeoutExpired(proc.args, timeout or 0.0)
        try:
            proc.wait(timeout=step)
            return
        except subprocess.TimeoutExpired:
            tree.observe()


def interrupt(trees: set[ProcessTree], sig: int) -> None:
    """Forward ``sig`` to the running gates' processes; kill what is left after the grace
    period."""
    for tree in list(trees):
        tree.signal(sig)
    deadline = time.monotonic() + KILL_GRACE
    while trees and time.monotonic() < deadline:
        time.sleep(0.05)
    for tree in list(trees):
        tree.kill()


def _terminate(proc: subprocess.Popen[bytes], tree: ProcessTree) -> None:
    tree.signal(signal.SIGTERM)
    try:
        proc.wait(timeout=KILL_GRACE)
    except subprocess.TimeoutExpired:
        tree.kill()
        proc.wait()
