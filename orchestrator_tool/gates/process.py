"""Running one gate command: argument list, own process group, timeout that kills the whole
group (grandchildren included), Ctrl-C forwarded, bounded output."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_OUTPUT = 64 * 1024  # bytes of output kept (the tail)
KILL_GRACE = 3.0  # seconds between SIGTERM and SIGKILL


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


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def run(
    cmd: Sequence[str],
    cwd: Path,
    *,
    timeout: float | None,
    env: Mapping[str, str] | None = None,
    max_output: int = DEFAULT_MAX_OUTPUT,
    active: set[int] | None = None,
) -> Outcome:
    """Run ``cmd`` (never through a shell). On timeout the whole process group gets SIGTERM,
    then SIGKILL. On Ctrl-C the group gets SIGINT and KeyboardInterrupt propagates after it
    is gone."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we can signal all of it
        )
    except FileNotFoundError:
        return Outcome("not-found", None, None, 0.0, f"{cmd[0]}: command not found", 0, False)
    except PermissionError as exc:
        return Outcome("not-found", None, None, 0.0, f"{cmd[0]}: {exc.strerror}", 0, False)
    if active is not None:
        active.add(proc.pid)  # so a Ctrl-C in another thread can reach this group
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

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    status = ""
    try:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = "timeout"
            _terminate(proc)
    except KeyboardInterrupt:
        _signal_group(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=KILL_GRACE)
        except subprocess.TimeoutExpired:
            _terminate(proc)
        raise
    finally:
        # The command may be gone while a grandchild it left behind still runs in its group
        # (and holds the output pipe open): nothing of it outlives the gate.
        _signal_group(proc.pid, signal.SIGKILL)
        reader.join(timeout=KILL_GRACE)
        if active is not None:
            active.discard(proc.pid)
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


def interrupt_groups(pids: set[int]) -> None:
    """Forward a Ctrl-C to running gates' process groups; kill what is left after the grace
    period."""
    for pid in list(pids):
        _signal_group(pid, signal.SIGINT)
    deadline = time.monotonic() + KILL_GRACE
    while pids and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in list(pids):
        _signal_group(pid, signal.SIGKILL)


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=KILL_GRACE)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()
