"""What `plan run` writes in the plan's documents: context.md's progress lines as each task
ends (during the run, not only after it) and synthesis.md, the final report, when the run
ends; both brought up to date by a resume. Real agents (fixtures/agents/scripted_agent.py) in
real worktrees of a copy of the next-forge fixture."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from .conftest import git, run_cli
from .test_plan_run import (
    AGENT,
    _run,
    _script,
    _snapshot,
    _start_run,
    _state,
    _write_plan,
    with_work_in_progress,
)


@pytest.fixture
def repo(make_repo) -> Path:
    return with_work_in_progress(make_repo("next-forge"))


def _doc(repo: Path, name: str) -> str:
    return (repo / "tasks/fix" / name).read_text("utf-8")


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


def test_context_records_progress_as_tasks_end_and_synthesis_reports_the_run(
    repo, tmp_path
) -> None:
    _write_plan(repo)
    before = _snapshot(repo)
    _script(repo, "login-docs", "write apps/docs/guide.md the login guide", "commit add the guide")
    _script(repo, "login-web-ui", "write apps/web/half.ts export {};", "exit 1")
    _script(repo, "login-app-ui", f"hang {tmp_path / 'pids'}")
    run = _start_run(repo)
    # while the app's agent still runs, context.md already says how the two others ended
    deadline = time.monotonic() + 60
    while True:
        progress = _section(_doc(repo, "context.md"), "## Progress and blockers")
        ended = [line for line in progress if line.startswith("- ")]
        if len(ended) == 2 and (tmp_path / "pids").exists():
            break
        assert time.monotonic() < deadline and run.poll() is None, ended
        time.sleep(0.1)
    assert run.poll() is None
    docs = next(line for line in ended if line.startswith("- `login-docs` done"))
    commit = _state(repo)["tasks"]["login-docs"]["commit"]
    assert f"commit `{commit[:12]}`" in docs and "1 file(s) changed: `apps/docs/guide.md`" in docs
    failed = next(line for line in ended if line.startswith("- `login-web-ui` failed"))
    assert "the agent exited with 1" in failed
    assert "log `tasks/fix/logs/login-web-ui.log`" in failed
    assert failed.endswith("waiting on it: `login-review`, `login-testing`")
    table = {line.split(" | ")[0][2:]: line.split(" | ") for line in progress if line[:2] == "| "}
    assert table["login-docs"][3] == "done"
    assert table["login-app-ui"][3] == "running"
    assert table["login-web-ui"][3:] == ["failed", "the agent exited with 1 |"]
    assert table["login-review"][3:] == ["waiting", "waits for login-web-ui (failed) |"]

    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    context = _doc(repo, "context.md")
    assert "- `login-app-ui` interrupted: stopped by a signal; log `" in context
    synthesis = _doc(repo, "synthesis.md")
    assert "0 of 5 tasks done" not in synthesis and "1 of 5 tasks done" in synthesis
    rows = {
        line.split(" | ")[0][2:]: line.split(" | ")
        for line in _section(synthesis, "## Tasks")
        if line.startswith("| login")
    }
    # task | agent | outcome | duration | commits | files changed | findings
    assert rows["login-docs"][2] == "done" and rows["login-docs"][4:6] == ["1", "1"]
    assert rows["login-web-ui"][2] == "failed" and rows["login-web-ui"][4:6] == ["0", "0"]
    assert rows["login-app-ui"][2] == "interrupted"
    assert rows["login-review"][2:4] == ["not run", "—"]
    assert f"- commit `{commit[:12]}` add the guide" in synthesis
    assert "- changed `apps/docs/guide.md`" in synthesis
    risks = _section(synthesis, "## Risks and open items")
    assert "- `login-web-ui` failed: the agent exited with 1" in risks
    assert any(r.startswith("- `login-review` not run (depends on ") for r in risks)
    assert synthesis.endswith("then `orchestrator plan run fix --retry login-web-ui`\n")

    # the resume brings both documents up to date
    _script(repo, "login-web-ui", "write apps/web/login.ts export const login = 1;")
    _script(repo, "login-app-ui")
    resumed = _run(repo, "--retry", "login-web-ui")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    context = _doc(repo, "context.md")
    assert context.count("- `login-web-ui` ") == 2
    for task in ("login-app-ui", "login-web-ui", "login-review", "login-testing"):
        assert f"- `{task}` done after " in context, task
    table = [line for line in _section(context, "## Progress and blockers") if line[:2] == "| "]
    assert all(line.split(" | ")[3] == "done" for line in table[2:]), table
    synthesis = _doc(repo, "synthesis.md")
    assert "5 of 5 tasks done: the integration branch holds every task's change." in synthesis
    assert "- review and merge `orchestrator/fix`" in synthesis
    merged = git(repo, "log", "--format=%s", "orchestrator/fix")
    assert "add the guide" in merged
    assert _snapshot(repo) == before


def test_synthesis_lists_the_open_items_of_the_security_checklist(repo) -> None:
    proc = run_cli(
        "plan", "Add complete authentication system", "--scope", "apps/web", "--id", "auth",
        "--write", cwd=repo,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    checklist = "# Security\\n- [x] hash passwords with argon2\\n- [ ] rate-limit the sign-in route"
    _script(
        repo,
        "auth-security-review",
        f"write tasks/auth/security.md {checklist}",
        plan_id="auth",
    )
    before = _snapshot(repo)
    ran = run_cli("plan", "run", "auth", "--agent", AGENT, "--no-gates", cwd=repo)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    synthesis = (repo / "tasks/auth/synthesis.md").read_text("utf-8")
    risks = _section(synthesis, "## Risks and open items")
    assert risks == ["- open in `tasks/auth/security.md`: rate-limit the sign-in route"]
    tasks = len(json.loads((repo / "tasks/auth/plan.json").read_text("utf-8"))["tasks"])
    assert f"{tasks} of {tasks} tasks done" in synthesis
    # the report is the run's alone: compiled again from the same state, it is the same text
    again = run_cli("plan", "run", "auth", "--agent", AGENT, "--no-gates", cwd=repo)
    assert again.returncode == 0
    assert (repo / "tasks/auth/synthesis.md").read_text("utf-8") == synthesis
    assert _snapshot(repo) == before


def test_synthesis_says_when_the_checklist_is_missing(repo) -> None:
    proc = run_cli(
        "plan", "Add complete authentication system", "--scope", "apps/web", "--id", "auth",
        "--write", cwd=repo,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    _script(repo, "auth-security-review", "exit 1", plan_id="auth")
    ran = run_cli("plan", "run", "auth", "--agent", AGENT, "--no-gates", cwd=repo)
    assert ran.returncode == 1
    risks = _section(
        (repo / "tasks/auth/synthesis.md").read_text("utf-8"), "## Risks and open items"
    )
    assert risks[0] == (
        "- no security checklist: `tasks/auth/security.md` is not on `orchestrator/auth` "
        "(task `auth-security-review`)"
    )
    assert "- `auth-security-review` failed: the agent exited with 1" in risks
    assert "- `auth-web-ui` not run (depends on `auth-security-review`)" in risks
