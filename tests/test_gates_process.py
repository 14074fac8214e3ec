"""The gate process runner with real subprocesses: exit codes, timeouts that kill the whole
process group, Ctrl-C, bounded output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from orchestrator_tool.gates.process import run

PY = sys.executable


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_passed_failed_and_signal(tmp_path) -> None:
    assert run([PY, "-c", "print('ok')"], tmp_path, timeout=30).status == "passed"
    failed = run([PY, "-c", "import sys; print('boom'); sys.exit(3)"], tmp_path, timeout=30)
    assert (failed.status, failed.exit_code) == ("failed", 3)
    assert "boom" in failed.output
    killed = run(
        [PY, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"], tmp_path, timeout=30
    )
    assert (killed.status, killed.signal, killed.exit_code) == ("signal", signal.SIGKILL, None)


def test_command_not_found(tmp_path) -> None:
    out = run(["definitely-not-a-command-xyz"], tmp_path, timeout=5)
    assert out.status == "not-found"
    assert "command not found" in out.output


def test_timeout_kills_the_whole_group_grandchildren_included(tmp_path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    script = tmp_path / "spawn.py"
    script.write_text(
        textwrap.dedent(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(pidfile)!r}, "w").write(str(child.pid))
        time.sleep(600)
    """)
    )
    start = time.monotonic()
    out = run([PY, str(script)], tmp_path, timeout=2)
    assert out.status == "timeout"
    assert time.monotonic() - start < 15
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(grandchild)


def test_a_term_ignoring_command_is_killed(tmp_path) -> None:
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(600)"
    out = run([PY, "-c", code], tmp_path, timeout=1)
    assert out.status == "timeout"
    assert "up" in out.output


def test_grandchild_left_behind_after_success_is_reaped(tmp_path) -> None:
    pidfile = tmp_path / "orphan.pid"
    code = (
        "import subprocess, sys; "
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], stdout=subprocess.DEVNULL); "
        f"open({str(pidfile)!r}, 'w').write(str(p.pid))"
    )
    out = run([PY, "-c", code], tmp_path, timeout=30)
    assert out.status == "passed"
    orphan = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(orphan)


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_a_child_in_a_session_of_its_own_is_stopped_after_the_gate(tmp_path) -> None:
    # As turbo runs a task: its own session; the task's background child loses its parent
    # (and its session's leader) long before the gate ends. It was seen while the gate ran.
    pidfile = tmp_path / "task.json"
    task = (
        "import json, subprocess, sys, time; "
        "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], "
        "stdout=subprocess.DEVNULL); "
        f"open({str(pidfile)!r}, 'w').write(json.dumps([c.pid])); time.sleep(1)"
    )
    runner = (
        "import subprocess, sys, time; "
        f"subprocess.run([sys.executable, '-c', {task!r}], start_new_session=True); "
        "time.sleep(1)"
    )
    out = run([PY, "-c", runner], tmp_path, timeout=30)
    assert out.status == "passed"
    (orphan,) = json.loads(pidfile.read_text())
    assert not alive(orphan)


def test_output_is_bounded_and_the_tail_kept(tmp_path) -> None:
    code = "import sys\nfor i in range(200000): sys.stdout.write(f'line {i}\\n')\nprint('THE END')"
    out = run([PY, "-c", code], tmp_path, timeout=60, max_output=4096)
    assert out.status == "passed"
    assert out.truncated
    assert out.output_bytes > 2_000_000
    assert len(out.output.encode()) <= 4096
    assert out.output.rstrip().endswith("THE END")


def test_ctrl_c_reaches_the_gate_and_the_cli_exits_130(tmp_path) -> None:
    # A real `orchestrator check` run whose gate sleeps; SIGINT to our process group as a
    # terminal's Ctrl-C would send it.
    import shutil

    from .conftest import FIXTURES, commit_all, git, write

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "npm-workspaces", repo)
    marker = tmp_path / "gate-started"
    pkg = repo / "packages/core/package.json"
    import json

    data = json.loads(pkg.read_text())
    data["scripts"]["typecheck"] = (
        f"{PY} -c \"open('{marker}', 'w').write('x'); import time; time.sleep(600)\""
    )
    pkg.write_text(json.dumps(data, indent=2))
    git(repo, "init", "-q")
    commit_all(repo)
    write(repo / "packages/core/index.ts", "export const a = 1;\n")
    fake_npm = tmp_path / "bin" / "npm"
    fake_npm.parent.mkdir()
    # npm runs `npm run <task> --workspace=<path>`: stand in for it with the script itself
    fake_npm.write_text(
        f"#!/bin/sh\nexec {PY} -c \"open('{marker}', 'w').write('x'); import time; time.sleep(600)\"\n"
    )
    fake_npm.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_npm.parent}:{os.environ['PATH']}"}
    git(repo, "add", "packages/core/index.ts")  # something staged, to see it survive
    before = (
        git(repo, "write-tree"),
        git(repo, "diff", "--binary"),
        git(repo, "status", "--porcelain"),
    )
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "orchestrator_tool",
            "check",
            "--base",
            "HEAD",
            "--only",
            "gates",
            "--tasks",
            "typecheck",
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), proc.communicate(timeout=5)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"interrupted" in err
    after = (
        git(repo, "write-tree"),
        git(repo, "diff", "--binary"),
        git(repo, "status", "--porcelain"),
    )
    assert after == before  # the index and the work tree are as they were


def test_a_missing_gate_runner_still_shows_the_validators_results(tmp_path) -> None:
    import shutil

    from .conftest import FIXTURES, commit_all, git, run_cli, write

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "next-forge", repo)
    git(repo, "init", "-q")
    commit_all(repo)
    write(repo / "packages/auth/session.ts", "export const session: any = {};\n")
    # a PATH with git and Python but no pnpm (and no turbo)
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("git", "sh"):
        found = shutil.which(tool)
        assert found is not None
        (bare / tool).symlink_to(found)
    proc = run_cli("check", "--base", "HEAD", cwd=repo, env={"PATH": str(bare)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "ANY001" in proc.stdout and "packages/auth/session.ts" in proc.stdout
    assert "pnpm is not installed" in proc.stderr and "Traceback" not in proc.stderr
