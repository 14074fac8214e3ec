"""`orchestrator plan run`: a scripted agent (fixtures/agents/scripted_agent.py, a real process
that edits files as its brief says) in real git worktrees, merged into the integration branch
of a copy of the next-forge fixture; the user's work tree, index and stash stay as they were."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestrator_tool import execution, planning
from orchestrator_tool.planning import Task

from .conftest import REPO, commit_all, git, run_cli

AGENT = (
    f"{sys.executable} {REPO}/fixtures/agents/scripted_agent.py --brief {{brief}} --task {{task}}"
)
FIX = "Fix the login crash"
UI_TASKS = ("login-app-ui", "login-docs", "login-web-ui")
# The fixture's dependencies are not installable: the gates are tested in test_plan_run_gates.py.
NO_GATES = ("--no-gates",)


@pytest.fixture
def repo(make_repo) -> Path:
    return with_work_in_progress(make_repo("next-forge"))


def with_work_in_progress(path: Path) -> Path:
    """``path`` once the user has work in progress: a staged change, an unstaged one and a
    stash."""
    (path / "README.md").write_text("stashed work\n", encoding="utf-8")
    git(path, "stash", "-q")
    (path / "apps/web/notes.txt").write_text("staged\n", encoding="utf-8")
    git(path, "add", "apps/web/notes.txt")
    (path / "package.json").write_text(
        (path / "package.json").read_text("utf-8") + "\n", encoding="utf-8"
    )
    return path


def _write_plan(repo: Path, plan_id: str = "fix", commit: bool = False) -> None:
    proc = run_cli(
        "plan",
        FIX,
        "--scope",
        "apps/web",
        "apps/app",
        "apps/docs",
        "--id",
        plan_id,
        "--write",
        cwd=repo,
    )
    assert proc.returncode == 0, proc.stderr
    if commit:
        git(repo, "add", f"tasks/{plan_id}")
        git(repo, "commit", "-q", "-m", "the plan")


def _script(repo: Path, task: str, *steps: str, plan_id: str = "fix") -> None:
    brief = repo / "tasks" / plan_id / f"{task}.md"
    text = re.sub(r"\n```agent\n.*?```\n", "\n", brief.read_text("utf-8"), flags=re.S)
    block = "".join(f"{s}\n" for s in steps)
    brief.write_text(text + f"\n```agent\n{block}```\n", encoding="utf-8")


def _snapshot(repo: Path) -> dict[str, str]:
    """The user's state: every file outside .git and tasks/, the index, the stash, HEAD."""
    state = {}
    for folder, dirs, files in os.walk(repo):
        rel = Path(folder).relative_to(repo).as_posix()
        dirs[:] = [d for d in dirs if not (rel == "." and d in (".git", "tasks"))]
        for name in files:
            data = (Path(folder) / name).read_bytes()
            state[f"{rel}/{name}"] = hashlib.sha256(data).hexdigest()
    state["<index>"] = hashlib.sha256((repo / ".git/index").read_bytes()).hexdigest()
    state["<stash>"] = git(repo, "stash", "list", "-p")
    state["<head>"] = git(repo, "rev-parse", "HEAD") + git(repo, "symbolic-ref", "HEAD")
    state["<status>"] = git(repo, "status", "--porcelain", "--", ".", ":!tasks")
    return state


def _run(repo: Path, *args: str, agent: str = AGENT) -> subprocess.CompletedProcess[str]:
    return run_cli("plan", "run", "fix", "--agent", agent, *NO_GATES, *args, cwd=repo)


def _state(repo: Path, plan_id: str = "fix") -> dict:
    return json.loads((repo / "tasks" / plan_id / "run.json").read_text("utf-8"))


def _times(repo: Path, task: str) -> tuple[float, float]:
    log = (repo / "tasks/fix/logs" / f"{task}.log").read_text("utf-8")
    start = float(re.search(r"^started (\S+)", log, re.M).group(1))
    end = float(re.search(r"^ended (\S+)", log, re.M).group(1))
    return start, end


def _files(repo: Path, ref: str) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", ref).split())


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def test_parallel_tasks_run_at_once_and_are_merged_in_order(repo) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    head = git(repo, "rev-parse", "HEAD").strip()
    for task in UI_TASKS:
        folder = {"login-app-ui": "apps/app", "login-docs": "apps/docs"}.get(task, "apps/web")
        _script(repo, task, "sleep 2", f"write {folder}/lib/{task}.ts export const fixed = true;")
    started = time.monotonic()
    proc = _run(repo)
    took = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    state = _state(repo)
    assert {t: r["status"] for t, r in state["tasks"].items()} == dict.fromkeys(
        (*UI_TASKS, "login-review", "login-testing"), "done"
    )
    # the three agents of the first wave slept 2 s each, at the same time
    windows = [_times(repo, t) for t in UI_TASKS]
    assert max(e for _, e in windows) - min(s for s, _ in windows) < 5.0
    assert max(s for s, _ in windows) < min(e for _, e in windows)  # they overlapped
    assert took < 60, took
    # the integration branch started at HEAD and holds every task's commit, merged in order
    integration = "orchestrator/fix"
    assert state["start"] == head
    files = _files(repo, integration)
    assert {"apps/app/lib/login-app-ui.ts", "apps/web/lib/login-web-ui.ts"} <= files
    assert "tasks/fix/login-review.notes.md" in files
    for task, rec in state["tasks"].items():
        git(repo, "merge-base", "--is-ancestor", rec["commit"], integration)
        assert "worktree" not in rec, task  # finished worktrees are removed
    review = state["tasks"]["login-review"]
    for task in UI_TASKS:  # the review started from a tip holding the UI tasks' merges
        git(repo, "merge-base", "--is-ancestor", state["tasks"][task]["merge"], review["base"])
    assert len(git(repo, "worktree", "list").splitlines()) == 1
    # done is recorded in plan.json too, and plan status says so
    status = run_cli("plan", "status", "fix", "--json", cwd=repo)
    assert set(json.loads(status.stdout).values()) == {"done"}
    assert _snapshot(repo) == before
    # a second run has nothing left to do
    again = _run(repo)
    assert again.returncode == 0
    assert "started" not in again.stderr


def test_a_change_outside_the_scope_is_not_merged(repo) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    _script(
        repo, "login-web-ui", "write apps/web/lib/ok.ts export {};", "write apps/api/lib/x.ts x"
    )
    proc = _run(repo)
    assert proc.returncode == 1
    rec = _state(repo)["tasks"]["login-web-ui"]
    assert rec["status"] == "scope-violation"
    assert rec["paths"] == ["apps/api/lib/x.ts"]
    assert "apps/api/lib/x.ts" in proc.stdout + proc.stderr
    # not merged: the integration branch lacks the task's commit and its files
    integration = "orchestrator/fix"
    assert "apps/api/lib/x.ts" not in _files(repo, integration)
    assert "apps/web/lib/ok.ts" not in _files(repo, integration)
    ancestor = subprocess.run(
        ["git", "merge-base", "--is-ancestor", rec["commit"], integration], cwd=repo, check=False
    )
    assert ancestor.returncode == 1
    # kept for inspection: the branch holds the change, the worktree is there
    assert "apps/api/lib/x.ts" in _files(repo, rec["branch"])
    assert Path(rec["worktree"], "apps/api/lib/x.ts").is_file()
    # its dependents wait
    status = json.loads(run_cli("plan", "status", "fix", "--json", cwd=repo).stdout)
    assert status["login-web-ui"] == "scope-violation"
    assert status["login-review"] == status["login-testing"] == "waiting"
    assert _snapshot(repo) == before


def test_a_failed_agent_is_run_again_only_with_retry(repo) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    _script(repo, "login-docs", "write apps/docs/half.md half", "exit 1")
    proc = _run(repo)
    assert proc.returncode == 1
    rec = _state(repo)["tasks"]["login-docs"]
    assert rec["status"] == "failed"
    assert rec["exitCode"] == 1 and "exited with 1" in rec["detail"]
    assert "step: exit 1" in (repo / rec["log"]).read_text("utf-8")
    assert _state(repo)["tasks"]["login-web-ui"]["status"] == "done"
    assert "login-review" not in _state(repo)["tasks"]
    # without --retry the failed task stays failed, and the dependents wait
    again = _run(repo)
    assert again.returncode == 1 and "login-docs: started" not in again.stderr
    _script(repo, "login-docs", "write apps/docs/fixed.md fixed")
    retried = _run(repo, "--retry", "login-docs")
    assert retried.returncode == 0, retried.stdout + retried.stderr
    state = _state(repo)
    assert {r["status"] for r in state["tasks"].values()} == {"done"}
    files = _files(repo, "orchestrator/fix")
    assert "apps/docs/fixed.md" in files and "apps/docs/half.md" not in files
    assert _snapshot(repo) == before


def test_a_hanging_agent_is_stopped_with_its_grandchildren(repo, tmp_path) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    pids = tmp_path / "pids.txt"
    _script(repo, "login-web-ui", f"hang {pids}")
    started = time.monotonic()
    proc = _run(repo, "--timeout", "2")
    assert time.monotonic() - started < 40
    assert proc.returncode == 1
    rec = _state(repo)["tasks"]["login-web-ui"]
    assert rec["status"] == "timeout"
    agent, grandchild = (int(p) for p in pids.read_text().split())
    assert not _alive(agent) and not _alive(grandchild)
    assert _state(repo)["tasks"]["login-app-ui"]["status"] == "done"
    assert _snapshot(repo) == before


def test_two_tasks_editing_one_line_conflict_and_both_branches_stay(repo) -> None:
    _write_plan(repo, commit=True)
    before = _snapshot(repo)
    for task in ("login-app-ui", "login-web-ui"):
        _script(repo, task, f"replace-line tasks/fix/context.md 1 # Context, edited by {task}")
    proc = _run(repo, "--max-parallel", "3")
    assert proc.returncode == 1
    tasks = _state(repo)["tasks"]
    statuses = sorted(tasks[t]["status"] for t in ("login-app-ui", "login-web-ui"))
    assert statuses == ["conflict", "done"]
    loser = next(t for t in ("login-app-ui", "login-web-ui") if tasks[t]["status"] == "conflict")
    assert tasks[loser]["paths"] == ["tasks/fix/context.md"]
    # both branches hold their own edit
    for task in ("login-app-ui", "login-web-ui"):
        first = git(repo, "show", f"{tasks[task]['branch']}:tasks/fix/context.md").splitlines()[0]
        assert first == f"# Context, edited by {task}"
    winner = next(t for t in ("login-app-ui", "login-web-ui") if t != loser)
    merged = git(repo, "show", "orchestrator/fix:tasks/fix/context.md").splitlines()[0]
    assert merged == f"# Context, edited by {winner}"
    assert _snapshot(repo) == before


def _start_run(repo: Path) -> subprocess.Popen[str]:
    """`plan run fix` with the scripted agent, in the background (for signals mid-run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestrator_tool",
            "plan",
            "run",
            "fix",
            "--agent",
            AGENT,
            *NO_GATES,
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_hanging_run(repo: Path, tmp_path: Path) -> subprocess.Popen[str]:
    """A background run whose two UI agents hang (each writes its pids in tmp_path/<task>),
    returned once both are running."""
    for task in ("login-app-ui", "login-web-ui"):
        _script(repo, task, f"hang {tmp_path / task}")
    run = _start_run(repo)
    deadline = time.monotonic() + 60
    while not all((tmp_path / t).exists() for t in ("login-app-ui", "login-web-ui")):
        assert time.monotonic() < deadline and run.poll() is None
        time.sleep(0.1)
    return run


def test_ctrl_c_stops_every_agent_and_a_new_run_resumes(repo, tmp_path) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    run = start_hanging_run(repo, tmp_path)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    tasks = _state(repo)["tasks"]
    assert tasks["login-app-ui"]["status"] == tasks["login-web-ui"]["status"] == "interrupted"
    finished = [t for t, r in tasks.items() if r["status"] == "done"]
    assert "login-review" not in tasks
    for task in ("login-app-ui", "login-web-ui"):
        for pid in (int(p) for p in (tmp_path / task).read_text().split()):
            assert not _alive(pid), (task, pid)
    # resume: the interrupted tasks start again (no --retry needed) and everything ends
    for task in ("login-app-ui", "login-web-ui"):
        _script(repo, task)
    resumed = _run(repo)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert {r["status"] for r in _state(repo)["tasks"].values()} == {"done"}
    for task in finished:  # what the first run finished is not done again
        assert f"{task}: started" not in resumed.stderr
    assert _snapshot(repo) == before


def test_the_agent_comes_from_the_configuration_by_role(repo) -> None:
    _write_plan(repo)
    marker = f"{sys.executable} -c \"open('apps/web/by-role.txt', 'w').write('x')\""
    (repo / "orchestrator.toml").write_text(
        "[plan]\ngates = false\n\n"
        f"[plan.agents.default]\ncommand = '''{AGENT}'''\n\n"
        f"[plan.agents.web-app-engineer]\ncommand = '''{marker}'''\n",
        encoding="utf-8",
    )
    commit_all(repo, "agents")
    dry = run_cli("plan", "run", "--dry-run", cwd=repo)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].startswith("wave 1  login-app-ui  (app-repo-engineer)  ")
    assert any(line.startswith("wave 1  login-web-ui") and "by-role.txt" in line for line in lines)
    # each command as the run would start it: the placeholders filled in
    assert "{brief}" in AGENT and "{" not in dry.stdout
    assert str((repo / "tasks/fix/login-app-ui.md").resolve()) in lines[0]
    assert lines[-1].startswith("wave 3  login-testing")
    assert not (repo / "tasks/fix/run.json").exists()  # a dry run runs nothing
    proc = run_cli("plan", "run", cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = _files(repo, "orchestrator/fix")
    assert "apps/web/by-role.txt" in files and "apps/app/login-app-ui.notes.md" in files


def test_without_an_agent_command_the_run_says_how_to_set_one(repo) -> None:
    _write_plan(repo)
    proc = run_cli("plan", "run", cwd=repo)
    assert proc.returncode == 2
    assert "no agent command for task login-app-ui" in proc.stderr
    assert "[plan.agents.default]" in proc.stderr


def test_placeholders_are_shell_quoted() -> None:
    task = Task.model_validate(
        {
            "taskId": "auth-api",
            "agent": "api-engineer",
            "description": "d",
            "scope": ["apps/api", "apps/my app"],
            "dependencies": [],
            "phase": "implementation",
            "wave": 1,
        }
    )
    template = execution.template(task, None, {"default": "agent {brief} {scope} {task} {x}"})
    out = execution.expand(
        template,
        brief=Path("/r/tasks/p/auth-api.md"),
        task="auth-api",
        scope=task.scope,
        worktree=Path("/w t"),
    )
    assert out == "agent /r/tasks/p/auth-api.md apps/api 'apps/my app' auth-api {x}"
    assert (
        execution.expand(
            "cd {worktree}", brief=Path("b"), task="t", scope=[], worktree=Path("/w t")
        )
        == "cd '/w t'"
    )
    assert planning.FINAL_FAILURES == ("failed", "scope-violation", "timeout", "conflict")


def test_a_change_the_validators_reject_is_not_merged(repo) -> None:
    _write_plan(repo)
    button = "apps/web/app/login-button.tsx"
    _script(
        repo,
        "login-web-ui",
        f'write {button} "use client";\\nexport default async function LoginButton() {{}}',
    )
    proc = _run(repo)
    assert proc.returncode == 1
    rec = _state(repo)["tasks"]["login-web-ui"]
    assert rec["status"] == "failed"
    assert rec["detail"] == f"1 validator error: {button}:2 RSC003"
    assert button not in _files(repo, "orchestrator/fix")


def test_a_task_whose_change_cannot_be_checked_fails_alone(repo, tmp_path) -> None:
    """An agent that breaks its package's manifest: the workspace cannot be read to check the
    change, so the task fails, naming the file; the other agents of the run go on, and the lock
    is released at the end."""
    _write_plan(repo)
    before = _snapshot(repo)
    _script(repo, "login-web-ui", "write apps/web/package.json {broken")
    _script(repo, "login-app-ui", "sleep 2")
    proc = _run(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    state = _state(repo)["tasks"]
    assert state["login-web-ui"]["status"] == "failed"
    assert "apps/web/package.json" in state["login-web-ui"]["detail"]
    assert state["login-app-ui"]["status"] == "done"  # not stopped by the other's failure
    assert state["login-docs"]["status"] == "done"
    assert "login-review" not in state  # it waits for the failed task
    assert not list((repo / ".git" / "orchestrator").glob("*.lock"))
    assert _snapshot(repo) == before
