"""The seed's scenario end to end: `plan "Add complete authentication system"` on
fixtures/monorepos/seed-run (see its README), then `plan run` with the scripted agent, real git
worktrees, a real frozen pnpm install in each task's worktree and real `tsc --noEmit` gates on
the packages each change affects. `.ci/run` installs pnpm; typescript comes from the registry."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO, git, run_cli
from .conftest import pnpm as require_pnpm
from .test_gates_e2e import PNPM_ENV
from .test_plan_run import _files, _script, _snapshot, with_work_in_progress

AGENT = (
    f"{sys.executable} {REPO}/fixtures/agents/scripted_agent.py --brief {{brief}} --task {{task}}"
)
REQUEST = "Add complete authentication system"
SCOPE = ("apps/web", "apps/app", "apps/api", "packages/database")
UI_WAVE = ("auth-web-ui", "auth-app-ui", "auth-styling")
# What each implementation task's agent writes (after sleeping 2 s): code that type-checks.
EDITS = {
    "auth-db-schema": "write packages/database/src/session.ts "
    "export interface Session {\\n  token: string;\\n  userId: string;\\n  expiresAt: Date;\\n}",
    "auth-api": "write apps/api/src/auth.ts import { findUserByEmail } from '@seed/database';"
    "\\nexport function login(email: string): { status: number } {"
    "\\n  return { status: findUserByEmail(email) === undefined ? 401 : 200 };\\n}",
    "auth-web-ui": "write apps/web/src/login.ts import { buttonClass } from '@seed/design-system';"
    "\\nexport const loginButton: string = buttonClass('primary');",
    "auth-app-ui": "write apps/app/src/sign-in.ts import { findUser } from '@seed/database';"
    "\\nexport const signedIn = (id: string): boolean => findUser(id) !== undefined;",
    "auth-styling": "write packages/design-system/src/auth-form.ts "
    "export const authForm = { width: '24rem', gap: '1rem' } as const;",
}


@pytest.fixture
def seed(make_repo) -> Path:
    require_pnpm()
    repo = with_work_in_progress(make_repo("seed-run"))
    proc = run_cli("plan", REQUEST, "--scope", *SCOPE, "--id", "auth", "--write", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    for task, edit in EDITS.items():
        _script(repo, task, "sleep 2", edit, plan_id="auth")
    return repo


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("plan", "run", "auth", "--agent", AGENT, *args, cwd=repo, env=PNPM_ENV)


def _state(repo: Path) -> dict:
    return json.loads((repo / "tasks/auth/run.json").read_text("utf-8"))


def _window(repo: Path, task: str) -> tuple[float, float]:
    log = (repo / "tasks/auth/logs" / f"{task}.log").read_text("utf-8")
    start = next(ln for ln in log.splitlines() if ln.startswith("started "))
    end = next(ln for ln in log.splitlines() if ln.startswith("ended "))
    return float(start.split()[1]), float(end.split()[1])


def test_the_seed_runs_end_to_end_with_the_gates(seed) -> None:
    plan = json.loads((seed / "tasks/auth/plan.json").read_text("utf-8"))
    waves = [sorted(w) for w in plan["waves"]]
    assert ["auth-db-schema"] in waves and ["auth-api"] in waves
    assert sorted(UI_WAVE) in waves
    assert waves.index(["auth-db-schema"]) < waves.index(["auth-api"])
    assert waves.index(["auth-api"]) < waves.index(sorted(UI_WAVE))
    before = _snapshot(seed)
    head = git(seed, "rev-parse", "HEAD").strip()

    proc = _run(seed)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    state = _state(seed)
    assert {r["status"] for r in state["tasks"].values()} == {"done"}
    assert len(state["tasks"]) == len(plan["tasks"])
    # the three tasks of the UI wave slept 2 s each at the same time, after the API
    windows = [_window(seed, t) for t in UI_WAVE]
    assert max(e for _, e in windows) - min(s for s, _ in windows) < 5.0
    assert max(s for s, _ in windows) < min(e for _, e in windows)
    assert min(s for s, _ in windows) >= _window(seed, "auth-api")[1]
    # every task's change is on the integration branch, which started at HEAD
    assert git(seed, "merge-base", "--is-ancestor", head, "orchestrator/auth") == ""
    files = _files(seed, "orchestrator/auth")
    for edit in EDITS.values():
        assert edit.split()[1] in files
    for rec in state["tasks"].values():
        assert git(seed, "merge-base", "--is-ancestor", rec["commit"], "orchestrator/auth") == ""
    # the gates ran on what each change affects, and passed
    gates = {t: {(g["path"], g["status"]) for g in r["gates"]} for t, r in state["tasks"].items()}
    assert gates["auth-db-schema"] == {
        ("packages/database", "passed"),
        ("apps/api", "passed"),
        ("apps/app", "passed"),
    }
    assert gates["auth-web-ui"] == {("apps/web", "passed")}
    assert gates["auth-analysis"] == set()  # its notes are in no package
    assert all(
        g["task"] == "typecheck" and g["duration"] > 0 for g in state["tasks"]["auth-api"]["gates"]
    )
    log = (seed / "tasks/auth/logs/auth-api.log").read_text("utf-8")
    assert "== orchestrator: install" in log and "gate typecheck (api): passed" in log
    synthesis = (seed / "tasks/auth/synthesis.md").read_text("utf-8")
    assert "typecheck `apps/api`: passed" in synthesis
    context = (seed / "tasks/auth/context.md").read_text("utf-8")
    assert "gates: typecheck `apps/web` passed" in context
    # no worktree is left, and the user's tree, index and stash are as they were
    assert not (seed / "node_modules").exists()
    assert _snapshot(seed) == before


def test_a_type_error_fails_the_task_at_its_gate(seed) -> None:
    _script(
        seed,
        "auth-api",
        "write apps/api/src/auth.ts export const attempts: number = 'three';",
        plan_id="auth",
    )
    before = _snapshot(seed)
    started = time.monotonic()
    proc = _run(seed)
    assert time.monotonic() - started < 240
    assert proc.returncode == 1, proc.stdout + proc.stderr
    state = _state(seed)
    api = state["tasks"]["auth-api"]
    assert api["status"] == "failed"
    assert api["detail"] == "gate typecheck (apps/api) failed"
    assert {(g["path"], g["status"]) for g in api["gates"]} == {("apps/api", "failed")}
    assert "TS2322" in (seed / "tasks/auth/logs/auth-api.log").read_text("utf-8")
    assert "auth-api: failed" in proc.stderr and "gate typecheck (apps/api) failed" in proc.stderr
    # the integration branch does not have it; its dependents wait; its worktree stays
    assert "apps/api/src/auth.ts" not in _files(seed, "orchestrator/auth")
    assert "apps/api/src/auth.ts" in _files(seed, api["branch"])
    assert Path(api["worktree"], "apps/api/src/auth.ts").is_file()
    for waiting in ("auth-web-ui", "auth-app-ui", "auth-validation", "auth-testing"):
        assert waiting not in state["tasks"]
    assert state["tasks"]["auth-db-schema"]["status"] == "done"
    assert "auth-api` failed" in (seed / "tasks/auth/synthesis.md").read_text("utf-8")
    assert _snapshot(seed) == before


def test_no_gates_merges_what_does_not_type_check(seed) -> None:
    _script(
        seed,
        "auth-db-schema",
        "write packages/database/src/session.ts export const ttl: number = 'a day';",
        plan_id="auth",
    )
    proc = _run(seed, "--no-gates", "--max-parallel", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    state = _state(seed)
    assert all(r["gates"] == [] for r in state["tasks"].values())
    assert "packages/database/src/session.ts" in _files(seed, "orchestrator/auth")
