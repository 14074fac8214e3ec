"""`plan run`'s live progress: on a terminal one line per running task with its elapsed time,
redrawn in place, the events printed above; on a pipe the plain event lines and nothing else."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from orchestrator_tool.cli.console import RunningTasks, elapsed_text

from .conftest import run_cli
from .test_console import _run_with_terminal_stderr
from .test_plan_run import AGENT, _script, _write_plan

ERASE_1 = "\r\x1b[2K"
ERASE_2 = "\r\x1b[2K\x1b[A\x1b[2K"


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_running_tasks_are_redrawn_with_their_time_and_events_go_above() -> None:
    out, clock = io.StringIO(), _Clock()
    live = RunningTasks(out, clock=clock)
    live.event("auth-api", "started", "auth-api: started")
    clock.now += 0.5
    live.event("auth-web-ui", "started", "auth-web-ui: started")
    assert out.getvalue() == (
        f"auth-api: started\n{ERASE_1}"
        "  running          0 s  auth-api"
        f"{ERASE_1}auth-web-ui: started\n{ERASE_1}"
        "  running          0 s  auth-api\n"
        "  running          0 s  auth-web-ui"
    )
    clock.now += 64.0
    start = len(out.getvalue())
    live.tick()
    assert out.getvalue()[start:] == (
        f"{ERASE_2}  running   1 min 04 s  auth-api\n  running   1 min 04 s  auth-web-ui"
    )
    start = len(out.getvalue())
    live.event("auth-api", "done", "auth-api: done in 64.5 s")
    # both lines erased, the event printed where they were, the task still running below
    assert out.getvalue()[start:] == (
        f"{ERASE_2}auth-api: done in 64.5 s\n{ERASE_1}  running   1 min 04 s  auth-web-ui"
    )
    start = len(out.getvalue())
    live.event("auth-web-ui", "failed", "auth-web-ui: failed in 70.0 s: the agent exited with 1")
    assert out.getvalue()[start:] == (
        f"{ERASE_1}auth-web-ui: failed in 70.0 s: the agent exited with 1\n"
    )
    start = len(out.getvalue())
    live.tick()
    live.clear()
    assert out.getvalue()[start:] == ""  # nothing running: nothing drawn, nothing to erase


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "0 s"), (59.9, "59 s"), (125, "2 min 05 s"), (3720, "1 h 02 min")]
)
def test_elapsed_text(seconds: float, text: str) -> None:
    assert elapsed_text(seconds) == text


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo("next-forge")


def test_a_run_on_a_terminal_shows_its_running_tasks_and_a_pipe_the_log_lines(repo) -> None:
    _write_plan(repo)
    for task in ("login-app-ui", "login-docs", "login-web-ui"):
        _script(repo, task, "sleep 2.5")
    code, out, terminal = _run_with_terminal_stderr(
        ["plan", "run", "fix", "--agent", AGENT, "--no-gates"], repo, {}
    )
    assert code == 0, out + terminal
    # the three agents' lines, redrawn (once a second) while they sleep: their times grow
    times = {int(t) for t in re.findall(r"running +(\d) s  login-web-ui", terminal)}
    assert {0, 1} <= times, repr(terminal)
    assert re.search(r"running +\d s  login-app-ui\r?\n  running +\d s  login-docs", terminal)
    # what stays on the screen is the events' lines, as on a pipe: the running lines are gone
    screen = _screen(terminal)
    assert screen[-1] == "" and not any("running" in line for line in screen), screen
    assert "login-docs: started" in screen and "login-testing: started" in screen
    done = r"done in \d+\.\d s: merged as [0-9a-f]{10}"
    assert all(re.fullmatch(rf"[a-z-]+: (started|{done})", ln) for ln in screen[:-1])
    assert "\x1b" not in out and "done            login-web-ui" in out

    # not a terminal: today's plain lines, no escape code
    _write_plan_again(repo)
    piped = run_cli("plan", "run", "fix", "--agent", AGENT, "--no-gates", cwd=repo)
    assert piped.returncode == 0, piped.stderr
    assert "\x1b" not in piped.stderr and "\r" not in piped.stderr
    assert "running" not in piped.stderr
    # the same lines (the order within a wave and the times may vary)
    assert sorted(map(_untimed, piped.stderr.splitlines())) == sorted(map(_untimed, screen[:-1]))


def _untimed(line: str) -> str:
    """The line without what differs between two runs: times and commit ids."""
    return re.sub(r"merged as [0-9a-f]{10}", "merged as C", re.sub(r"\d+\.\d s", "N s", line))


def _screen(text: str) -> list[str]:
    """The lines a terminal shows after ``text``: the cursor moves on `\\r`, `\\n` and
    `ESC[A` (up), `ESC[2K` erases its line; anything else is written at the cursor."""
    lines, row, col = [""], 0, 0
    for token in re.findall(r"\x1b\[A|\x1b\[2K|\r|\n|[^\x1b\r\n]+", text):
        if token == "\r":
            col = 0
        elif token == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif token == "\x1b[A":
            row = max(0, row - 1)
        elif token == "\x1b[2K":
            lines[row] = ""
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + token + line[col + len(token) :]
            col += len(token)
    return lines


def _write_plan_again(repo: Path) -> None:
    """A second plan of the same tasks under a new id, run as `fix` again: the first run's
    state and branches are removed so the run starts afresh."""
    import shutil

    from .conftest import git

    shutil.rmtree(repo / "tasks" / "fix")
    for ref in git(repo, "for-each-ref", "--format=%(refname)", "refs/heads/").split():
        if "fix" in ref:
            git(repo, "update-ref", "-d", ref)
    git(repo, "worktree", "prune")
    _write_plan(repo)
