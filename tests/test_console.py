"""The command line's conventions (cli/console.py and how validate and check use it): colour
through a pipe, FORCE_COLOR/NO_COLOR, -q, -V, --exit-zero, --max-warnings, the closing line, the
progress line on a terminal, a bare `validate` in a subfolder, exit code 3 for an incomplete run,
shell completion, and unsafe fixes that never add findings."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.cli.console import Console, Progress, path_display, wants_color
from orchestrator_tool.engine.pool import check_all

from .conftest import commit_all, git, run_cli, strict, write

ANSI = re.compile(r"\x1b\[[0-9;]*m")
ANY = "export const loose: any = 1;\n"
CLOSING = re.compile(r"^Checked \d+ files? in \d+\.\d\d s$", re.MULTILINE)

# A plugin validator that takes 1.5 s on a file holding `@@linger` and then finds nothing: a run
# that goes past the progress line's one second without failing.
SLOW_PLUGIN = '''"""Takes its time on the files that ask for it.

## What it does
x
## Why
x
## Example
x
## Use instead
x
"""

import time

CODE = "ZZZ997"
NAME = "slow-file"
MESSAGE = "m"
SEVERITY = "error"
PREFILTER = rb"@@linger"


def check(ctx):
    time.sleep(1.5)
'''


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge", commit=False)
    strict(r)
    write(r / "packages/auth/loose.ts", ANY)
    commit_all(r, "initial")
    return r


def slow_plugin(tmp_path: Path) -> Path:
    folder = tmp_path / "slow-plugin"
    folder.mkdir()
    (folder / "slow_file.py").write_text(SLOW_PLUGIN)
    dist = folder / "slow_file-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Name: slow-file\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[orchestrator_tool.validators]\nslow = slow_file\n")
    return folder


# --------------------------------------------------------------------------- colour


@pytest.mark.parametrize(
    ("flag", "env", "tty", "expected"),
    [
        (None, {}, True, True),
        (None, {}, False, False),
        (None, {"NO_COLOR": "1"}, True, False),
        (None, {"NO_COLOR": ""}, True, True),  # empty: not set (no-color.org)
        (None, {"FORCE_COLOR": "1"}, False, True),
        (None, {"FORCE_COLOR": "3", "NO_COLOR": "1"}, False, True),  # as Node reads them
        (None, {"FORCE_COLOR": "0"}, True, False),
        (None, {"FORCE_COLOR": "false"}, True, False),
        (None, {"FORCE_COLOR": ""}, False, False),
        ("always", {"NO_COLOR": "1"}, False, True),  # the flag beats the environment
        ("never", {"FORCE_COLOR": "1"}, True, False),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
    ],
)
def test_colour_choice(flag, env, tty, expected) -> None:
    assert wants_color(flag, env, tty) is expected


def _colour(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """stdout of `validate` through a pipe (run_cli captures it: not a terminal)."""
    base = {"NO_COLOR": "", "FORCE_COLOR": ""}
    proc = run_cli(*args, "validate", "--no-cache", cwd=repo, env={**base, **(env or {})})
    assert proc.returncode == 1, proc.stderr
    assert "packages/auth/loose.ts" in proc.stdout
    return CLOSING.sub("", proc.stdout)  # the time differs from run to run


def test_color_always_colours_through_a_pipe(repo: Path) -> None:
    out = _colour(repo, "--color", "always")
    assert "\x1b[1mpackages/auth/loose.ts\x1b[0m" in out  # bold path
    assert "\x1b[31merror\x1b[0m" in out  # red severity
    assert _colour(repo, "--color=always") == out
    assert _colour(repo, "--color") == out  # alone: always, as the old flag was


def test_the_colour_options_are_read_after_the_command_too(repo: Path) -> None:
    out = _colour(repo, "--color", "always")

    def after(*args: str) -> str:
        base = {"NO_COLOR": "", "FORCE_COLOR": ""}
        proc = run_cli("validate", "--no-cache", *args, cwd=repo, env=base)
        assert proc.returncode == 1, proc.stderr
        return CLOSING.sub("", proc.stdout)

    assert after("--color", "always") == out  # as ruff and eslint take it
    assert after("--color=always") == out
    assert after("--color") == out
    assert not ANSI.search(after("--no-color"))
    # after `--`, a path named like the option is a path
    proc = run_cli("validate", "--no-cache", "--", "--color", cwd=repo, env={"FORCE_COLOR": ""})
    assert proc.returncode == 2 and "--color" in proc.stderr, proc.stderr


def test_no_colour_through_a_pipe_by_default_or_when_asked(repo: Path) -> None:
    assert not ANSI.search(_colour(repo))
    assert not ANSI.search(_colour(repo, "--color", "never"))
    assert not ANSI.search(_colour(repo, "--no-color", env={"FORCE_COLOR": "1"}))
    assert not ANSI.search(_colour(repo, env={"NO_COLOR": "1"}))


def test_force_color_colours_a_pipe_and_the_flag_wins(repo: Path) -> None:
    assert ANSI.search(_colour(repo, env={"FORCE_COLOR": "1"}))
    assert ANSI.search(_colour(repo, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}))
    assert not ANSI.search(_colour(repo, env={"FORCE_COLOR": "0"}))
    assert not ANSI.search(_colour(repo, "--color", "never", env={"FORCE_COLOR": "1"}))
    assert ANSI.search(_colour(repo, "--color", "always", env={"NO_COLOR": "1"}))


def test_a_report_file_never_holds_escape_codes(repo: Path) -> None:
    proc = run_cli("--color", "always", "validate", "-o", "report.txt", cwd=repo)
    assert proc.returncode == 1
    text = (repo / "report.txt").read_text()
    assert "packages/auth/loose.ts" in text and not ANSI.search(text)


def test_check_colours_its_lines_through_a_pipe(repo: Path) -> None:
    write(repo / "packages/auth/more.ts", ANY + ANY)
    git(repo, "add", "-A")
    proc = run_cli("--color", "always", "check", "--only", "validate", "--staged", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert "\x1b[31mFailed (2 errors)\x1b[0m" in proc.stdout
    assert "\x1b[1mpackages/auth/more.ts\x1b[0m" in proc.stdout


# --------------------------------------------------------------------------- -q, -V


def test_quiet_prints_the_findings_and_nothing_else(repo: Path) -> None:
    loud = run_cli("validate", "--no-cache", "--select", "ANY001", cwd=repo)
    quiet = run_cli("validate", "--no-cache", "--select", "ANY001", "-q", cwd=repo)
    assert loud.returncode == quiet.returncode == 1
    assert "1 error, 0 warnings in" in loud.stdout and CLOSING.search(loud.stdout)
    assert quiet.stdout == (
        "packages/auth/loose.ts\n"
        "  1:21  error  Unexpected any. Specify a different type.  ANY001 no-explicit-any\n"
    )
    again = run_cli("validate", "--quiet", "--no-cache", "--select", "ANY001", cwd=repo)
    assert again.stdout == quiet.stdout


def test_quiet_clean_run_prints_nothing(repo: Path) -> None:
    proc = run_cli("validate", "-q", "packages/database", cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout == ""


def test_quiet_check_prints_the_findings_only(repo: Path) -> None:
    write(repo / "packages/auth/more.ts", ANY)
    proc = run_cli("check", "-q", "--only", "validate", "packages/auth/more.ts", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("packages/auth/more.ts\n  1:21  error")
    assert "validate (" not in proc.stdout and "affected package" not in proc.stdout
    assert not CLOSING.search(proc.stdout)


def test_version_short_flag(repo: Path) -> None:
    long, short = run_cli("--version", cwd=repo), run_cli("-V", cwd=repo)
    assert long.returncode == short.returncode == 0
    assert short.stdout == long.stdout and re.match(r"orchestrator, version \d", short.stdout)


# --------------------------------------------------------------------------- exit status


def test_exit_zero_lets_findings_pass(repo: Path) -> None:
    proc = run_cli("validate", "--exit-zero", "--select", "ANY001", cwd=repo)
    assert proc.returncode == 0
    assert "1 error, 0 warnings" in proc.stdout  # still reported


def test_max_warnings(repo: Path) -> None:
    write(repo / "orchestrator.toml", "")  # default severities: ANY001 is a warning
    only = ("--select", "ANY001")
    assert run_cli("validate", *only, cwd=repo).returncode == 0
    over = run_cli("validate", *only, "--max-warnings", "0", cwd=repo)
    assert over.returncode == 1
    assert "orchestrator: 1 warning: more than --max-warnings 0 allows" in over.stderr
    assert run_cli("validate", *only, "--max-warnings", "1", cwd=repo).returncode == 0
    write(repo / "packages/auth/more.ts", ANY)
    files = ("packages/auth/loose.ts", "packages/auth/more.ts")
    check = run_cli("check", "--only", "validate", "--max-warnings", "0", *files, cwd=repo)
    assert check.returncode == 1, check.stdout
    assert "2 warnings: more than --max-warnings 0 allows" in check.stderr


def test_exit_zero_and_max_warnings_are_usage_errors_together(repo: Path) -> None:
    proc = run_cli("validate", "--exit-zero", "--max-warnings", "3", cwd=repo)
    assert proc.returncode == 2
    assert "--exit-zero and --max-warnings contradict each other" in proc.stderr
    assert run_cli("validate", "--max-warnings", "-1", cwd=repo).returncode == 2


def test_an_incomplete_run_exits_3_over_findings_and_exit_zero(repo: Path, tmp_path) -> None:
    from .robustness._processes import hostile_plugin

    write(repo / "orchestrator.toml", "[validate]\nstrict = true\nfile-timeout = 1\n")
    write(repo / "packages/auth/stuck.ts", "// @@slow\nexport const a = 1;\n")
    env = {"PYTHONPATH": str(hostile_plugin(tmp_path))}
    for extra in ((), ("--exit-zero",), ("--format", "json")):
        proc = run_cli("validate", "--select", "ANY001,ZZZ998", *extra, cwd=repo, env=env)
        assert proc.returncode == 3, (extra, proc.stdout, proc.stderr)
    # it has a finding (loose.ts) too: exit 3 wins over 1
    assert "packages/auth/loose.ts" in proc.stdout
    files = ("packages/auth/stuck.ts", "packages/auth/loose.ts")
    check = run_cli("check", "--only", "validate", "--exit-zero", *files, cwd=repo, env=env)
    assert check.returncode == 3, check.stdout + check.stderr


def test_exit_zero_in_check_still_fails_a_usage_error(repo: Path) -> None:
    proc = run_cli("check", "--exit-zero", "--only", "nothing", cwd=repo)
    assert proc.returncode == 2


# --------------------------------------------------------------------------- closing line


def test_closing_line_in_text_only(repo: Path) -> None:
    text = run_cli("validate", "packages/auth", cwd=repo)
    last = text.stdout.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"Checked \d+ files in \d+\.\d\d s", last), last
    json_out = run_cli("validate", "--format", "json", cwd=repo)
    assert "Checked" not in json_out.stdout and "Checked" not in json_out.stderr
    check = run_cli("check", "--only", "validate", "packages/auth/loose.ts", cwd=repo)
    assert check.stdout.rstrip("\n").splitlines()[-1].startswith("Checked 1 file in ")


# --------------------------------------------------------------------------- progress


def test_progress_line_is_drawn_after_a_second_and_cleared() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream, "validate", after=1.0, clock=lambda: now[0])
    progress(10, 100)
    assert stream.getvalue() == ""  # under a second: nothing
    now[0] = 1.2
    progress(40, 1200)
    assert stream.getvalue() == "\r\x1b[2Kvalidate 40/1,200 files"
    now[0] = 1.25
    progress(41, 1200)  # redrawn at most every 0.1 s
    assert stream.getvalue().count("\r") == 1
    now[0] = 1.4
    progress(90, 1200)
    progress.clear()
    assert stream.getvalue().endswith("validate 90/1,200 files\r\x1b[2K")
    progress.clear()  # nothing on the line: nothing to erase
    assert stream.getvalue().endswith("files\r\x1b[2K")


def test_no_progress_callback_without_a_terminal_or_when_disabled() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped = Console(env={}, stdout=io.StringIO(), stderr=io.StringIO())
    with piped.progress("validate") as tick:
        assert tick is None
    terminal = Console(env={}, stdout=io.StringIO(), stderr=Tty())
    with terminal.progress("validate", enabled=False) as tick:
        assert tick is None
    with terminal.progress("validate") as tick:
        assert tick is not None


def _slow_check(i: int) -> int:
    time.sleep(0.05)
    return i


def test_the_pool_reports_its_progress() -> None:
    seen: list[tuple[int, int]] = []
    out = check_all(
        12,
        _slow_check,
        lambda i, why: -1,
        jobs=1,
        batch=2,
        timeout=None,
        tick=lambda done, total: seen.append((done, total)),
    )
    assert out == list(range(12))
    assert len(seen) >= 3 and {total for _, total in seen} == {12}
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1][0] >= 10


def test_validate_reports_progress_over_the_selected_files(repo: Path) -> None:
    seen: list[tuple[int, int]] = []
    ws = api.load_workspace(repo)
    report = api.validate(
        ws, api.ValidateOptions(use_cache=False), progress=lambda d, t: seen.append((d, t))
    )
    totals = {t for _, t in seen}
    assert len(totals) == 1 and totals.pop() >= report.files_checked > 0
    done = [d for d, _ in seen]
    assert done == sorted(done)


def _run_with_terminal_stderr(
    args: list[str], cwd: Path, env: dict[str, str]
) -> tuple[int, str, str]:
    """Run the command line with standard error on a pseudo-terminal, standard output on a
    pipe: (exit status, stdout, what the terminal received)."""
    leader, follower = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_"))}
    full_env.pop("CI", None)
    full_env.update(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchestrator_tool", *args],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    received = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the follower side closed: the process is gone
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    out, _ = proc.communicate(timeout=60)
    return proc.returncode, out.decode(), received.decode()


def test_progress_on_a_terminal_for_a_long_run_and_never_on_stdout(repo: Path, tmp_path) -> None:
    write(repo / "packages/auth/linger.ts", "// @@linger\nexport const a = 1;\n")
    env = {"PYTHONPATH": str(slow_plugin(tmp_path))}
    args = ["validate", "--no-cache", "--select", "ANY001,ZZZ997", "packages/auth"]
    code, out, terminal = _run_with_terminal_stderr(args, repo, env)
    assert code == 1, out + terminal
    assert re.search(r"\r\x1b\[2Kvalidate \d+/\d+ files", terminal), repr(terminal)
    assert terminal.endswith("\r\x1b[2K")  # erased at the end
    assert "\r" not in out and "packages/auth/loose.ts" in out
    # a machine format, -q, or standard error on a pipe: no progress line
    for extra in (["--format", "json"], ["-q"]):
        _, _, terminal = _run_with_terminal_stderr([*args, *extra], repo, env)
        assert "\r" not in terminal, (extra, terminal)
    piped = run_cli(*args, cwd=repo, env=env)
    assert "\r" not in piped.stderr and "\x1b" not in piped.stderr


# --------------------------------------------------------------------------- subfolder


def test_bare_validate_in_a_subfolder_checks_that_folder(repo: Path) -> None:
    write(repo / "apps/web/loose.ts", ANY)
    commit_all(repo)
    here = repo / "packages/auth"
    proc = run_cli("validate", "--no-cache", cwd=here)
    assert proc.returncode == 1
    assert proc.stdout.startswith("loose.ts\n")  # relative to the current folder
    assert "apps/web" not in proc.stdout
    everything = run_cli("validate", "--no-cache", "--all", cwd=here)
    assert everything.returncode == 1
    assert "\n../../apps/web/loose.ts\n" in "\n" + everything.stdout
    assert "\nloose.ts\n" in "\n" + everything.stdout
    n_here = int(re.search(r"in (\d+) files?", proc.stdout).group(1))  # type: ignore[union-attr]
    n_all = int(re.search(r"in (\d+) files?", everything.stdout).group(1))  # type: ignore[union-attr]
    assert n_here < n_all
    at_root = run_cli("validate", "--no-cache", cwd=repo)
    assert f"in {n_all} files" in at_root.stdout
    assert "\napps/web/loose.ts\n" in "\n" + at_root.stdout


def test_json_keeps_root_relative_paths_in_a_subfolder(repo: Path) -> None:
    proc = run_cli("validate", "--format", "json", cwd=repo / "packages/auth")
    doc = json.loads(proc.stdout)
    assert [d["path"] for d in doc["diagnostics"]] == ["packages/auth/loose.ts"]


def test_all_takes_no_paths(repo: Path) -> None:
    proc = run_cli("validate", "--all", "packages/auth", cwd=repo)
    assert proc.returncode == 2 and "--all" in proc.stderr


def test_path_display(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "apps/web").mkdir(parents=True)
    assert path_display(root, root)("apps/web/a.ts") == "apps/web/a.ts"
    assert path_display(root, root / "apps/web")("apps/web/a.ts") == "a.ts"
    assert path_display(root, root / "apps/web")("packages/x/b.ts") == "../../packages/x/b.ts"
    assert path_display(root, tmp_path)("apps/web/a.ts") == "repo/apps/web/a.ts"
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    shown = path_display(root, elsewhere)("apps/web/a.ts")
    assert shown == (root.resolve() / "apps/web/a.ts").as_posix()


# --------------------------------------------------------------------------- completion


def test_shell_completion_script_and_completions(repo: Path) -> None:
    script = run_cli(cwd=repo, env={"_ORCHESTRATOR_COMPLETE": "bash_source"})
    assert script.returncode == 0
    assert "complete -o nosort -F _orchestrator_completion orchestrator" in script.stdout
    words = run_cli(
        cwd=repo,
        env={
            "_ORCHESTRATOR_COMPLETE": "bash_complete",
            "COMP_WORDS": "orchestrator val",
            "COMP_CWORD": "1",
        },
    )
    assert words.stdout.strip() == "plain,validate"
    options = run_cli(
        cwd=repo,
        env={
            "_ORCHESTRATOR_COMPLETE": "bash_complete",
            "COMP_WORDS": "orchestrator --color ",
            "COMP_CWORD": "2",
        },
    )
    assert options.stdout.split() == ["plain,auto", "plain,always", "plain,never"]
    for shell in ("zsh", "fish"):
        other = run_cli(cwd=repo, env={"_ORCHESTRATOR_COMPLETE": f"{shell}_source"})
        assert other.returncode == 0 and "orchestrator" in other.stdout
