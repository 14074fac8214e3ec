"""One file cannot stall or end a run: a file whose checks overrun `[validate] file-timeout` or
kill their worker is reported as not checked, the other files are checked, and the exit code
says the run is incomplete."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.engine.crashes import Crash

from ..conftest import commit_all, run_cli, strict, write
from ._processes import hostile_plugin

ANY = "export const loose: any = 1;\n"


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge", commit=False)
    strict(r)
    write(r / "orchestrator.toml", "[validate]\nstrict = true\nfile-timeout = 1\n")
    commit_all(r, "initial")
    return r


def validate(repo: Path, plugin: Path, *args: str):
    env = {"PYTHONPATH": str(plugin)}
    return run_cli("validate", "--select", "ANY001,ZZZ998", *args, cwd=repo, env=env)


def test_a_file_that_overruns_its_budget_is_reported_and_the_run_goes_on(
    repo: Path, tmp_path: Path
) -> None:
    plugin = hostile_plugin(tmp_path)
    write(repo / "packages/auth/stuck.ts", "// @@slow\n" + ANY)
    write(repo / "packages/auth/loose.ts", ANY)
    start = time.monotonic()
    proc = validate(repo, plugin, "--format", "json")
    took = time.monotonic() - start
    assert took < 10, took
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["crashes"] == ["packages/auth/stuck.ts: not checked: timed out after 1s"]
    # the stuck file's own finding is not reported: it was not checked
    assert [d["path"] for d in doc["diagnostics"]] == ["packages/auth/loose.ts"]
    assert "orchestrator: packages/auth/stuck.ts: not checked: timed out after 1s" in proc.stderr


def test_an_incomplete_run_fails_even_without_findings(repo: Path, tmp_path: Path) -> None:
    plugin = hostile_plugin(tmp_path)
    write(repo / "packages/auth/stuck.ts", "// @@slow\nexport const a = 1;\n")
    proc = validate(repo, plugin, "packages/auth/stuck.ts")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "packages/auth/stuck.ts: not checked: timed out after 1s" in proc.stdout
    assert "0 errors, 0 warnings in 0 files" in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("marker", "why"),
    [("@@exit", "parser crashed (exit code 7)"), ("@@segv", "parser crashed (killed by SIGSEGV)")],
)
def test_a_file_that_kills_its_worker_is_reported_and_the_run_goes_on(
    repo: Path, tmp_path: Path, marker: str, why: str
) -> None:
    plugin = hostile_plugin(tmp_path)
    write(repo / "packages/auth/crash.ts", f"// {marker}\n" + ANY)
    write(repo / "packages/auth/loose.ts", ANY)
    proc = validate(repo, plugin, "--format", "json")
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["crashes"] == [f"packages/auth/crash.ts: not checked: {why}"]
    assert [d["path"] for d in doc["diagnostics"]] == ["packages/auth/loose.ts"]


def test_the_rest_of_a_workers_batch_is_checked_by_its_replacement(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More files than a small run, over two workers: the hostile files sit in the middle of
    # batches, with files after them in the same batch that have findings.
    monkeypatch.syspath_prepend(str(hostile_plugin(tmp_path)))
    for i in range(160):
        marker = {40: "// @@slow\n", 41: "// @@exit\n", 120: "// @@exit\n"}.get(i, "")
        write(repo / f"packages/auth/many/f{i:03}.ts", marker + ANY)
    ws = api.load_workspace(repo)
    report = api.validate(
        ws,
        api.ValidateOptions(
            paths=["packages/auth/many"], cwd=repo, select=["ANY001", "ZZZ998"], jobs=2
        ),
    )
    assert sorted(report.crashes, key=str) == [
        Crash("packages/auth/many/f040.ts", None, "timed out after 1s"),
        Crash("packages/auth/many/f041.ts", None, "parser crashed (exit code 7)"),
        Crash("packages/auth/many/f120.ts", None, "parser crashed (exit code 7)"),
    ]
    found = sorted(d.path.rpartition("/")[2] for d in report.diagnostics)
    assert found == [f"f{i:03}.ts" for i in range(160) if i not in (40, 41, 120)]
    assert report.files_checked == 157
    assert not report.complete


def test_a_file_not_checked_is_not_cached_and_keeps_its_baseline_entries(
    repo: Path, tmp_path: Path
) -> None:
    plugin = hostile_plugin(tmp_path)
    write(repo / "packages/auth/loose.ts", ANY)
    baseline = tmp_path / "baseline.json"
    args = ("--baseline", str(baseline))
    assert validate(repo, plugin, *args, "--update-baseline").returncode == 0
    accepted = baseline.read_text()
    assert "packages/auth/loose.ts" in accepted
    # The file now stalls its checks: the run cannot say its finding is gone.
    write(repo / "packages/auth/loose.ts", "// @@slow\n" + ANY)
    proc = validate(repo, plugin, *args, "--update-baseline")
    assert proc.returncode == 3
    assert "packages/auth/loose.ts: not checked: timed out after 1s" in proc.stdout
    assert baseline.read_text() == accepted
    # nor is it served from the cache as a clean file the next time
    again = validate(repo, plugin, *args)
    assert "packages/auth/loose.ts: not checked: timed out after 1s" in again.stdout
    assert again.returncode == 3


def test_no_budget_with_file_timeout_0(repo: Path, tmp_path: Path) -> None:
    write(repo / "orchestrator.toml", "[validate]\nstrict = true\nfile-timeout = 0\n")
    plugin = hostile_plugin(tmp_path)
    write(repo / "packages/auth/crash.ts", "// @@exit\n" + ANY)
    proc = validate(repo, plugin, "packages/auth/crash.ts")
    # still isolated: the crash is the file's, not the run's
    assert "packages/auth/crash.ts: not checked: parser crashed (exit code 7)" in proc.stdout
    assert proc.returncode == 3


def test_file_timeout_must_not_be_negative(repo: Path) -> None:
    write(repo / "orchestrator.toml", "[validate]\nfile-timeout = -1\n")
    proc = run_cli("validate", cwd=repo)
    assert proc.returncode == 2
    assert "file-timeout" in proc.stderr and "Traceback" not in proc.stderr


def test_an_error_in_the_engine_is_still_an_internal_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not a crash of a parser: a bug of ours, raised in the worker, is raised as it would be
    # in-process (exit 3 from the command line), not hidden as a file not checked.
    from orchestrator_tool.engine import runner

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("a bug")

    monkeypatch.setattr(runner, "check_source", broken)
    with pytest.raises(ValueError, match="a bug"):
        api.validate(
            api.load_workspace(repo), api.ValidateOptions(paths=["packages/auth"], cwd=repo)
        )


def test_check_says_the_validation_is_incomplete(repo: Path, tmp_path: Path) -> None:
    plugin = hostile_plugin(tmp_path)
    write(repo / "packages/auth/stuck.ts", "// @@slow\nexport const a = 1;\n")
    env = {"PYTHONPATH": str(plugin)}
    proc = run_cli("check", "--base", "HEAD", "--only", "validate", cwd=repo, env=env)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "validate (0 files)" in proc.stdout and "Incomplete" in proc.stdout
    assert "packages/auth/stuck.ts: not checked: timed out after 1s" in proc.stdout
