"""Links in a repository never lead a read or a write outside it, and a file reached by two
paths is checked and fixed once."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from ..conftest import commit_all, git, run_cli, write

FIX_ANY = "[validators.ANY001]\noptions = { fixToUnknown = true }\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root / "package.json", json.dumps({"name": "root", "private": True}))
    write(root / "pnpm-workspace.yaml", "packages:\n  - packages/*\n")
    write(root / "packages/lib/package.json", json.dumps({"name": "@repo/lib"}))
    write(root / "packages/lib/index.ts", "export const ok: unknown = 1;\n")
    write(root / "orchestrator.toml", FIX_ANY)
    git(root, "init", "-q")
    commit_all(root, "initial")
    return root


def _json(repo: Path, *args: str) -> dict:
    proc = run_cli("validate", "--format", "json", "--no-cache", *args, cwd=repo)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_a_link_to_a_file_outside_is_neither_read_nor_written(repo: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere/secret.ts", "export const password: any = 'hunter2';\n")
    before = outside.read_bytes()
    os.symlink(outside, repo / "packages/lib/secret.ts")
    commit_all(repo, "a link out")
    doc = _json(repo)
    assert [d["path"] for d in doc["diagnostics"]] == []
    assert {
        "path": "packages/lib/secret.ts",
        "reason": "a link to a file outside the repository",
    } in (doc["summary"]["skipped"])
    assert "hunter2" not in json.dumps(doc)
    run_cli("validate", "--fix", "--unsafe-fixes", "--no-cache", cwd=repo)
    assert outside.read_bytes() == before


def test_a_link_to_a_device_is_refused_at_once(repo: Path) -> None:
    os.symlink("/dev/zero", repo / "packages/lib/zero.ts")
    commit_all(repo, "a link to a device")
    started = time.monotonic()
    doc = _json(repo)
    assert time.monotonic() - started < 10
    assert {
        "path": "packages/lib/zero.ts",
        "reason": "a link to a file outside the repository",
    } in (doc["summary"]["skipped"])


def test_a_file_reached_by_a_link_and_its_own_path_is_checked_and_fixed_once(repo: Path) -> None:
    real = write(repo / "packages/lib/types.ts", "export const x: any = 1;\n")
    os.symlink("types.ts", repo / "packages/lib/alias.ts")
    commit_all(repo, "a link to a file of the repository")
    doc = _json(repo)
    assert [d["path"] for d in doc["diagnostics"]] == ["packages/lib/types.ts"]
    proc = run_cli("validate", "--fix", "--unsafe-fixes", "--no-cache", cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert real.read_text() == "export const x: unknown = 1;\n"
    assert os.path.islink(repo / "packages/lib/alias.ts")


def test_workspace_globs_do_not_follow_a_link_out_of_the_root(repo: Path, tmp_path: Path) -> None:
    # an outside folder that looks like a package, reached by a committed link under a `**`
    outside = tmp_path / "elsewhere"
    write(outside / "pkg/package.json", json.dumps({"name": "@outside/pkg"}))
    write(outside / "pkg/index.ts", "export const x: any = 1;\n")
    write(repo / "pnpm-workspace.yaml", "packages:\n  - packages/**\n  - vendor/*\n")
    os.symlink(outside, repo / "packages/elsewhere")
    os.symlink("/", repo / "packages/disk")
    os.makedirs(repo / "vendor")
    os.symlink(outside / "pkg", repo / "vendor/pkg")  # named by a one-level wildcard
    os.symlink("../packages/lib", repo / "vendor/lib")  # a link inside the root is followed
    commit_all(repo, "links out of the root")
    started = time.monotonic()
    proc = run_cli("scan", "--json", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 10  # `/` is never walked
    paths = sorted(p["path"] for p in json.loads(proc.stdout)["packages"])
    assert "packages/elsewhere/pkg" not in paths and "vendor/pkg" not in paths
    assert "packages/lib" in paths and "vendor/lib" in paths


def test_a_package_manifest_linked_from_outside_is_not_a_package(
    repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"name": "@outside/leak", "version": "1.0.0"}))
    os.makedirs(repo / "packages/linked")
    os.symlink(outside, repo / "packages/linked/package.json")
    commit_all(repo, "a manifest link out")
    proc = run_cli("scan", "--json", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    names = [p["name"] for p in json.loads(proc.stdout)["packages"]]
    assert "@outside/leak" not in names
