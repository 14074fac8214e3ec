"""The git layer against real repositories, including awkward file names and states."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator_tool import git
from orchestrator_tool.errors import GitError

from .conftest import commit_all
from .conftest import git as run_git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "r"
    r.mkdir()
    run_git(r, "init", "-q")
    return r


def test_repository_with_no_commits(repo: Path) -> None:
    assert not git.has_commits(repo)
    (repo / "a.ts").write_text("x")
    run_git(repo, "add", "a.ts")
    (repo / "b.ts").write_text("y")
    assert git.diff_staged(repo) == [git.FileChange("A", "a.ts")]
    changes = git.diff_worktree(None, repo)
    assert {(c.status, c.path) for c in changes} == {("A", "a.ts"), ("?", "b.ts")}


@pytest.mark.parametrize(
    "name",
    ["with space.ts", "ünïcödé ✓.ts", "new\nline.ts", 'quote"s.ts', "tab\there.ts", "-dash.ts"],
)
def test_awkward_file_names_survive(repo: Path, name: str) -> None:
    (repo / "keep").write_text("k")
    base = commit_all(repo, "base")
    (repo / name).write_text("x")
    head = commit_all(repo, "add")
    assert git.diff_trees(base, head, repo) == [git.FileChange("A", name)]


def test_rename_reports_old_and_new_path(repo: Path) -> None:
    (repo / "old name.ts").write_text("export const a = 1;\n" * 20)
    base = commit_all(repo)
    run_git(repo, "mv", "old name.ts", "new name.ts")
    head = commit_all(repo)
    assert git.diff_trees(base, head, repo) == [git.FileChange("R", "new name.ts", "old name.ts")]


def test_deleted_file_in_range(repo: Path) -> None:
    (repo / "gone.ts").write_text("x")
    (repo / "stays.ts").write_text("y")
    base = commit_all(repo)
    (repo / "gone.ts").unlink()
    head = commit_all(repo)
    assert git.diff_trees(base, head, repo) == [git.FileChange("D", "gone.ts")]


def test_detached_head(repo: Path) -> None:
    (repo / "a").write_text("1")
    first = commit_all(repo)
    (repo / "a").write_text("2")
    commit_all(repo)
    run_git(repo, "checkout", "-q", "--detach", first)
    assert git.resolve("HEAD", repo) == first
    assert git.resolve("main", repo) != first


def test_worktree_where_dot_git_is_a_file(repo: Path, tmp_path: Path) -> None:
    (repo / "a").write_text("1")
    commit_all(repo)
    wt = tmp_path / "wt"
    run_git(repo, "worktree", "add", "-q", str(wt), "-b", "feature")
    assert (wt / ".git").is_file()
    (wt / "b").write_text("2")
    assert git.toplevel(wt) == wt.resolve()
    assert [c.path for c in git.diff_worktree(None, wt)] == ["b"]


def test_resolve_refuses_option_like_refs(repo: Path) -> None:
    (repo / "a").write_text("1")
    commit_all(repo)
    assert git.resolve("--all", repo) is None
    assert git.resolve("no-such-branch", repo) is None


def test_show_reads_blob_from_commit_and_index(repo: Path) -> None:
    (repo / "a").write_text("committed")
    commit_all(repo)
    (repo / "a").write_text("staged")
    run_git(repo, "add", "a")
    (repo / "a").write_text("worktree")
    assert git.show("HEAD", "a", repo) == b"committed"
    assert git.show("", "a", repo) == b"staged"
    assert git.show("HEAD", "missing", repo) is None


def test_hook_environment_does_not_redirect_git(repo: Path, tmp_path: Path, monkeypatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    run_git(other, "init", "-q")
    (repo / "a").write_text("1")
    commit_all(repo)
    # A hook in another repository exports GIT_DIR; our calls must still see `repo`.
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    assert git.has_commits(repo)


def test_missing_ref_hint_mentions_fetch(repo: Path) -> None:
    (repo / "a").write_text("1")
    commit_all(repo)
    err = git.missing_ref_error("origin/main", repo)
    assert "git fetch origin main" in (err.hint or "")


def test_shallow_clone_hint(tmp_path: Path, repo: Path) -> None:
    for i in range(3):
        (repo / "a").write_text(str(i))
        commit_all(repo)
    shallow = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    assert git.is_shallow(shallow)
    err = git.missing_ref_error("HEAD~2", shallow)
    assert "fetch-depth: 0" in (err.hint or "")


def test_not_a_repository(tmp_path: Path) -> None:
    assert git.toplevel(tmp_path) is None
    with pytest.raises(GitError):
        git.run(["rev-parse", "HEAD"], tmp_path)


def _one_commit_repo(path: Path) -> Path:
    run_git(path, "init", "-q")
    (path / "a.txt").write_text("a\n")
    commit_all(path)
    return path


def test_a_relative_ref_past_the_first_commit_says_the_history_is_too_short(tmp_path) -> None:
    err = git.missing_ref_error("HEAD~1", _one_commit_repo(tmp_path))
    assert "history does not reach HEAD~1" in (err.hint or "")
    assert "git fetch" not in (err.hint or "")
    head = git.missing_ref_error("nosuch", tmp_path, "head")
    assert "--on-missing-base" not in (head.hint or "")  # that option is about the base


def test_a_missing_remote_ref_with_a_suffix_suggests_fetching_the_branch(tmp_path) -> None:
    err = git.missing_ref_error("origin/main~2", _one_commit_repo(tmp_path))
    assert "git fetch origin main`" in (err.hint or "")


def test_repo_prefix_is_the_workspace_folder_inside_the_repository(
    repo: Path, tmp_path: Path
) -> None:
    sub = repo / "apps" / "site"
    sub.mkdir(parents=True)
    assert git.repo_prefix(repo) == ""
    assert git.repo_prefix(sub) == "apps/site/"
    # the same answer when the caller has the top level, and through a symlink to the folder
    top = git.toplevel(sub)
    assert top is not None
    assert git.repo_prefix(sub, top) == "apps/site/"
    link = tmp_path / "link"
    link.symlink_to(sub, target_is_directory=True)
    assert git.repo_prefix(link) == "apps/site/"
    outside = tmp_path / "outside"
    outside.mkdir()
    assert git.repo_prefix(outside) == ""


def test_a_listing_started_early_reads_as_the_listing_and_none_outside_git(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "a.ts").write_text("x")
    commit_all(repo, "a")
    (repo / "new.ts").write_text("y")  # untracked, not ignored: listed too
    with git.PendingListing(repo) as pending:
        assert pending.read() == git.listing(repo)
        assert pending.read() == git.listing(repo)  # read twice, listed once
    listed = git.listing(repo)
    assert listed is not None and sorted(listed.split(b"\0")) == [b"", b"a.ts", b"new.ts"]
    outside = tmp_path / "plain"
    outside.mkdir()
    with git.PendingListing(outside) as pending:
        assert pending.read() is None


def test_a_listing_never_read_is_stopped_when_its_block_ends(repo: Path) -> None:
    with git.PendingListing(repo) as pending:
        proc = pending._proc
    assert proc is not None and proc.returncode is not None  # reaped: no process left behind


def test_removing_a_worktree_forgets_no_other(repo: Path, tmp_path: Path) -> None:
    """The user's worktree whose folder is away (an unmounted drive) keeps its index and HEAD
    when the tool removes a worktree of its own."""
    (repo / "a.ts").write_text("x")
    commit_all(repo, "a")
    theirs, ours = tmp_path / "usb", tmp_path / "ours"
    run_git(repo, "worktree", "add", "-q", "-b", "feature", str(theirs))
    (theirs / "b.ts").write_text("staged work")
    run_git(theirs, "add", "b.ts")
    theirs.rename(tmp_path / "usb.away")
    git.add_worktree(ours, "mine", "HEAD", repo)
    git.remove_worktree(ours, repo)
    git.remove_worktree(ours, repo)  # gone already: no error
    assert not ours.exists()
    (tmp_path / "usb.away").rename(theirs)
    assert run_git(theirs, "diff", "--cached", "--name-only").split() == ["b.ts"]


def test_the_worktree_that_has_a_branch_checked_out(repo: Path, tmp_path: Path) -> None:
    (repo / "a.ts").write_text("x")
    commit_all(repo, "a")
    branch = run_git(repo, "branch", "--show-current").strip()
    assert git.checked_out_at(branch, repo) == repo.resolve()
    run_git(repo, "worktree", "add", "-q", "-b", "orchestrator/x", str(tmp_path / "look"))
    assert git.checked_out_at("orchestrator/x", repo) == (tmp_path / "look").resolve()
    assert git.checked_out_at("nowhere", repo) is None
