"""Helpers of the robustness tests: a plugin validator that stalls or crashes on the files that
ask for it, and a look at the process table for anything a run left behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table from /proc"
)

# Files holding one of these markers make the plugin sleep for ten minutes, exit the process
# or segfault it (a stand-in for a parser stuck on, or killed by, a pathological file). A sleeping
# check leaves a file named after the path it checks in $HOSTILE_STARTED, when that is set.
PLUGIN = '''"""Stalls or crashes on the files that ask for it.

## What it does
x
## Why
x
## Example
x
## Use instead
x
"""

import ctypes
import os
import time

CODE = "ZZZ998"
NAME = "hostile-file"
MESSAGE = "m"
SEVERITY = "error"
PREFILTER = rb"@@(?:slow|exit|segv)"


def check(ctx):
    data = ctx.source.data
    if b"@@slow" in data:
        started = os.environ.get("HOSTILE_STARTED")
        if started:  # the test waits for this before it signals the run
            open(os.path.join(started, ctx.source.path.replace("/", "_")), "w").close()
        time.sleep(600)
    if b"@@exit" in data:
        os._exit(7)
    if b"@@segv" in data:
        ctypes.string_at(0)
'''


def hostile_plugin(tmp_path: Path) -> Path:
    """A folder to put on sys.path (or PYTHONPATH) that registers the plugin ZZZ998."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "hostile.py").write_text(PLUGIN)
    dist = folder / "hostile-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Name: hostile\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[orchestrator_tool.validators]\nhostile = hostile\n")
    return folder


def _state(pid: str) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    return stat[stat.rfind(b")") + 2 :].split()[0].decode()


def left_behind(folder: Path, token: str) -> list[str]:
    """The live processes working under ``folder`` or carrying ``token`` in their environment
    (every process a test run starts has one or the other): "pid cmdline" each."""
    found: list[str] = []
    inside = str(folder.resolve())
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == str(os.getpid()):
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            with open(f"/proc/{pid}/environ", "rb") as fh:
                environ = fh.read()
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone, or not ours
        ours = cwd == inside or cwd.startswith(inside + "/") or token.encode() in environ
        if ours and _state(pid) not in (None, "Z"):
            found.append(f"{pid} {cmdline}")
    return found


def wait_until_gone(folder: Path, token: str, within: float = 5.0) -> list[str]:
    """What is still left after ``within`` seconds (processes take a moment to die)."""
    deadline = time.monotonic() + within
    while True:
        found = left_behind(folder, token)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def wait_for(path: Path, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
