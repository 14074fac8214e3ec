"""Affected packages, with real git repositories built from the fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.errors import GitError, MissingRefError, UsageError

from .conftest import commit_all, git, run_cli, write

ALL_NEXT_FORGE = {
    "api",
    "app",
    "docs",
    "web",
    "@repo/analytics",
    "@repo/auth",
    "@repo/database",
    "@repo/design-system",
    "@repo/email",
    "@repo/typescript-config",
}


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo("next-forge")


def branch_with(repo: Path, changes: dict[str, str | None], message: str = "change") -> str:
    """Create branch `feature` off main with the given file writes (None deletes)."""
    git(repo, "checkout", "-q", "-b", "feature")
    for rel, text in changes.items():
        p = repo / rel
        if text is None:
            p.unlink()
        else:
            write(p, text)
    return commit_all(repo, message)


def affected_names(repo: Path, **kwargs) -> dict[str, list[str]]:
    ws = api.load_workspace(repo)
    result = api.affected(ws, cwd=repo, env={}, **kwargs)
    return {p.name: [r.kind for r in p.reasons] for p in result.packages}


def test_change_in_database_affects_its_dependents(repo) -> None:
    branch_with(repo, {"packages/database/prisma/schema.prisma": "model X { id Int @id }\n"})
    got = affected_names(repo, base="main")
    assert got == {
        "@repo/database": ["changed-files"],
        "@repo/auth": ["dependency"],
        "api": ["dependency"],
        "app": ["dependency"],
    }


def test_dependency_reason_names_the_chain(repo) -> None:
    branch_with(repo, {"packages/database/index.ts": "export const x = 1;\n"})
    ws = api.load_workspace(repo)
    result = api.affected(ws, base="main", env={})
    by_name = {p.name: p for p in result.packages}
    (reason,) = by_name["api"].reasons
    assert reason.via == "@repo/database"
    assert reason.chain == ("@repo/database", "api")
    assert by_name["@repo/database"].reasons[0].files == ("packages/database/index.ts",)


def test_no_dependents(repo) -> None:
    branch_with(repo, {"packages/database/index.ts": "export const x = 1;\n"})
    assert affected_names(repo, base="main", dependents=False) == {
        "@repo/database": ["changed-files"]
    }


def test_root_file_outside_packages_affects_nothing(repo) -> None:
    branch_with(repo, {"README.md": "changed\n"})
    ws = api.load_workspace(repo)
    result = api.affected(ws, base="main", env={})
    assert result.packages == ()
    assert result.unowned_files == ("README.md",)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("turbo.json", "turbo-json"),
        ("tsconfig.json", "global-dependency"),  # turbo globalDependencies
    ],
)
def test_global_changes_affect_every_package(repo, path, kind) -> None:
    branch_with(repo, {path: (repo / path).read_text() + "\n"})
    got = affected_names(repo, base="main")
    assert set(got) == ALL_NEXT_FORGE
    assert all(kinds == [kind] for kinds in got.values())


def test_root_package_json_alone_affects_no_package(repo) -> None:
    # As in turbo: root scripts and fields are the root's own; dependency changes reach
    # packages through the lockfile.
    text = (repo / "package.json").read_text()
    branch_with(
        repo,
        {"package.json": text.replace('"private": true', '"private": true, "description": "x"')},
    )
    ws = api.load_workspace(repo)
    result = api.affected(ws, base="main", env={})
    assert result.packages == ()
    assert any("root package.json changed" in n for n in result.notes)


def test_package_the_root_depends_on_affects_everything(repo) -> None:
    manifest = repo / "package.json"
    data = json.loads(manifest.read_text())
    data["devDependencies"]["@repo/typescript-config"] = "workspace:*"
    manifest.write_text(json.dumps(data, indent=2))
    commit_all(repo, "root depends on the shared tsconfig")
    branch_with(repo, {"packages/typescript-config/base.json": "{}\n"})
    got = affected_names(repo, base="main", dependents=False)
    assert set(got) == ALL_NEXT_FORGE
    assert got["api"] == ["root-dependency"]
    assert got["@repo/typescript-config"] == ["changed-files", "root-dependency"]


def test_lockfile_change_in_a_root_dependency_affects_everything(repo) -> None:
    manifest = repo / "package.json"
    data = json.loads(manifest.read_text())
    data["devDependencies"]["@repo/auth"] = "workspace:*"
    manifest.write_text(json.dumps(data, indent=2))
    commit_all(repo, "root depends on auth")
    lock = (repo / "pnpm-lock.yaml").read_text()
    branch_with(
        repo,
        {
            "pnpm-lock.yaml": lock.replace("jose@5.9.6", "jose@5.9.7").replace(
                "version: 5.9.6", "version: 5.9.7"
            )
        },
    )
    got = affected_names(repo, base="main", dependents=False)
    assert set(got) == ALL_NEXT_FORGE
    assert got["@repo/auth"] == ["lockfile", "root-dependency"]
    assert got["web"] == ["root-dependency"]


def test_global_dependency_match_inside_a_package_is_that_packages_file(repo) -> None:
    turbo = repo / "turbo.json"
    turbo.write_text(turbo.read_text().replace('".env",', '".env", "**/settings.json",'))
    commit_all(repo, "more global deps")
    branch_with(repo, {"packages/analytics/settings.json": "{}\n", "settings.json": "{}\n"})
    got = affected_names(repo, base="main")
    assert set(got) == ALL_NEXT_FORGE  # the root settings.json is global
    assert got["@repo/analytics"] == ["changed-files", "global-dependency"]
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "inside-only")
    write(repo / "packages/analytics/settings.json", "{}\n")
    commit_all(repo)
    assert affected_names(repo, base="main") == {
        "@repo/analytics": ["changed-files"],
        "web": ["dependency"],
    }


def test_peer_dependents_are_not_affected(repo) -> None:
    branch_with(repo, {"packages/design-system/index.tsx": "export {};\n"})
    got = affected_names(repo, base="main")
    # email only peer-depends on design-system; docs has it as a devDependency.
    assert set(got) == {"@repo/design-system", "app", "docs", "web"}


def test_lockfile_settings_change_alone_affects_nothing(repo) -> None:
    lock = (repo / "pnpm-lock.yaml").read_text()
    new = lock.replace("autoInstallPeers: true", "autoInstallPeers: false")
    assert new != lock
    branch_with(repo, {"pnpm-lock.yaml": new})
    assert affected_names(repo, base="main") == {}


def test_base_without_head_includes_the_work_tree(repo) -> None:
    branch_with(repo, {"packages/email/index.ts": "export {};\n"})
    write(repo / "packages/analytics/draft.ts", "export {};\n")  # untracked
    assert set(affected_names(repo, base="main", dependents=False)) == {
        "@repo/email",
        "@repo/analytics",
    }
    assert set(affected_names(repo, base="main", head="HEAD", dependents=False)) == {"@repo/email"}


def test_untracked_global_dependency_counts_in_uncommitted_mode(repo) -> None:
    # .env is git-ignored, so it is invisible to git; a committed .env would count.
    write(repo / "apps/web/new.ts", "export {};\n")
    got = affected_names(repo, uncommitted=True)
    assert set(got) == {"web"}


def test_transitive_lockfile_bump_is_attributed(repo) -> None:
    lock = (repo / "pnpm-lock.yaml").read_text()
    assert "styled-jsx@5.1.6" in lock
    branch_with(
        repo,
        {
            "pnpm-lock.yaml": lock.replace("styled-jsx@5.1.6", "styled-jsx@5.1.7").replace(
                "styled-jsx: 5.1.6", "styled-jsx: 5.1.7"
            )
        },
    )
    got = affected_names(repo, base="main")
    assert got == {
        "api": ["lockfile"],
        "app": ["lockfile"],
        "docs": ["lockfile"],
        "web": ["lockfile"],
    }


def test_direct_lockfile_bump_affects_importer_and_dependents(repo) -> None:
    lock = (repo / "pnpm-lock.yaml").read_text()
    new = lock.replace("jose@5.9.6", "jose@5.9.7").replace("version: 5.9.6", "version: 5.9.7")
    assert new != lock
    branch_with(repo, {"pnpm-lock.yaml": new})
    got = affected_names(repo, base="main")
    assert got == {"@repo/auth": ["lockfile"], "api": ["dependency"], "app": ["dependency"]}


def test_root_importer_change_affects_everything(repo) -> None:
    lock = (repo / "pnpm-lock.yaml").read_text()
    new = lock.replace("turbo@2.3.3", "turbo@2.3.4").replace("version: 2.3.3", "version: 2.3.4")
    assert new != lock
    branch_with(repo, {"pnpm-lock.yaml": new})
    got = affected_names(repo, base="main")
    assert set(got) == ALL_NEXT_FORGE
    assert all(kinds == ["lockfile"] for kinds in got.values())


def test_unreadable_lockfile_falls_back_to_all_and_says_so(repo) -> None:
    branch_with(repo, {"pnpm-lock.yaml": "this is not a lockfile\n"})
    ws = api.load_workspace(repo)
    result = api.affected(ws, base="main", env={})
    assert {p.name for p in result.packages} == ALL_NEXT_FORGE
    assert any("could not be read" in n for n in result.notes)


def test_non_pnpm_lockfile_falls_back_to_all(make_repo) -> None:
    repo = make_repo("npm-workspaces")
    lock = repo / "package-lock.json"
    branch_with(repo, {"package-lock.json": lock.read_text().replace("12.1.0", "12.1.1")})
    ws = api.load_workspace(repo)
    result = api.affected(ws, base="main", env={})
    assert len(result.packages) == 4
    assert all(p.reasons[0].kind == "lockfile-unattributed" for p in result.packages)


def test_rename_across_packages_counts_both(repo) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "packages/database/moved").mkdir()
    git(repo, "mv", "packages/auth/password.ts", "packages/database/moved/password.ts")
    commit_all(repo)
    got = affected_names(repo, base="main", dependents=False)
    assert set(got) == {"@repo/auth", "@repo/database"}


def test_deleted_file_counts(repo) -> None:
    branch_with(repo, {"packages/email/templates/welcome.tsx": None})
    assert affected_names(repo, base="main") == {"@repo/email": ["changed-files"]}


def test_merge_base_semantics(repo) -> None:
    # main moves on after the branch forked: those changes are not the branch's.
    branch_with(repo, {"packages/analytics/index.tsx": "export {};\n"})
    git(repo, "checkout", "-q", "main")
    write(repo / "packages/auth/server.ts", "export {};\n")
    commit_all(repo)
    got = affected_names(repo, base="main", head="feature")
    assert set(got) == {"@repo/analytics", "web"}


def test_staged_only_counts_the_index(repo) -> None:
    write(repo / "packages/analytics/index.tsx", "export const staged = 1;\n")
    git(repo, "add", "packages/analytics/index.tsx")
    write(repo / "packages/auth/server.ts", "export const unstaged = 1;\n")
    assert set(affected_names(repo, staged=True)) == {"@repo/analytics", "web"}


def test_uncommitted_counts_unstaged_and_untracked(repo) -> None:
    write(repo / "packages/auth/server.ts", "export const unstaged = 1;\n")
    write(repo / "packages/design-system/new file.tsx", "export {};\n")
    got = affected_names(repo, uncommitted=True, dependents=False)
    assert set(got) == {"@repo/auth", "@repo/design-system"}


def test_staged_lockfile_uses_index_content(repo) -> None:
    lock = repo / "pnpm-lock.yaml"
    original = lock.read_text()
    lock.write_text(
        original.replace("styled-jsx@5.1.6", "styled-jsx@5.1.7").replace(
            "styled-jsx: 5.1.6", "styled-jsx: 5.1.7"
        )
    )
    git(repo, "add", "pnpm-lock.yaml")
    lock.write_text(original)  # the work tree is back, the index is not
    assert set(affected_names(repo, staged=True)) == {"api", "app", "docs", "web"}


def test_files_mode(repo) -> None:
    got = affected_names(repo, files=["packages/auth/server.ts", "packages/gone.ts"])
    assert got == {"@repo/auth": ["changed-files"], "api": ["dependency"], "app": ["dependency"]}


def test_files_outside_root_is_a_usage_error(repo, tmp_path) -> None:
    ws = api.load_workspace(repo)
    with pytest.raises(UsageError, match="outside the monorepo root"):
        api.affected(ws, files=[str(tmp_path / "elsewhere.ts")], cwd=repo, env={})


def test_missing_base_is_an_error_with_a_fix(repo) -> None:
    ws = api.load_workspace(repo)
    with pytest.raises(MissingRefError) as info:
        api.affected(ws, base="origin/main", env={})
    assert "git fetch origin main" in info.value.hint


def test_missing_base_fallback_to_all_is_announced(repo) -> None:
    ws = api.load_workspace(repo)
    result = api.affected(ws, base="origin/main", on_missing_base="all", env={})
    assert {p.name for p in result.packages} == ALL_NEXT_FORGE
    assert "--on-missing-base=all" in result.notes[0]
    assert result.packages[0].reasons[0].kind == "missing-base"


def test_shallow_clone_error_mentions_fetch_depth(repo, tmp_path) -> None:
    for i in range(3):
        write(repo / "packages/auth/server.ts", f"export const v = {i};\n")
        commit_all(repo)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    proc = run_cli("affected", "--base", "HEAD~2", cwd=shallow)
    assert proc.returncode == 2
    assert "fetch-depth: 0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_github_base_ref_is_used_and_announced(repo) -> None:
    branch_with(repo, {"packages/analytics/index.tsx": "export {};\n"})
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    ws = api.load_workspace(repo)
    result = api.affected(ws, env={"CI": "true", "GITHUB_BASE_REF": "main"})
    assert {p.name for p in result.packages} == {"@repo/analytics", "web"}
    assert result.changes.base == "origin/main"
    assert "GITHUB_BASE_REF" in result.notes[0]


def test_the_first_push_of_a_new_branch_is_compared_with_the_default_branch(repo, tmp_path) -> None:
    branch_with(repo, {"packages/analytics/index.tsx": "export {};\n"})
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    ws = api.load_workspace(repo)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": "0" * 40, "repository": {"default_branch": "main"}}))
    github = {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(event),
    }
    gitlab = {"CI": "true", "CI_COMMIT_BEFORE_SHA": "0" * 40, "CI_DEFAULT_BRANCH": "main"}
    for env in (github, gitlab):
        result = api.affected(ws, env=env)
        assert result.changes.base == "origin/main"
        assert {p.name for p in result.packages} == {"@repo/analytics", "web"}
        assert "new branch" in result.notes[0]


def test_turbo_scm_variables_are_honoured(repo) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    second = branch_with(repo, {"packages/email/index.ts": "export {};\n"})
    branch_with_more = {"packages/auth/server.ts": "export {};\n"}
    for rel, text in branch_with_more.items():
        write(repo / rel, text)
    commit_all(repo)
    ws = api.load_workspace(repo)
    result = api.affected(ws, env={"TURBO_SCM_BASE": first, "TURBO_SCM_HEAD": second})
    assert [p.name for p in result.packages] == ["@repo/email"]


def test_ci_without_base_is_an_error(repo) -> None:
    ws = api.load_workspace(repo)
    with pytest.raises(UsageError, match="no base"):
        api.affected(ws, env={"CI": "true"})


def test_default_base_is_main_and_announced(repo) -> None:
    branch_with(repo, {"packages/email/index.ts": "export {};\n"})
    ws = api.load_workspace(repo)
    result = api.affected(ws, env={})
    assert [p.name for p in result.packages] == ["@repo/email"]
    assert "default branch main" in result.notes[0]


def test_repository_without_commits(make_repo) -> None:
    repo = make_repo("next-forge", commit=False)
    git(repo, "add", "packages/email")
    ws = api.load_workspace(repo)
    assert {p.name for p in api.affected(ws, staged=True, env={}).packages} == {"@repo/email"}
    with pytest.raises(GitError, match="no commits"):
        api.affected(ws, base="main", env={})


def test_monorepo_in_a_subfolder_of_the_git_repository(tmp_path, make_repo) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    import shutil

    from .conftest import FIXTURES

    shutil.copytree(FIXTURES / "next-forge", outer / "js")
    write(outer / "backend/main.go", "package main\n")
    git(outer, "init", "-q")
    commit_all(outer)
    git(outer, "checkout", "-q", "-b", "feature")
    write(outer / "backend/main.go", "package main // changed\n")
    write(outer / "js/packages/analytics/index.tsx", "export {};\n")
    commit_all(outer)
    ws = api.load_workspace(outer / "js")
    result = api.affected(ws, base="main", env={})
    assert {p.name for p in result.packages} == {"@repo/analytics", "web"}
    assert [f.path for f in result.changes.files] == ["packages/analytics/index.tsx"]
    assert "outside the monorepo root" in result.notes[0]


def test_awkward_file_names_in_a_package(repo) -> None:
    branch_with(repo, {"packages/auth/we ird\nname ü.ts": "export {};\n"})
    ws = api.load_workspace(repo)
    result = api.affected(ws, base="main", dependents=False, env={})
    assert result.packages[0].reasons[0].files == ("packages/auth/we ird\nname ü.ts",)


# ------------------------------------------------------------------ the command line


def test_cli_json_output_matches_its_schema(repo) -> None:
    import jsonschema

    branch_with(repo, {"packages/database/index.ts": "export const x = 2;\n"})
    proc = run_cli("affected", "--base", "main", "--json", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    schema = json.loads(run_cli("affected", "--schema", cwd=repo).stdout)
    jsonschema.validate(doc, schema)
    assert doc["changedFiles"] == [
        {"path": "packages/database/index.ts", "status": "M", "oldPath": None}
    ]
    assert [p["name"] for p in doc["packages"]] == ["api", "app", "@repo/auth", "@repo/database"]
    assert doc["packages"][0]["reasons"][0]["kind"] == "dependency"


def test_cli_print_filter(repo) -> None:
    branch_with(repo, {"packages/auth/server.ts": "export {};\n"})
    proc = run_cli("affected", "--base", "main", "--print", "filter", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["--filter=api", "--filter=app", "--filter=@repo/auth"]


def test_cli_text_output(repo) -> None:
    branch_with(repo, {"packages/auth/server.ts": "export {};\n"})
    proc = run_cli("affected", "--base", "main", cwd=repo)
    assert proc.returncode == 0
    assert "3 of 10 packages affected" in proc.stdout
    assert "depends on @repo/auth (dependencies)" in proc.stdout


def test_cli_missing_base_exit_code(repo) -> None:
    proc = run_cli("affected", "--base", "origin/nope", cwd=repo)
    assert proc.returncode == 2
    assert proc.stderr.startswith("orchestrator: base ref 'origin/nope' does not exist")
    assert "Traceback" not in proc.stderr


def test_cli_conflicting_sources(repo) -> None:
    proc = run_cli("affected", "--staged", "--uncommitted", cwd=repo)
    assert proc.returncode == 2
    assert "choose one change source" in proc.stderr


def test_affected_inside_a_git_worktree(repo, tmp_path) -> None:
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(wt), "-b", "feature")
    assert (wt / ".git").is_file()
    write(wt / "packages/email/index.ts", "export {};\n")
    commit_all(wt)
    got = affected_names(wt, base="main", head="feature")
    assert got == {"@repo/email": ["changed-files"]}


def test_detached_head_range(repo) -> None:
    branch_with(repo, {"packages/email/index.ts": "export {};\n"})
    sha = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "--detach", sha)
    assert affected_names(repo, base="main") == {"@repo/email": ["changed-files"]}


def test_a_package_that_is_a_submodule_is_affected_when_its_commit_moves(repo, tmp_path) -> None:
    sdk = tmp_path / "sdk"
    write(sdk / "package.json", json.dumps({"name": "@repo/sdk", "version": "1.0.0"}))
    write(sdk / "index.ts", "export const v = 1;\n")
    git(sdk, "init", "-q")
    commit_all(sdk, "sdk")
    git(
        repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sdk), "packages/sdk"
    )
    commit_all(repo, "the sdk as a submodule")
    assert "@repo/sdk" in {p.name for p in api.load_workspace(repo).packages}

    write(repo / "packages/sdk/index.ts", "export const v = 2;\n")
    commit_all(repo / "packages/sdk", "sdk 2")
    git(repo, "add", "packages/sdk")  # the parent stages the submodule's new commit
    result = api.affected(api.load_workspace(repo), staged=True, dependents=False, env={})
    assert [(p.name, p.reasons[0].files) for p in result.packages] == [
        ("@repo/sdk", ("packages/sdk",))
    ]
