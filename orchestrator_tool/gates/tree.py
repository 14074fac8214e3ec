"""The processes a gate started, found in the process table, and how they are stopped.

A gate runs in a session of its own, so its process group is not all of it: turbo starts each
task in a session of its own too (turbo 2.5: `pnpm run <task>` as a session leader), and a
task's background child outlives the task. A gate's processes are therefore: its session, every
process below its leader, and every session one of those was seen in, looked at while the gate
runs and again when it is stopped. On Linux this is read from /proc; elsewhere only the leader's
process group is reached. A process that leaves with setsid() and whose parent exits before
anyone looks is not found (see the README)."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class _Proc:
    ppid: int
    sid: int
    start: int  # clock ticks after boot


def _table() -> dict[int, _Proc]:
    """The live processes (zombies left out), from /proc; {} where there is none."""
    table: dict[int, _Proc] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # gone meanwhile
        # pid (comm) state ppid pgrp session ... starttime (the 22nd): comm may hold spaces
        # and parentheses
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) < 20 or fields[0] == b"Z":
            continue
        table[int(name)] = _Proc(int(fields[1]), int(fields[3]), int(fields[19]))
    return table


def _below(leader: int, table: dict[int, _Proc]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, proc in table.items():
        children.setdefault(proc.ppid, []).append(pid)
    found: set[int] = set()
    todo = [leader]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@dataclass(eq=False)  # one per gate run: compared (and hashed) by identity
class ProcessTree:
    """The processes of the gate whose leader is ``leader`` (a session leader)."""

    leader: int
    since: int = 0  # when the leader started: nothing older belongs to the gate
    sessions: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, leader: int) -> ProcessTree:
        proc = _table().get(leader)
        return cls(leader, proc.start if proc is not None else 0, {leader})

    def observe(self) -> None:
        """Note the sessions the gate's processes are in now (a task's session, before its
        background children lose their parent)."""
        table = _table()
        self.sessions.update(table[pid].sid for pid in _below(self.leader, table))

    def signal(self, sig: int) -> bool:
        """Send ``sig`` to every process of the gate; whether one was found."""
        table = _table()
        below = _below(self.leader, table)
        self.sessions.update(table[pid].sid for pid in below)
        targets = below | {
            pid
            for pid, proc in table.items()
            if proc.sid in self.sessions and proc.start >= self.since
        }
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.leader, sig)
        for pid in targets:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        return bool(targets)

    def kill(self) -> None:
        """SIGKILL until none of it is left (a process may fork while it is killed)."""
        for _ in range(20):
            if not self.signal(signal.SIGKILL):
                return
            time.sleep(0.01)
