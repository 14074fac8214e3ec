"""`--new-from-rev REV`: only the findings REV does not have, matched by code and line text
(with an occurrence index), through real git repositories: lines moved, files renamed, added
and deleted, identical lines, package-level findings, the baseline, the cache, the hooks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from orchestrator_tool import api

from .conftest import commit_all, git, run_cli, strict, write

LEGACY = """\
export type Row = Record<string, any>;

export function first(rows: any[]) {
  return rows[0];
}

export const parse = (raw: string): any => JSON.parse(raw);
"""


ANY = "ANY001 no-explicit-any"


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge", commit=False)
    strict(r)
    write(r / "packages/auth/legacy.ts", LEGACY)
    commit_all(r, "initial")
    return r


def found(repo: Path, **kwargs: object) -> list[tuple[str, str, int]]:
    options = api.ValidateOptions(cwd=repo, **kwargs)  # type: ignore[arg-type]
    report = api.validate(api.load_workspace(repo), options)
    return [(d.code, d.path, d.line) for d in report.diagnostics]


def test_without_a_change_nothing_is_new(repo) -> None:
    assert len(found(repo)) == 4  # legacy.ts's three, and an ERR003 of the fixture
    report = api.validate(api.load_workspace(repo), api.ValidateOptions(new_from_rev="HEAD"))
    assert report.diagnostics == ()
    assert report.preexisting == 4 and report.new_from_rev == "HEAD"


def test_moved_lines_keep_their_findings_old_and_an_added_any_is_new(repo) -> None:
    moved = """\
export const parse = (raw: string): any => JSON.parse(raw);

// rows come from the import job
export function first(rows: any[]) {
  return rows[0];
}

export function last(rows: any[]) {
  return rows[rows.length - 1];
}

export type Row = Record<string, any>;
"""
    write(repo / "packages/auth/legacy.ts", moved)
    expected = [("ANY001", "packages/auth/legacy.ts", 8)]
    assert found(repo, new_from_rev="HEAD") == expected  # the work tree against HEAD
    commit_all(repo, "last")
    assert found(repo, new_from_rev="HEAD~1") == expected  # a commit against its parent
    assert found(repo, new_from_rev="HEAD") == []
    # re-indented (white space is folded in the line's text): still the same findings
    write(
        repo / "packages/auth/legacy.ts",
        moved.replace("export function first", "  export function first"),
    )
    assert found(repo, new_from_rev="HEAD") == []


def test_a_line_that_is_edited_is_judged_again(repo) -> None:
    write(
        repo / "packages/auth/legacy.ts",
        LEGACY.replace("rows: any[]", "rows: any[], limit = 1"),
    )
    assert found(repo, new_from_rev="HEAD", select=["ANY001"]) == [
        ("ANY001", "packages/auth/legacy.ts", 3)
    ]


def test_identical_lines_are_told_apart_by_their_occurrence(repo) -> None:
    two = "export interface A {\n  value: any;\n}\n\nexport interface B {\n  value: any;\n}\n"
    write(repo / "packages/auth/shapes.ts", two)
    commit_all(repo, "shapes")
    three = two + "\nexport interface C {\n  value: any;\n}\n"
    write(repo / "packages/auth/shapes.ts", three)
    assert found(repo, new_from_rev="HEAD") == [("ANY001", "packages/auth/shapes.ts", 10)]
    # one removed and one added elsewhere: as many as before, nothing new
    write(
        repo / "packages/auth/shapes.ts",
        three.replace("export interface A {\n  value: any;\n}\n\n", ""),
    )
    assert found(repo, new_from_rev="HEAD") == []


def test_renamed_files_are_compared_with_their_old_path(repo) -> None:
    (repo / "packages/auth/lib").mkdir()
    git(repo, "mv", "packages/auth/legacy.ts", "packages/auth/lib/rows.ts")
    write(
        repo / "packages/auth/lib/rows.ts",
        LEGACY + "\nexport const empty: any = null;\n",
    )
    git(repo, "add", "packages/auth/lib/rows.ts")
    new = [("ANY001", "packages/auth/lib/rows.ts", 9)]
    assert found(repo, staged=True, new_from_rev="HEAD") == new  # the index against HEAD
    assert found(repo, new_from_rev="HEAD") == new  # the work tree against HEAD
    commit_all(repo, "move")
    assert found(repo, new_from_rev="HEAD~1") == new
    assert found(repo, paths=["packages/auth/lib"], new_from_rev="HEAD~1") == new


def test_a_file_moved_to_a_package_that_lacks_its_dependency_has_a_new_finding(repo) -> None:
    write(
        repo / "packages/auth/tokens.ts",
        'import { jwtVerify } from "jose";\n\nexport const verify = jwtVerify;\n',
    )
    commit_all(repo, "tokens")
    git(repo, "mv", "packages/auth/tokens.ts", "packages/email/tokens.ts")
    # @repo/email does not declare jose: the move brings the finding, at REV there was none
    assert found(repo, new_from_rev="HEAD") == [("IMP003", "packages/email/tokens.ts", 1)]


def test_new_files_have_only_new_findings_and_deleted_ones_none(repo) -> None:
    write(repo / "packages/auth/fresh.ts", "export const a: any = 1;\nexport const b: any = 2;\n")
    (repo / "packages/auth/legacy.ts").unlink()
    expected = [
        ("ANY001", "packages/auth/fresh.ts", 1),
        ("ANY001", "packages/auth/fresh.ts", 2),
    ]
    assert found(repo, new_from_rev="HEAD") == expected  # untracked
    git(repo, "add", "-A")
    assert found(repo, staged=True, new_from_rev="HEAD") == expected
    # a file git ignores, named on the command line, is not at REV either
    write(repo / ".gitignore", (repo / ".gitignore").read_text() + "scratch.ts\n")
    write(repo / "packages/auth/scratch.ts", "export const c: any = 3;\n")
    assert found(repo, paths=["packages/auth/scratch.ts"], new_from_rev="HEAD") == [
        ("ANY001", "packages/auth/scratch.ts", 1)
    ]


def test_a_dependency_already_missing_at_rev_is_not_new(repo) -> None:
    write(
        repo / "packages/auth/dates.ts", 'import dayjs from "dayjs";\n\nexport const d = dayjs;\n'
    )
    commit_all(repo, "dates")
    # another import of the same undeclared package: the same missing line, not new
    write(
        repo / "packages/auth/legacy.ts",
        'import dayjs from "dayjs";\n' + LEGACY + "export const now = dayjs();\n",
    )
    assert found(repo, new_from_rev="HEAD", select=["IMP"]) == []
    # a package no file imported at REV is
    write(repo / "packages/auth/legacy.ts", 'import slug from "slugify";\n' + LEGACY)
    assert found(repo, new_from_rev="HEAD", select=["IMP"]) == [
        ("IMP003", "packages/auth/legacy.ts", 1)
    ]


def test_the_baseline_and_new_from_rev_both_apply(repo) -> None:
    baseline = repo / "baseline.json"
    ws = api.load_workspace(repo)
    api.validate(ws, api.ValidateOptions(baseline=baseline, update_baseline=True))
    entries = baseline.read_text()
    write(repo / "packages/auth/legacy.ts", LEGACY + "export const more: any = 1;\n")
    # the baseline alone reports the new any; with new-from-rev too, still only it
    assert found(repo, baseline=baseline) == [("ANY001", "packages/auth/legacy.ts", 8)]
    report = api.validate(
        ws, api.ValidateOptions(baseline=baseline, new_from_rev="HEAD", update_baseline=True)
    )
    assert [(d.path, d.line) for d in report.diagnostics] == [("packages/auth/legacy.ts", 8)]
    assert report.baselined == 4 and report.preexisting == 0
    # updating the baseline under new-from-rev sees every finding: nothing accepted is lost
    assert baseline.read_text() == entries
    # a finding the baseline accepts is not reported, even when it is new since REV
    api.validate(ws, api.ValidateOptions(baseline=baseline, grow_baseline=True))
    assert found(repo, baseline=baseline, new_from_rev="HEAD") == []


def test_rev_content_is_checked_through_a_cache_of_its_own(repo, monkeypatch) -> None:
    from orchestrator_tool.engine import runner

    checked: list[list[str]] = []
    real = runner.run

    def counting(root, files, *args, **kwargs):  # type: ignore[no-untyped-def]
        checked.append([rel for rel, _ in files])
        return real(root, files, *args, **kwargs)

    monkeypatch.setattr(runner, "run", counting)
    write(repo / "packages/auth/legacy.ts", LEGACY + "export const more: any = 1;\n")
    first = found(repo, new_from_rev="HEAD")
    assert ["packages/auth/legacy.ts"] in checked  # HEAD's content, checked once
    checked.clear()
    assert found(repo, new_from_rev="HEAD") == first
    assert checked == []  # both sides came from the caches: nothing was run


def test_config_sets_the_revision_and_an_empty_one_turns_it_off(repo) -> None:
    write(repo / "orchestrator.toml", '[validate]\nstrict = true\nnew-from-rev = "HEAD"\n')
    write(repo / "packages/auth/legacy.ts", LEGACY + "export const more: any = 1;\n")
    proc = run_cli("validate", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert "packages/auth/legacy.ts\n  8:20  error" in proc.stdout
    assert "already at HEAD" in proc.stdout
    every = run_cli("validate", "--new-from-rev", "", "--format", "json", cwd=repo)
    import json

    doc = json.loads(every.stdout)
    assert doc["summary"]["newFromRev"] is None
    assert len(doc["diagnostics"]) == 5  # all of them


def test_a_revision_that_does_not_exist_is_a_usage_error(repo) -> None:
    for command in ("validate", "check"):
        proc = run_cli(command, "--new-from-rev", "no-such-branch", cwd=repo)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "new-from-rev ref 'no-such-branch' does not exist" in proc.stderr
        assert "Traceback" not in proc.stderr
    proc = run_cli("validate", "--new-from-rev", "HEAD~5", cwd=repo)
    assert proc.returncode == 2
    assert "HEAD exists, but its history does not reach HEAD~5" in proc.stderr


def test_check_reports_only_what_the_change_adds(repo) -> None:
    write(repo / "packages/auth/legacy.ts", "// rows\n" + LEGACY + "export const more: any = 1;\n")
    git(repo, "add", "-A")
    args = ("check", "--staged", "--only", "validate")
    everything = run_cli(*args, cwd=repo)
    assert everything.returncode == 1
    assert everything.stdout.count(ANY) == 4
    new = run_cli(*args, "--new-from-rev", "HEAD", cwd=repo)
    assert new.returncode == 1, new.stdout + new.stderr
    assert new.stdout.count(ANY) == 1 and "9:20" in new.stdout
    commit_all(repo, "more")
    ranged = run_cli(
        "check", "--only", "validate", "--base", "HEAD~1", "--head", "HEAD", "--as-hook", cwd=repo
    )
    assert ranged.returncode == 1, ranged.stdout + ranged.stderr
    assert ranged.stdout.count(ANY) == 1 and "already at" in ranged.stdout


def _commit(repo: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@e.x", "commit", "-q", "-m", "c"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_pre_commit_hook_blocks_only_what_the_commit_adds(repo) -> None:
    assert run_cli("hook", "install", cwd=repo).returncode == 0
    # a legacy any elsewhere in a touched file does not block the commit
    write(repo / "packages/auth/legacy.ts", LEGACY + "export const count = 1;\n")
    git(repo, "add", "packages/auth/legacy.ts")
    done = _commit(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    # a new one does
    write(repo / "packages/auth/legacy.ts", LEGACY + "export const count: any = 1;\n")
    git(repo, "add", "packages/auth/legacy.ts")
    refused = _commit(repo)
    said = refused.stdout + refused.stderr  # git gives a hook's output to stderr
    assert refused.returncode != 0
    assert "8:21" in said and said.count(ANY) == 1
    # the opt-out: every finding of the touched files blocks again
    write(repo / "orchestrator.toml", "[validate]\nstrict = true\n[hook]\nnew-only = false\n")
    write(repo / "packages/auth/legacy.ts", LEGACY + "export const total = 2;\n")
    git(repo, "add", "-A")
    refused = _commit(repo)
    assert refused.returncode != 0
    assert (refused.stdout + refused.stderr).count(ANY) == 3


def test_a_workspace_finding_is_new_when_its_manifest_changed(make_repo) -> None:
    repo = make_repo("unprefixed")
    everything = found(repo)
    assert [(c, p) for c, p, _ in everything] == [("IMP006", "packages/logger/package.json")]
    assert found(repo, new_from_rev="HEAD") == []  # the manifest is as it was
    manifest = repo / "packages/logger/package.json"
    manifest.write_text(
        manifest.read_text().replace('"private"', '"description": "logs",\n  "private"')
    )
    assert found(repo, new_from_rev="HEAD") == everything


def test_the_first_commit_has_only_new_findings(tmp_path) -> None:
    repo = tmp_path / "fresh"
    write(repo / "package.json", '{"name": "fresh", "private": true}\n')
    write(repo / "src/index.ts", "export const x: any = 1;\n")
    strict(repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    proc = run_cli("hook", "run", "pre-commit", cwd=repo)  # no HEAD to compare with
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "src/index.ts\n  1:17" in proc.stdout
