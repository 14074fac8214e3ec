"""`plan next` (the ready tasks for an external scheduler), `plan merge` (a task branch made
elsewhere, merged after the checks `plan run` makes) and the lock that keeps one run or merge
of a plan at a time: real git repositories, clones and worktrees, the scripted agent; the
user's work tree, index and stash stay as they were."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import git, run_cli
from .test_plan_run import (
    FIX,
    UI_TASKS,
    _alive,
    _files,
    _run,
    _script,
    _snapshot,
    _state,
    _write_plan,
    start_hanging_run,
    with_work_in_progress,
)

WEB_BRANCH = "orchestrator-tasks/fix/login-web-ui"


@pytest.fixture
def repo(make_repo) -> Path:
    return with_work_in_progress(make_repo("next-forge"))


def _next(repo: Path) -> dict:
    proc = run_cli("plan", "next", "fix", "--json", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _ready(repo: Path) -> list[str]:
    return [t["taskId"] for t in _next(repo)["ready"]]


def _elsewhere(repo: Path, branch: str, files: dict[str, str]) -> str:
    """Make ``branch`` in a clone of ``repo`` (another machine), from the user's HEAD, with
    ``files`` written and committed; fetch it into ``repo``. Its tip."""
    clone = repo.parent / "elsewhere"
    if not clone.exists():
        git(repo.parent, "clone", "-q", str(repo), clone.name)
    head = git(repo, "rev-parse", "HEAD").strip()
    git(clone, "checkout", "-q", "-B", branch, head)
    for path, text in files.items():
        (clone / path).parent.mkdir(parents=True, exist_ok=True)
        (clone / path).write_text(text, encoding="utf-8")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", f"work on {branch}")
    git(repo, "fetch", "-q", str(clone), f"+{branch}:{branch}")
    return git(repo, "rev-parse", branch).strip()


def _merge(repo: Path, task: str, branch: str) -> subprocess.CompletedProcess[str]:
    # the next-forge fixture cannot be installed: the gates are tried in test_plan_run_gates.py
    return run_cli("plan", "merge", task, "fix", "--branch", branch, "--no-gates", cwd=repo)


def _tip(repo: Path, ref: str) -> str:
    return git(repo, "rev-parse", ref).strip()


def test_next_lists_the_ready_tasks_before_and_after_a_partial_run(repo) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    head = _tip(repo, "HEAD")
    first = _next(repo)
    assert first["version"] == 1 and first["planId"] == "fix"
    assert first["integration"] == {"branch": "orchestrator/fix", "tip": head, "exists": False}
    assert sorted(_ready(repo)) == sorted(UI_TASKS)
    web = next(t for t in first["ready"] if t["taskId"] == "login-web-ui")
    assert web["branch"] == WEB_BRANCH
    assert web["brief"] == "tasks/fix/login-web-ui.md" and (repo / web["brief"]).is_file()
    assert web["scope"] and web["dependencies"] == [] and web["command"] is None
    assert {w["taskId"]: sorted(w["waitingFor"]) for w in first["waiting"]} == {
        "login-review": sorted(UI_TASKS),
        "login-testing": ["login-review"],
    }
    assert first["failed"] == [] and first["running"] == []
    # a partial run: the docs agent fails, the other two are merged
    _script(repo, "login-docs", "exit 1")
    assert _run(repo).returncode == 1
    after = _next(repo)
    assert after["ready"] == []
    assert after["failed"] == [
        {"taskId": "login-docs", "status": "failed", "detail": "the agent exited with 1"}
    ]
    assert after["integration"]["exists"] is True
    assert after["integration"]["tip"] == _tip(repo, "orchestrator/fix") != head
    assert {w["taskId"]: w["waitingFor"] for w in after["waiting"]} == {
        "login-review": ["login-docs"],
        "login-testing": ["login-review"],
    }
    # the command template comes from --agent (or the configuration) when there is one
    proc = run_cli("plan", "next", "fix", "--agent", "my-agent {brief}", cwd=repo)
    assert proc.returncode == 0
    assert "nothing ready" in proc.stdout and "failed   login-docs" in proc.stdout
    assert _snapshot(repo) == before


def test_a_branch_made_elsewhere_is_merged_and_the_task_done(repo) -> None:
    _write_plan(repo, commit=True)
    before = _snapshot(repo)
    tip = _elsewhere(repo, WEB_BRANCH, {"apps/web/lib/session.ts": "export const ok = 1;\n"})
    proc = _merge(repo, "login-web-ui", WEB_BRANCH)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "merged" in proc.stdout
    # the integration branch was made at HEAD and holds the change through a merge commit
    assert "apps/web/lib/session.ts" in _files(repo, "orchestrator/fix")
    git(repo, "merge-base", "--is-ancestor", tip, "orchestrator/fix")
    rec = _state(repo)["tasks"]["login-web-ui"]
    assert rec["status"] == "done" and rec["commit"] == tip and rec["branch"] == WEB_BRANCH
    assert rec["files"] == ["apps/web/lib/session.ts"]
    assert rec["merge"] == _tip(repo, "orchestrator/fix")
    plan = json.loads((repo / "tasks/fix/plan.json").read_text("utf-8"))
    done = next(t for t in plan["tasks"] if t["taskId"] == "login-web-ui")["done"]
    assert done["commit"] == rec["merge"]
    assert "login-web-ui" in (repo / "tasks/fix/context.md").read_text("utf-8")
    # the branch is untouched, no worktree is left, and the task is no longer ready
    assert _tip(repo, WEB_BRANCH) == tip
    assert len(git(repo, "worktree", "list").splitlines()) == 1
    assert sorted(_ready(repo)) == ["login-app-ui", "login-docs"]
    again = _merge(repo, "login-web-ui", WEB_BRANCH)
    assert again.returncode == 2 and "already done" in again.stderr
    assert _snapshot(repo) == before


def test_a_branch_outside_the_scope_is_refused_naming_the_file(repo) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    head = _tip(repo, "HEAD")
    tip = _elsewhere(
        repo,
        WEB_BRANCH,
        {"apps/web/lib/ok.ts": "export {};\n", "apps/api/lib/secret.ts": "export {};\n"},
    )
    proc = _merge(repo, "login-web-ui", WEB_BRANCH)
    assert proc.returncode == 1
    assert "scope-violation" in proc.stderr and "apps/api/lib/secret.ts" in proc.stderr
    assert _tip(repo, "orchestrator/fix") == head  # created at HEAD, and not moved
    assert _tip(repo, WEB_BRANCH) == tip
    rec = _state(repo)["tasks"]["login-web-ui"]
    assert rec["status"] == "scope-violation" and rec["paths"] == ["apps/api/lib/secret.ts"]
    assert len(git(repo, "worktree", "list").splitlines()) == 1
    assert _next(repo)["failed"][0]["taskId"] == "login-web-ui"
    assert _snapshot(repo) == before


def test_a_conflicting_branch_is_refused_and_both_branches_stay(repo) -> None:
    _write_plan(repo, commit=True)
    before = _snapshot(repo)
    line = "tasks/fix/context.md"
    first_line = (repo / line).read_text("utf-8").splitlines()
    app = _elsewhere(
        repo,
        "app-work",
        {line: "\n".join(["# Context, by the app", *first_line[1:]]) + "\n"},
    )
    web = _elsewhere(
        repo, WEB_BRANCH, {line: "\n".join(["# Context, by the web", *first_line[1:]]) + "\n"}
    )
    assert _merge(repo, "login-app-ui", "app-work").returncode == 0
    merged = _tip(repo, "orchestrator/fix")
    proc = _merge(repo, "login-web-ui", WEB_BRANCH)
    assert proc.returncode == 1
    assert "conflict" in proc.stderr and line in proc.stderr
    assert _tip(repo, "orchestrator/fix") == merged
    assert (_tip(repo, "app-work"), _tip(repo, WEB_BRANCH)) == (app, web)
    assert _state(repo)["tasks"]["login-web-ui"]["paths"] == [line]
    assert _snapshot(repo) == before


def test_merge_refuses_unknown_tasks_branches_and_tasks_that_wait(repo) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    unknown = _merge(repo, "login-nothing", "main")
    assert unknown.returncode == 2 and "no task 'login-nothing'" in unknown.stderr
    missing = _merge(repo, "login-web-ui", "no-such-branch")
    assert missing.returncode == 2 and "no branch 'no-such-branch'" in missing.stderr
    assert "hint:" in missing.stderr
    _elsewhere(repo, "review-work", {"tasks/fix/review.md": "looks fine\n"})
    waits = _merge(repo, "login-review", "review-work")
    assert waits.returncode == 2 and "waits for login-app-ui, login-docs, login-web-ui" in (
        waits.stderr
    )
    assert not (repo / "tasks/fix/run.json").exists()
    assert _snapshot(repo) == before


def test_a_second_run_is_refused_and_a_dead_runs_lock_is_taken_over(repo, tmp_path) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    run = start_hanging_run(repo, tmp_path)
    lock = Path(git(repo, "rev-parse", "--git-common-dir").strip())
    lock = (repo / lock if not lock.is_absolute() else lock) / "orchestrator/fix.lock"
    assert lock.read_text().strip() == str(run.pid)
    second = _run(repo)
    assert second.returncode == 2
    assert f"plan fix is being run by process {run.pid}" in second.stderr
    merge = _merge(repo, "login-docs", "main")
    assert merge.returncode == 2 and str(run.pid) in merge.stderr
    live = _next(repo)
    assert sorted(live["running"]) == ["login-app-ui", "login-web-ui"]
    assert not {"login-app-ui", "login-web-ui"} & set(_ready(repo))
    # the run dies without a word (SIGKILL), its agents with it
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=60)
    for task in ("login-app-ui", "login-web-ui"):
        for pid in (int(p) for p in (tmp_path / task).read_text().split()):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert lock.is_file()  # stale: its process is gone
    status = run_cli("plan", "status", "fix", "--json", cwd=repo)
    shown = json.loads(status.stdout)
    assert shown["login-app-ui"] == shown["login-web-ui"] == "interrupted"  # not `running`
    dead = _next(repo)  # what it left running is to be run again
    assert dead["running"] == []
    assert {"login-app-ui", "login-web-ui"} <= {t["taskId"] for t in dead["ready"]}
    for task in ("login-app-ui", "login-web-ui"):
        _script(repo, task)
    resumed = _run(repo)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert {r["status"] for r in _state(repo)["tasks"].values()} == {"done"}
    assert not lock.exists()  # released at the end
    assert _snapshot(repo) == before


def test_a_merge_that_died_between_its_steps_is_settled(repo) -> None:
    """The merge commit is recorded before the integration branch moves: a task left
    `running` is done when the branch holds that commit, and interrupted when not."""
    _write_plan(repo)
    before = _snapshot(repo)
    tip = _elsewhere(repo, WEB_BRANCH, {"apps/web/lib/a.ts": "export const a = 1;\n"})
    assert _merge(repo, "login-web-ui", WEB_BRANCH).returncode == 0
    run_json = repo / "tasks/fix/run.json"
    plan_json = repo / "tasks/fix/plan.json"
    landed = json.loads(run_json.read_text("utf-8"))
    merge = landed["tasks"]["login-web-ui"]["merge"]
    plan = json.loads(plan_json.read_text("utf-8"))

    def died_after_the_branch_moved() -> None:
        landed["tasks"]["login-web-ui"]["status"] = "running"
        run_json.write_text(json.dumps(landed), encoding="utf-8")
        for t in plan["tasks"]:
            t.pop("done", None)
        plan_json.write_text(json.dumps(plan), encoding="utf-8")

    died_after_the_branch_moved()
    assert "login-web-ui" not in _ready(repo)  # its merge is on the integration branch
    proc = _merge(repo, "login-app-ui", _elsewhere(repo, "app", {"apps/app/b.ts": "x;\n"}))
    assert proc.returncode == 0, proc.stderr
    web = _state(repo)["tasks"]["login-web-ui"]
    assert web["status"] == "done" and web["merge"] == merge
    done = {t["taskId"]: t.get("done") for t in json.loads(plan_json.read_text())["tasks"]}
    assert done["login-web-ui"]["commit"] == merge and done["login-app-ui"] is not None
    # died before the branch moved: the merge commit is recorded but not on the branch
    git(repo, "update-ref", "refs/heads/orchestrator/fix", _tip(repo, "HEAD"))
    landed = _state(repo)
    plan = json.loads(plan_json.read_text("utf-8"))
    died_after_the_branch_moved()
    assert "login-web-ui" in _ready(repo)
    redo = _merge(repo, "login-web-ui", WEB_BRANCH)
    assert redo.returncode == 0, redo.stderr
    assert _state(repo)["tasks"]["login-web-ui"]["commit"] == tip
    assert "apps/web/lib/a.ts" in _files(repo, "orchestrator/fix")
    assert _snapshot(repo) == before


def test_the_lock_is_taken_with_o_excl_and_names_its_holder(repo) -> None:
    from orchestrator_tool.errors import UsageError
    from orchestrator_tool.execution import lock

    with lock.plan_lock(repo, "fix"):
        path = lock.lock_path(repo, "fix")
        assert path.read_text().strip() == str(os.getpid())
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            path.write_text(f"{sleeper.pid}\n")  # another live process holds it
            with (
                pytest.raises(UsageError, match=f"process {sleeper.pid}"),
                lock.plan_lock(repo, "fix"),
            ):
                pass
        finally:
            sleeper.kill()
            sleeper.wait()
    assert path.is_file()  # not ours any more: left alone
    with lock.plan_lock(repo, "fix"):  # its process is gone: taken over
        assert path.read_text().strip() == str(os.getpid())
    assert not path.exists()


def test_a_file_moved_in_from_outside_the_scope_is_a_scope_violation(repo) -> None:
    """A rename is a change at both ends: the file it takes away from another package is
    outside the task's scope, though the diff names it only at its new place."""
    _write_plan(repo, commit=True)
    before = _snapshot(repo)
    clone = repo.parent / "elsewhere"
    git(repo.parent, "clone", "-q", str(repo), clone.name)
    git(clone, "checkout", "-q", "-b", WEB_BRANCH)
    git(clone, "mv", "packages/auth/__tests__/password.test.ts", "apps/web/password.test.ts")
    git(clone, "commit", "-q", "-m", "move a test into the web app")
    git(repo, "fetch", "-q", str(clone), f"+{WEB_BRANCH}:{WEB_BRANCH}")
    tip = _tip(repo, WEB_BRANCH)
    proc = _merge(repo, "login-web-ui", WEB_BRANCH)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "packages/auth/__tests__/password.test.ts" in proc.stderr
    rec = _state(repo)["tasks"]["login-web-ui"]
    assert rec["status"] == "scope-violation"
    assert rec["paths"] == ["packages/auth/__tests__/password.test.ts"]
    assert _tip(repo, "orchestrator/fix") == _tip(repo, "HEAD")  # nothing merged
    assert _tip(repo, WEB_BRANCH) == tip
    assert _snapshot(repo) == before


def test_a_checked_out_integration_branch_is_not_moved(repo, tmp_path) -> None:
    _write_plan(repo, commit=True)
    _script(repo, "login-app-ui", "exit 1")
    assert _run(repo).returncode == 1  # the others merged, the integration branch exists
    look = tmp_path / "look"
    git(repo, "worktree", "add", "-q", str(look), "orchestrator/fix")
    tip = _tip(repo, "orchestrator/fix")
    _script(repo, "login-app-ui")
    proc = _run(repo, "--retry", "login-app-ui")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"orchestrator/fix is checked out in {look}" in proc.stderr
    assert "switch" in proc.stderr  # the hint
    assert _tip(repo, "orchestrator/fix") == tip
    assert git(look, "status", "--porcelain") == ""  # that checkout is as it was


def test_outside_git_or_before_a_first_commit_every_command_says_so(tmp_path) -> None:
    import shutil

    from .conftest import FIXTURES

    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "next-forge", plain)
    made = run_cli("plan", FIX, "--scope", "apps/web", "--id", "fix", "--write", cwd=plain)
    assert made.returncode == 0, made.stderr
    commands = [
        ("plan", "next", "fix"),
        ("plan", "run", "fix", "--dry-run", "--agent", "x"),
        ("plan", "run", "fix", "--agent", "x"),
    ]
    for said, setup in (("a git repository", None), ("a first commit", ("init", "-q"))):
        if setup:
            git(plain, *setup)
        for args in commands:
            proc = run_cli(*args, cwd=plain)
            assert proc.returncode == 2, (args, proc.stderr)
            assert f"running a plan needs {said}" in proc.stderr, (args, proc.stderr)
            assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_a_branch_whose_change_cannot_be_checked_fails_its_task(repo) -> None:
    _write_plan(repo, commit=True)
    before = _snapshot(repo)
    tip = _elsewhere(repo, WEB_BRANCH, {"apps/web/package.json": "{broken"})
    proc = _merge(repo, "login-web-ui", WEB_BRANCH)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "apps/web/package.json" in proc.stderr
    rec = _state(repo)["tasks"]["login-web-ui"]
    assert rec["status"] == "failed" and "apps/web/package.json" in rec["detail"]
    assert _tip(repo, "orchestrator/fix") == _tip(repo, "HEAD")
    assert _tip(repo, WEB_BRANCH) == tip
    assert not list((repo / ".git" / "orchestrator").glob("*.lock"))
    assert _snapshot(repo) == before
