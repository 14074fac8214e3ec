"""Every exit is clean: SIGTERM (a CI cancel) and SIGHUP (a closed terminal) stop `check` and
`validate` like Ctrl-C, and leave no process behind: not a gate, not a gate's background child,
not a validator worker. Real runs of the command line, checked against the process table."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest

from ..conftest import FIXTURES, commit_all, git, write
from ._processes import hostile_plugin, left_behind, needs_proc, wait_for, wait_until_gone

pytestmark = needs_proc
PY = sys.executable
ANY = "export const loose: any = 1;\n"


def start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The command line in a session of its own: a signal reaches only what the test aims at."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_"))}
    full.pop("CI", None)
    return subprocess.Popen(
        [PY, "-m", "orchestrator_tool", *args],
        cwd=cwd,
        env={**full, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def read_to_end(stream: object, within: float) -> bytes | None:
    """Everything ``stream`` gives until its end of file, or None if that takes longer than
    ``within`` seconds (a process still holds the other end open)."""
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(stream.read()), daemon=True)  # type: ignore[attr-defined]
    reader.start()
    reader.join(within)
    return out[0] if out else None


# --------------------------------------------------------------------------- check: gates


@pytest.fixture
def gate_repo(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """An npm workspace whose `typecheck` gate (a stand-in npm) starts two children that ignore
    SIGTERM and SIGINT, one in its session, one in a session of its own, then sleeps; it writes
    the three pids to `gate.json` once running."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "npm-workspaces", repo)
    pkg = repo / "packages/core/package.json"
    data = json.loads(pkg.read_text())
    data["scripts"]["typecheck"] = "tsc --noEmit"
    pkg.write_text(json.dumps(data, indent=2))
    git(repo, "init", "-q")
    commit_all(repo)
    write(repo / "packages/core/index.ts", "export const a = 1;\n")
    marker = tmp_path / "gate.json"
    npm = tmp_path / "bin" / "npm"
    npm.parent.mkdir()
    npm.write_text(
        f"#!{PY}\n"
        + textwrap.dedent(
            f"""\
            import json, os, subprocess, sys, time
            stubborn = (
                "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)"
            )
            child = subprocess.Popen([sys.executable, "-c", stubborn])
            # in a session of its own, as turbo starts its tasks
            own = subprocess.Popen([sys.executable, "-c", stubborn], start_new_session=True)
            with open({str(marker)!r} + ".tmp", "w") as fh:
                json.dump([os.getpid(), child.pid, own.pid], fh)
            os.rename({str(marker)!r} + ".tmp", {str(marker)!r})
            time.sleep(600)
            """
        )
    )
    npm.chmod(0o755)
    env = {"PATH": f"{npm.parent}:{os.environ['PATH']}", "ORCH_TEST_TOKEN": uuid.uuid4().hex}
    return repo, marker, env


@pytest.mark.parametrize(
    ("sig", "status", "said"),
    [
        (signal.SIGTERM, 143, "terminated (SIGTERM)"),
        (signal.SIGHUP, 129, "terminated (SIGHUP)"),
        (signal.SIGINT, 130, "interrupted"),
    ],
)
def test_a_signal_to_check_stops_every_gate_process(
    gate_repo: tuple[Path, Path, dict[str, str]], tmp_path: Path, sig: int, status: int, said: str
) -> None:
    repo, marker, env = gate_repo
    args = ["check", "--base", "HEAD", "--only", "gates", "--tasks", "typecheck"]
    proc = start(args, repo, env)
    wait_for(marker)
    gate, child, own = json.loads(marker.read_text())
    running = {int(p.split()[0]) for p in left_behind(tmp_path, env["ORCH_TEST_TOKEN"])}
    assert {gate, child, own, proc.pid} <= running
    os.kill(proc.pid, sig)  # to the tool alone, as a CI runner or a closing terminal would
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == status, err
    assert said.encode() in err and b"Traceback" not in err
    # the gate and the children that ignored SIGTERM are gone by the time the tool has exited
    assert left_behind(tmp_path, env["ORCH_TEST_TOKEN"]) == []


# --------------------------------------------------------------------------- validate: workers


@pytest.fixture
def busy_repo(make_repo, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """160 files over two workers, the first file of each of the first two batches stalls:
    both workers are busy when the test signals the run."""
    repo = make_repo("next-forge", commit=False)
    write(repo / "orchestrator.toml", "[validate]\nfile-timeout = 0\n")
    for i in range(160):
        write(
            repo / f"packages/auth/many/f{i:03}.ts", ("// @@slow\n" if i in (0, 10) else "") + ANY
        )
    commit_all(repo)
    started = tmp_path / "started"
    started.mkdir()
    env = {
        "PYTHONPATH": str(hostile_plugin(tmp_path)),
        "HOSTILE_STARTED": str(started),
        "ORCH_TEST_TOKEN": uuid.uuid4().hex,
    }
    return repo, started, env


VALIDATE = ["validate", "--jobs", "2", "--no-cache", "--select", "ZZZ998,ANY001", "packages/auth"]


def wait_for_both(started: Path) -> None:
    wait_for(started / "packages_auth_many_f000.ts")
    wait_for(started / "packages_auth_many_f010.ts")


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_to_validate_stops_its_workers(
    busy_repo: tuple[Path, Path, dict[str, str]], sig: int, status: int
) -> None:
    repo, started, env = busy_repo
    proc = start(VALIDATE, repo, env)
    wait_for_both(started)
    assert len(left_behind(repo, env["ORCH_TEST_TOKEN"])) == 3  # the tool and two workers
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == status, err
    assert b"terminated" in err and b"Traceback" not in err
    assert left_behind(repo, env["ORCH_TEST_TOKEN"]) == []


def test_workers_die_with_a_killed_validate(busy_repo: tuple[Path, Path, dict[str, str]]) -> None:
    repo, started, env = busy_repo
    proc = start(VALIDATE, repo, env)
    wait_for_both(started)
    os.kill(proc.pid, signal.SIGKILL)  # no handler runs: the workers must go by themselves
    # a reader waiting for the end of the output is not left hanging by a worker
    assert read_to_end(proc.stdout, within=10) is not None
    assert read_to_end(proc.stderr, within=10) is not None
    proc.wait(timeout=10)
    assert wait_until_gone(repo, env["ORCH_TEST_TOKEN"]) == []


def test_the_watchdog_pipe_alone_ends_the_workers(
    busy_repo: tuple[Path, Path, dict[str, str]],
) -> None:
    # Where there is no parent-death signal (not Linux), a worker stops when the pipe the
    # parent alone can write to closes. Here the signal is disarmed (prctl option 0 is none).
    repo, started, env = busy_repo
    driver = (
        "import sys\n"
        "from orchestrator_tool.engine import pool\n"
        "from orchestrator_tool.cli import cli\n"
        "pool._PR_SET_PDEATHSIG = 0\n"
        "sys.argv = ['orchestrator', *sys.argv[1:]]\n"
        "cli()\n"
    )
    full = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.Popen(
        [PY, "-c", driver, *VALIDATE],
        cwd=repo,
        env={**full, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for_both(started)
    os.kill(proc.pid, signal.SIGKILL)
    assert read_to_end(proc.stdout, within=10) is not None
    proc.wait(timeout=10)
    assert wait_until_gone(repo, env["ORCH_TEST_TOKEN"]) == []


# --------------------------------------------------------------------------- check: turbo

# A task's script that starts a child (in the task's process group, which turbo makes) that
# ignores SIGTERM, SIGINT and SIGHUP, writes both pids to <task>.json, then stays (`stall`) or
# exits at once, leaving the child behind (`linger`).
TASK_SCRIPT = """\
import {{ spawn }} from "node:child_process";
import {{ renameSync, writeFileSync }} from "node:fs";
const stubborn = "for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => {{}});"
  + " setInterval(() => {{}}, 1000);";
const child = spawn(process.execPath, ["-e", stubborn], {{ stdio: "ignore" }});
child.unref();
writeFileSync("{task}.json.tmp", JSON.stringify([process.pid, child.pid]));
renameSync("{task}.json.tmp", "{task}.json");
{rest}
"""


@pytest.fixture
def turbo_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The installed pnpm + turbo fixture (see tests/test_gates_e2e.py), run through turbo,
    with the tasks `stall` and `linger` in @gates/slow."""
    from ..conftest import pnpm as require_pnpm
    from ..test_gates_e2e import PNPM_ENV

    pnpm = require_pnpm()
    repo = tmp_path / "gates"
    shutil.copytree(FIXTURES / "gates", repo)
    slow = repo / "packages/slow"
    manifest = json.loads((slow / "package.json").read_text())
    turbo = json.loads((repo / "turbo.json").read_text())
    for task, rest in (("stall", "setInterval(() => {}, 1000);"), ("linger", "")):
        write(slow / f"scripts/{task}.mjs", TASK_SCRIPT.format(task=task, rest=rest))
        manifest["scripts"][task] = f"node scripts/{task}.mjs"
        turbo["tasks"][task] = {"outputs": [], "cache": False}
    (slow / "package.json").write_text(json.dumps(manifest, indent=2))
    (repo / "turbo.json").write_text(json.dumps(turbo, indent=2))
    write(repo / "orchestrator.toml", '[gates]\nrunner = "turbo"\n')
    git(repo, "init", "-q")
    commit_all(repo, "initial")
    env = {**PNPM_ENV, "ORCH_TEST_TOKEN": uuid.uuid4().hex}
    install = subprocess.run(
        [pnpm, "install", "--frozen-lockfile", "--prefer-offline", "--reporter=silent"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )
    assert install.returncode == 0, install.stderr[-2000:]
    write(slow / "src/changed.ts", "export const changed = 1;\n")  # @gates/slow is affected
    return repo, env


def gate_args(task: str, *more: str) -> list[str]:
    return ["check", "--base", "HEAD", "--only", "gates", "--tasks", task, *more]


def test_a_turbo_task_left_running_after_it_passed_is_stopped(
    turbo_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = turbo_repo
    proc = start(gate_args("linger", "--format", "json"), repo, env)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert [g["status"] for g in json.loads(out)["gates"]] == ["passed"]
    task, child = json.loads((repo / "packages/slow/linger.json").read_text())
    assert left_behind(repo, env["ORCH_TEST_TOKEN"]) == [], (task, child)


def test_a_turbo_task_that_times_out_is_stopped_with_its_children(
    turbo_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = turbo_repo
    proc = start(gate_args("stall", "--timeout", "3", "--format", "json"), repo, env)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert [g["status"] for g in json.loads(out)["gates"]] == ["timeout"]
    assert (repo / "packages/slow/stall.json").exists()
    assert left_behind(repo, env["ORCH_TEST_TOKEN"]) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_check_stops_a_turbo_task_and_its_children(
    turbo_repo: tuple[Path, dict[str, str]], sig: int
) -> None:
    repo, env = turbo_repo
    proc = start(gate_args("stall"), repo, env)
    wait_for(repo / "packages/slow/stall.json", within=120)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig, err
    assert left_behind(repo, env["ORCH_TEST_TOKEN"]) == []
