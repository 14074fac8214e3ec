"""Native git hooks with real git: install, refuse foreign hooks, block a bad commit, never
change the work tree or the index."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from .conftest import commit_all, git, run_cli, strict, write


def snapshot(repo: Path) -> tuple[str, str, str]:
    """The index (as a tree), the work tree's differences and untracked files."""
    return (
        git(repo, "write-tree"),
        git(repo, "diff", "--binary"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
    )


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge", commit=False)
    strict(r)
    commit_all(r, "initial")
    return r


def commit(repo: Path, message: str = "change") -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    import subprocess

    proc = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@e.x", "commit", "-q", "-m", message],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode


def test_install_blocks_a_violation_and_lets_a_clean_commit_through(repo) -> None:
    proc = run_cli("hook", "install", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "pre-commit: installed" in proc.stdout
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert os.access(hook, os.X_OK)

    write(repo / "packages/auth/bad.ts", "export const x: any = 1;\n")
    git(repo, "add", "packages/auth/bad.ts")
    before = snapshot(repo)
    assert commit(repo) != 0  # refused
    assert snapshot(repo) == before  # nothing changed or lost

    write(repo / "packages/auth/bad.ts", "export const x: unknown = 1;\n")
    git(repo, "add", "packages/auth/bad.ts")
    assert commit(repo) == 0


def test_the_hook_judges_the_staged_content_not_the_work_tree(repo) -> None:
    run_cli("hook", "install", cwd=repo)
    write(repo / "packages/auth/part.ts", "export const x: unknown = 1;\n")
    git(repo, "add", "packages/auth/part.ts")
    write(repo / "packages/auth/part.ts", "export const x: any = 1;\n")  # unstaged violation
    assert commit(repo) == 0
    assert (repo / "packages/auth/part.ts").read_text() == "export const x: any = 1;\n"


def test_refuses_a_foreign_hook_without_force_and_restores_it(repo) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n")
    proc = run_cli("hook", "install", cwd=repo)
    assert proc.returncode == 2
    assert "was not written by orchestrator" in proc.stderr
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    forced = run_cli("hook", "install", "--force", cwd=repo)
    assert "replaced (backup kept)" in forced.stdout
    removed = run_cli("hook", "uninstall", cwd=repo)
    assert "restored" in removed.stdout
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    again = run_cli("hook", "uninstall", cwd=repo)
    assert "pre-commit: not written by orchestrator: left alone" in again.stdout
    assert hook.read_text() == "#!/bin/sh\necho mine\n"


def test_respects_core_hooks_path(repo) -> None:
    git(repo, "config", "core.hooksPath", ".husky/_")
    proc = run_cli("hook", "install", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert (repo / ".husky" / "_" / "pre-commit").is_file()
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_install_is_idempotent_and_uninstall_removes(repo) -> None:
    run_cli("hook", "install", "--pre-push", cwd=repo)
    again = run_cli("hook", "install", "--pre-push", cwd=repo)
    assert again.stdout.count("unchanged") == 2
    gone = run_cli("hook", "uninstall", cwd=repo)  # both, without naming pre-push
    assert gone.stdout.count("removed") == 2
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    assert not (repo / ".git" / "hooks" / "pre-push").exists()


def test_pre_push_ranges_from_stdin() -> None:
    from orchestrator_tool.hooks import ZERO, push_ranges

    text = f"refs/heads/a {'1' * 40} refs/heads/a {'2' * 40}\nrefs/heads/gone {ZERO} refs/heads/gone {'3' * 40}\nrefs/heads/new {'4' * 40} refs/heads/new {ZERO}\n"
    assert push_ranges(text) == [("2" * 40, "1" * 40), ("", "4" * 40)]


def test_pre_push_without_refs_on_stdin_checks_what_head_adds_to_its_upstream(
    repo, tmp_path
) -> None:
    import subprocess

    # the validators decide here; a gate to run would need the package manager
    write(repo / "orchestrator.toml", "[validate]\nstrict = true\n[gates]\ntasks = []\n")
    commit_all(repo, "no gates")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "-u", "origin", "main")
    write(repo / "packages/auth/loose.ts", "export const x: any = 1;\n")
    commit_all(repo, "loose")

    def hook_run_pre_push(stdin: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CI"))}
        return subprocess.run(
            [sys.executable, "-m", "orchestrator_tool", "hook", "run", "pre-push"],
            cwd=repo,
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    # lefthook and some wrappers give pre-push nothing on standard input
    proc = hook_run_pre_push("")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "packages/auth/loose.ts" in proc.stdout
    assert "checking HEAD against its upstream" in proc.stderr
    # a push that only deletes a branch has refs, and nothing to check
    gone = f"refs/heads/old {'0' * 40} refs/heads/old {'1' * 40}\n"
    assert hook_run_pre_push(gone).returncode == 0


def test_hook_in_a_monorepo_below_the_git_top_level(tmp_path) -> None:
    import shutil

    from .conftest import FIXTURES

    outer = tmp_path / "outer"
    shutil.copytree(FIXTURES / "next-forge", outer / "js")
    strict(outer / "js")
    git(outer, "init", "-q")
    commit_all(outer)
    assert run_cli("hook", "install", cwd=outer / "js").returncode == 0
    write(outer / "js/packages/auth/bad.ts", "export const x: any = 1;\n")
    git(outer, "add", "js/packages/auth/bad.ts")
    assert commit(outer) != 0


def test_the_pre_commit_hook_summary_says_the_gates_are_not_run(repo) -> None:
    write(repo / "packages/auth/ok.ts", "export const x: unknown = 1;\n")
    git(repo, "add", "packages/auth/ok.ts")
    proc = run_cli("hook", "run", "pre-commit", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2] == "3 affected packages; gates not run"
    assert re.fullmatch(r"Checked 1 file in \d+\.\d\d s", proc.stdout.splitlines()[-1])


def test_lefthook_pre_push_with_no_refs_on_stdin_refuses_a_push_with_an_error(
    repo, tmp_path
) -> None:
    """lefthook runs its pre-push commands with nothing on standard input: the push of a
    commit holding an error is refused all the same, through a real `git push`."""
    import subprocess

    from .conftest import require_tool

    lefthook = require_tool("lefthook", "npm install -g lefthook@1")
    write(repo / "orchestrator.toml", "[validate]\nstrict = true\n[gates]\ntasks = []\n")
    write(
        repo / "lefthook.yml",
        "pre-push:\n  commands:\n    orchestrator:\n"
        f"      run: {sys.executable} -m orchestrator_tool hook run pre-push\n",
    )
    commit_all(repo, "lefthook")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "-u", "origin", "main")  # before the hook is installed
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CI", "LEFTHOOK"))}
    installed = subprocess.run(
        [lefthook, "install"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    def push() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "push", "origin", "main"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    write(repo / "packages/auth/loose.ts", "export const x: any = 1;\n")
    commit_all(repo, "loose")
    refused = push()
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "packages/auth/loose.ts" in refused.stdout + refused.stderr
    remote_head = git(remote, "rev-parse", "main").strip()
    assert remote_head != git(repo, "rev-parse", "HEAD").strip()  # nothing was pushed

    write(repo / "packages/auth/loose.ts", "export const x: unknown = 1;\n")
    commit_all(repo, "fixed")
    accepted = push()
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(remote, "rev-parse", "main").strip() == git(repo, "rev-parse", "HEAD").strip()


def test_a_hook_whose_tool_is_gone_refuses_and_says_how_to_install_it(repo, tmp_path) -> None:
    """The Python that installed the hook is gone and no `orchestrator` is on PATH: the commit
    is refused with an install command that works (the tool is on no package index)."""
    import shutil
    import subprocess

    from orchestrator_tool.hooks import INSTALL_HINT, REPOSITORY

    from .conftest import REPO, pyproject

    assert run_cli("hook", "install", cwd=repo).returncode == 0
    hook = repo / ".git" / "hooks" / "pre-commit"
    text = hook.read_text()
    hook.write_text(
        text.replace(f"INSTALL_PYTHON={sys.executable}", "INSTALL_PYTHON=/nowhere/python")
    )
    bare = tmp_path / "bin"  # git and a shell, no orchestrator
    bare.mkdir()
    for tool in ("git", "sh"):
        found = shutil.which(tool)
        assert found is not None
        (bare / tool).symlink_to(found)
    write(repo / "packages/auth/ok.ts", "export const x: unknown = 1;\n")
    git(repo, "add", "packages/auth/ok.ts")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@e.x", "commit", "-q", "-m", "x"],
        cwd=repo,
        env={**env, "PATH": str(bare)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert f"orchestrator: not installed ({INSTALL_HINT})" in proc.stderr
    assert "pip install orchestrator-tool" not in proc.stderr  # on no index
    # the repository the hint installs from is the project's own, as pyproject.toml says
    assert pyproject()["project"]["urls"]["Source"] == REPOSITORY
    assert f"pip install 'git+{REPOSITORY}'" in (REPO / "README.md").read_text()
