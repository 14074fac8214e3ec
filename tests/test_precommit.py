"""The hooks of .pre-commit-hooks.yaml through the real pre-commit framework: in a throwaway
monorepo, a commit with a violation is refused and a clean one passes; `try-repo` runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO, commit_all, git, project_files, run_cli, strict, write


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(home)
    env["HOME"] = str(home)  # no user git config
    return env


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This repository as it is now, committed in a shadow clone (as `pre-commit try-repo`
    does), so uncommitted work is tested too."""
    shadow = tmp_path_factory.mktemp("hook-repo") / "orchestrator-tool"
    for rel in project_files():
        src = REPO / rel
        if src.is_file():
            dst = shadow / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    git(shadow, "init", "-q")
    sha = commit_all(shadow, "shadow")
    return shadow, sha


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _pre_commit(
    *args: str, cwd: Path, home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env={**_env(home), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def _git_commit(repo: Path, message: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`git commit`, with the hooks pre-commit installed in ``repo`` running."""
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@e.x", "commit", "-m", message],
        cwd=repo,
        env=_env(home),
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def _app_using(tmp_path: Path, hook_repo: tuple[Path, str], hooks: str) -> Path:
    """A copy of the next-forge fixture whose .pre-commit-config.yaml uses these hooks of
    this repository."""
    shadow, sha = hook_repo
    repo = tmp_path / "app"
    shutil.copytree(FIXTURES / "next-forge", repo)
    strict(repo)
    write(
        repo / ".pre-commit-config.yaml",
        f"repos:\n  - repo: {shadow}\n    rev: {sha}\n    hooks:\n{hooks}",
    )
    return repo


@pytest.mark.slow
def test_commit_with_violation_is_refused_and_clean_commit_passes(
    tmp_path, hook_repo, pre_commit_home
) -> None:
    repo = _app_using(tmp_path, hook_repo, "      - id: orchestrator-validate\n")
    git(repo, "init", "-q")
    commit_all(repo, "initial")
    installed = _pre_commit("install", cwd=repo, home=pre_commit_home)
    assert installed.returncode == 0, installed.stderr

    write(repo / "packages/auth/session.ts", "export const session: any = {};\n")
    git(repo, "add", "packages/auth/session.ts")
    before = git(repo, "write-tree")
    refused = _git_commit(repo, "loose", pre_commit_home)
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "ANY001" in refused.stdout + refused.stderr
    assert git(repo, "write-tree") == before  # the index is as it was

    write(repo / "packages/auth/session.ts", "export const session: unknown = {};\n")
    git(repo, "add", "packages/auth/session.ts")
    passed = _git_commit(repo, "typed", pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "orchestrator validate" in passed.stdout + passed.stderr

    # ES module and CommonJS TypeScript files reach the hook too
    for name in ("config.mts", "legacy.cts"):
        write(repo / "packages/auth" / name, "export const loose: any = {};\n")
        git(repo, "add", f"packages/auth/{name}")
        refused = _git_commit(repo, name, pre_commit_home)
        assert refused.returncode != 0, refused.stdout + refused.stderr
        assert f"packages/auth/{name}" in refused.stdout + refused.stderr
        git(repo, "rm", "-q", "--cached", f"packages/auth/{name}")


@pytest.mark.slow
def test_validate_hook_refuses_only_what_the_commit_adds(
    tmp_path, hook_repo, pre_commit_home
) -> None:
    repo = _app_using(tmp_path, hook_repo, "      - id: orchestrator-validate\n")
    legacy = "export const session: any = {};\n"
    write(repo / "packages/auth/session.ts", legacy)
    git(repo, "init", "-q")
    commit_all(repo, "initial, with a legacy any")
    assert _pre_commit("install", cwd=repo, home=pre_commit_home).returncode == 0

    write(repo / "packages/auth/session.ts", legacy + "export const ttl = 60;\n")
    git(repo, "add", "packages/auth/session.ts")
    passed = _git_commit(repo, "ttl", pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr

    write(repo / "packages/auth/session.ts", legacy + "export const ttl: any = 60;\n")
    git(repo, "add", "packages/auth/session.ts")
    refused = _git_commit(repo, "loose ttl", pre_commit_home)
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0, said
    assert "packages/auth/session.ts\n  2:19" in said and said.count("ANY001 no-") == 1


@pytest.mark.slow
def test_try_repo(tmp_path, hook_repo, pre_commit_home) -> None:
    shadow, _ = hook_repo
    repo = tmp_path / "app"
    shutil.copytree(FIXTURES / "next-forge", repo)
    strict(repo)
    git(repo, "init", "-q")
    commit_all(repo, "initial")
    write(repo / "packages/auth/bad.ts", "export const b = 1 as any;\n")
    git(repo, "add", "packages/auth/bad.ts")
    proc = _pre_commit(
        "try-repo", str(shadow), "orchestrator-validate", cwd=repo, home=pre_commit_home
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "packages/auth/bad.ts" in proc.stdout
    assert "ANY001" in proc.stdout


@pytest.mark.slow
def test_scope_guard_hook_refuses_a_change_outside_the_task(
    tmp_path, hook_repo, pre_commit_home
) -> None:
    shadow, _ = hook_repo
    repo = tmp_path / "app"
    shutil.copytree(FIXTURES / "next-forge", repo)
    git(repo, "init", "-q")
    commit_all(repo, "initial")
    made = run_cli("plan", "Add auth", "--scope", "apps/api", "apps/web", "--write", cwd=repo)
    assert made.returncode == 0, made.stderr
    commit_all(repo, "plan")
    write(repo / "apps/web/app/page.tsx", "export default function P() { return null; }\n")
    git(repo, "add", "-A")
    hook = ("try-repo", str(shadow), "orchestrator-scope-guard")
    proc = _pre_commit(*hook, cwd=repo, home=pre_commit_home, env={"ORCHESTRATOR_TASK": "auth-api"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "apps/web/app/page.tsx" in proc.stdout
    ok = _pre_commit(
        *hook, cwd=repo, home=pre_commit_home, env={"ORCHESTRATOR_TASK": "auth-web-ui"}
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr


@pytest.mark.slow
def test_check_hook_at_pre_push_checks_the_pushed_commits(
    tmp_path, hook_repo, pre_commit_home
) -> None:
    repo = _app_using(
        tmp_path,
        hook_repo,
        "      - id: orchestrator-check\n        stages: [pre-push]\n"
        "        args: [--only, validate]\n",
    )
    git(repo, "init", "-q")
    base = commit_all(repo, "initial")
    write(repo / "packages/auth/session.ts", "export const session: any = {};\n")
    head = commit_all(repo, "loose")  # committed, so nothing is staged at push time
    proc = _pre_commit(
        "run",
        "--hook-stage",
        "pre-push",
        "--from-ref",
        base,
        "--to-ref",
        head,
        cwd=repo,
        home=pre_commit_home,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ANY001" in proc.stdout and "packages/auth/session.ts" in proc.stdout
