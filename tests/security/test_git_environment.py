"""Whatever the environment says, the tool's git calls run no fsmonitor, and an index in the
middle of a merge conflict is read, not crashed on."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from ..conftest import commit_all, git, run_cli, write


def _repo(root: Path) -> Path:
    write(root / "package.json", json.dumps({"name": "root", "private": True}))
    write(root / "pnpm-workspace.yaml", "packages:\n  - packages/*\n")
    write(root / "packages/lib/package.json", json.dumps({"name": "@repo/lib"}))
    write(root / "packages/lib/index.ts", "export const ok: unknown = 1;\n")
    git(root, "init", "-q")
    commit_all(root, "initial")
    return root


def test_an_fsmonitor_set_through_git_config_variables_never_runs(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    marker = tmp_path / "fsmonitor-ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    env = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "core.fsmonitor",
        "GIT_CONFIG_VALUE_0": str(hook),
    }
    # the variables work: a plain `git status` runs the monitor with them
    subprocess.run(
        ["git", "status", "--short"],
        cwd=repo,
        env={**os.environ, **env},
        capture_output=True,
        check=False,
    )
    assert marker.exists()
    marker.unlink()
    write(repo / "packages/lib/index.ts", "export const ok: any = 1;\n")
    git(repo, "add", "-A")
    for args in (
        ("affected", "--uncommitted"),
        ("affected", "--staged"),
        ("validate", "--staged", "--no-cache"),
        ("validate", "--no-cache"),
        ("check", "--staged", "--only", "validate", "--no-cache"),
    ):
        proc = run_cli(*args, cwd=repo, env=env)
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
        assert not marker.exists(), f"{' '.join(args)} ran the fsmonitor"


def test_validate_staged_during_a_merge_conflict_on_a_file_name_with_a_space(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path / "repo")
    name = "packages/lib/my file.ts"
    write(repo / name, "export const a: unknown = 1;\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "other")
    write(repo / name, "export const a: unknown = 2;\n")
    commit_all(repo, "theirs")
    git(repo, "checkout", "-q", "main")
    write(repo / name, "export const a: any = 3;\n")
    commit_all(repo, "ours")
    merge = git_may_fail(repo, "merge", "other")
    assert merge != 0  # a conflict: the file has stages 1, 2 and 3 in the index
    write(repo / "packages/lib/clean.ts", "export const b: any = 1;\n")
    git(repo, "add", "packages/lib/clean.ts")
    proc = run_cli("validate", "--staged", "--no-cache", "--format", "json", cwd=repo)
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr
    paths = {d["path"] for d in json.loads(proc.stdout)["diagnostics"]}
    # the staged file is checked; the unmerged one has no staged content to check yet
    assert paths == {"packages/lib/clean.ts"}


def git_may_fail(repo: Path, *args: str) -> int:
    try:
        git(repo, *args)
    except AssertionError:
        return 1
    return 0
