"""`orchestrator check` end to end with real pnpm and real TypeScript on
fixtures/monorepos/gates (see its README): a type error in @gates/database fails the typecheck
gates of database and its dependents, leaves the unrelated packages alone, and passes again
once fixed. `.ci/run` installs pnpm; the packages come from the npm registry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.gates import run_gates

from .conftest import FIXTURES, commit_all, git, run_cli, write
from .conftest import pnpm as require_pnpm

TYPE_ERROR = (
    "export function findUser(id: string): User {",
    "export function findUser(id: string, tenantId: string): User {",
)
PNPM_ENV = {
    "npm_config_manage_package_manager_versions": "false",
    "TURBO_TELEMETRY_DISABLED": "1",
    "DO_NOT_TRACK": "1",
    "TURBO_NO_UPDATE_NOTIFIER": "1",
}


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    pnpm = require_pnpm()
    for k, v in PNPM_ENV.items():
        monkeypatch.setenv(k, v)
    r = tmp_path / "gates"
    shutil.copytree(FIXTURES / "gates", r)
    git(r, "init", "-q")
    commit_all(r, "initial")
    proc = subprocess.run(
        [pnpm, "install", "--frozen-lockfile", "--prefer-offline", "--reporter=silent"],
        cwd=r,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **PNPM_ENV},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    git(r, "checkout", "-q", "-b", "feature")
    return r


def break_database(repo: Path) -> None:
    src = repo / "packages/database/src/index.ts"
    text = src.read_text()
    assert TYPE_ERROR[0] in text
    src.write_text(text.replace(*TYPE_ERROR))
    commit_all(repo, "findUser needs a tenant")


def gate_table(doc: dict) -> dict[tuple[str, str], str]:
    return {(g["task"], g["path"]): g["status"] for g in doc["gates"]}


@pytest.mark.parametrize("runner", ["pnpm", "auto"])  # auto: turbo is installed in the fixture
def test_type_error_fails_database_and_its_dependents_only(repo, runner) -> None:
    write(repo / "orchestrator.toml", f'[gates]\nrunner = "{runner}"\ntasks = ["typecheck"]\n')
    commit_all(repo, "config")
    break_database(repo)
    proc = run_cli("check", "--base", "main", "--format", "json", cwd=repo, env=PNPM_ENV)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert sorted(doc["affected"]) == ["@gates/api", "@gates/database", "web"]
    assert gate_table(doc) == {
        ("typecheck", "packages/database"): "failed",
        ("typecheck", "packages/api"): "failed",
        ("typecheck", "apps/web"): "failed",
    }
    database = next(g for g in doc["gates"] if g["path"] == "packages/database")
    assert "TS2554" in database["outputTail"]
    assert database["command"][-1 if runner == "pnpm" else 1] in ("typecheck", "run")

    # fixed (the parameter becomes optional): the same check runs the same gates and passes
    src = repo / "packages/database/src/index.ts"
    src.write_text(src.read_text().replace("tenantId: string", "tenantId?: string"))
    commit_all(repo, "fix")
    fixed = run_cli("check", "--base", "main", "--format", "json", cwd=repo, env=PNPM_ENV)
    assert fixed.returncode == 0, fixed.stdout[-2000:]
    assert gate_table(json.loads(fixed.stdout)) == {
        ("typecheck", "packages/database"): "passed",
        ("typecheck", "packages/api"): "passed",
        ("typecheck", "apps/web"): "passed",
    }


def test_text_report_and_skipped_packages(repo) -> None:
    write(repo / "packages/api/src/extra.ts", "export const extra = 1;\n")
    commit_all(repo)
    proc = run_cli("check", "--base", "main", "--tasks", "test", cwd=repo, env=PNPM_ENV)
    assert proc.returncode == 0, proc.stdout
    lines = proc.stdout.splitlines()
    assert any(ln.startswith("test (packages/api) ....") and "Passed" in ln for ln in lines)
    assert any(
        ln.startswith("test (apps/web) ....") and "Skipped (no `test` script)" in ln for ln in lines
    )
    assert "2 affected packages; gates: 1 passed, 0 failed, 1 skipped" in proc.stdout
    # the validators' line first (they run first), then the gates as they finish
    first_gate = next(i for i, ln in enumerate(lines) if ln.startswith("test ("))
    assert lines[0].startswith("validate (1 file)") and first_gate > 0


def test_nothing_affected_exits_quickly(repo) -> None:
    write(repo / "README.md", "docs only\n")
    commit_all(repo)
    proc = run_cli("check", "--base", "main", cwd=repo, env=PNPM_ENV)
    assert proc.returncode == 0
    assert "0 affected packages; gates: 0 passed, 0 failed, 0 skipped" in proc.stdout


def test_gate_timeout_and_failure_codes_through_pnpm(repo) -> None:
    ws = api.load_workspace(repo)
    slow = ws.by_name["@gates/slow"]
    results = run_gates(
        ws, [slow], ["hang", "fail", "noisy"], runner="pnpm", timeout=3, max_output=2048
    )
    by_task = {r.task: r for r in results}
    assert by_task["hang"].status == "timeout"
    assert (by_task["fail"].status, by_task["fail"].exit_code) == ("failed", 3)
    assert by_task["noisy"].status == "passed"
    assert by_task["noisy"].truncated and by_task["noisy"].output_bytes >= 2_000_000


def test_secret_values_are_redacted_from_gate_output(repo, monkeypatch) -> None:
    monkeypatch.setenv("DEPLOY_TOKEN", "tok_live_4f9a8c2e71")
    ws = api.load_workspace(repo)
    (result,) = run_gates(ws, [ws.by_name["@gates/slow"]], ["deploy"], runner="pnpm")
    assert result.status == "failed"
    assert "pushing with ***" in result.output
    assert "tok_live_4f9a8c2e71" not in result.output


def test_test_gate_kills_the_grandchild_on_timeout(repo, tmp_path) -> None:
    pidfile = tmp_path / "slow.json"
    os.environ["GATES_SLOW_PIDFILE"] = str(pidfile)
    try:
        ws = api.load_workspace(repo)
        (result,) = run_gates(ws, [ws.by_name["@gates/slow"]], ["test"], runner="pnpm", timeout=3)
    finally:
        del os.environ["GATES_SLOW_PIDFILE"]
    assert result.status == "timeout"
    pids = json.loads(pidfile.read_text())
    import time

    from .test_gates_process import alive

    deadline = time.monotonic() + 5
    while any(alive(p) for p in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in pids.values())


def test_matrix_and_shards(repo) -> None:
    break_database(repo)
    matrix = json.loads(run_cli("affected", "--base", "main", "--matrix", cwd=repo).stdout)
    assert matrix["include"][:2] == [
        {"package": "@gates/database", "path": "packages/database", "task": "typecheck"},
        {"package": "@gates/api", "path": "packages/api", "task": "typecheck"},
    ]
    pairs = {(m["task"], m["path"]) for m in matrix["include"]}
    assert ("test", "apps/web") not in pairs  # no script, no job
    ws = api.load_workspace(repo)
    pkgs = [ws.by_name[n] for n in ("@gates/database", "@gates/api", "web")]
    plan = [
        (r.task, r.path)
        for k in (1, 2)
        for r in run_gates(ws, pkgs, ["typecheck"], runner="pnpm", shard=(k, 2))
    ]
    assert sorted(plan) == sorted(
        ("typecheck", p.path) for p in pkgs
    )  # the shards cover it all, once


def test_missing_runner_is_a_clear_error(repo) -> None:
    env = {**PNPM_ENV, "PATH": "/usr/bin:/bin"}
    shutil.rmtree(repo / "node_modules")
    write(repo / "orchestrator.toml", '[gates]\nrunner = "pnpm"\n')
    write(repo / "packages/unrelated/src/x.ts", "export const x = 1;\n")
    commit_all(repo)
    proc = run_cli("check", "--base", "main", "--only", "gates", cwd=repo, env=env)
    assert proc.returncode == 2
    assert "pnpm is not installed" in proc.stderr
    assert "npm install -g pnpm" in proc.stderr


def test_a_task_turbo_does_not_define_runs_through_the_package_manager(repo) -> None:
    # turbo.json defines typecheck and test only; `fail` is a script of @gates/slow
    ws = api.load_workspace(repo)
    slow = ws.by_name["@gates/slow"]
    (fail,) = run_gates(ws, [slow], ["fail"], runner="auto", timeout=60)
    assert (fail.status, fail.exit_code) == ("failed", 3)  # the script's own exit code
    assert Path(fail.command[0]).name == "pnpm" and "--filter" in fail.command
    (typecheck,) = run_gates(ws, [slow], ["typecheck"], runner="auto", timeout=120)
    assert Path(typecheck.command[0]).name == "turbo"  # a task turbo defines stays with turbo


def test_turbo_defines_reads_the_root_and_a_packages_own_tasks(tmp_path) -> None:
    from orchestrator_tool.gates import turbo_defines

    r = tmp_path / "gates"
    shutil.copytree(FIXTURES / "gates", r)
    slow_turbo = r / "packages/slow/turbo.json"
    slow_turbo.write_text(
        '{"extends": ["//"], "tasks": {"noisy": {}, "typecheck": {"dependsOn": ["fail"]}}}\n'
    )
    ws = api.load_workspace(r)
    slow = ws.by_name["@gates/slow"]
    assert turbo_defines(ws, "typecheck", slow)  # the root's
    assert turbo_defines(ws, "noisy", slow)  # the package's own
    assert not turbo_defines(ws, "fail", slow)  # only named in a dependsOn
