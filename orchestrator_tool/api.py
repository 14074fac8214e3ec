"""The public Python API: what the CLI (and any plugin or script) calls.

>>> from orchestrator_tool import api
>>> ws = api.load_workspace()
>>> result = api.affected(ws, base="origin/main")
>>> [p.name for p in result.packages]
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from . import git
from .affected import Affected, ChangedFile, ChangeSet, Reason, compute
from .errors import GitError, MissingRefError, UsageError
from .workspace import Workspace, find_root, scan

__all__ = [
    "affected",
    "changes_from_files",
    "changes_from_range",
    "changes_staged",
    "changes_uncommitted",
    "detect_ci_base",
    "load_workspace",
    "resolve_change_source",
]


def load_workspace(root: Path | None = None, cwd: Path | None = None) -> Workspace:
    """Scan the monorepo at ``root`` (default: found from ``cwd`` upwards)."""
    if root is None:
        root = find_root(cwd or Path.cwd())
    elif not root.is_dir():
        raise UsageError(f"--root {root} is not a folder")
    return scan(root)


# --------------------------------------------------------------------------- git helpers


class _Repo:
    """The git repository around a workspace, and path conversion between the two."""

    def __init__(self, ws: Workspace) -> None:
        top = git.toplevel(ws.root)
        if top is None:
            raise GitError(
                f"{ws.root} is not inside a git repository",
                hint="run `git init`, or pass the changed files as arguments instead",
            )
        self.top = top.resolve()
        rel = ws.root.relative_to(self.top).as_posix()
        self.prefix = "" if rel == "." else rel + "/"

    def to_ws(self, git_path: str) -> str | None:
        if not self.prefix:
            return git_path
        if git_path.startswith(self.prefix):
            return git_path[len(self.prefix) :]
        return None

    def to_git(self, ws_path: str) -> str:
        return self.prefix + ws_path

    def convert(self, changes: Sequence[git.FileChange]) -> tuple[list[ChangedFile], int]:
        files: list[ChangedFile] = []
        outside = 0
        for c in changes:
            path = self.to_ws(c.path)
            old = self.to_ws(c.old_path) if c.old_path else None
            if path is None and old is None:
                outside += 1
                continue
            if path is None:  # moved out of the monorepo: the old path still counts
                files.append(ChangedFile(old or "", "D"))
                continue
            files.append(ChangedFile(path, c.status, old))
        return files, outside


def _outside_note(n: int) -> tuple[str, ...]:
    return (f"{n} changed file(s) outside the monorepo root were ignored",) if n else ()


# --------------------------------------------------------------------------- change sources


def changes_from_range(ws: Workspace, base: str, head: str | None = None) -> ChangeSet:
    """Files changed on ``head`` since it forked from ``base`` (``git diff base...head``).

    Without ``head``, the work tree is the head: committed, staged, unstaged and untracked
    changes since the fork point all count (as with turbo's ``--affected``)."""
    repo = _Repo(ws)
    if not git.has_commits(repo.top):
        raise GitError(
            "the repository has no commits yet, so there is no base to compare with",
            hint="use --staged or --uncommitted, or commit first",
        )
    head_ref = head or "HEAD"
    head_sha = git.resolve(head_ref, repo.top)
    if head_sha is None:
        raise git.missing_ref_error(head_ref, repo.top, "head")
    base_sha = git.resolve(base, repo.top)
    if base_sha is None:
        raise git.missing_ref_error(base, repo.top, "base")
    mb = git.merge_base(base_sha, head_sha, repo.top)
    if mb is None:
        raise MissingRefError(
            f"{base} and {head_ref} have no common ancestor in this clone",
            hint="this is usually a shallow clone: fetch more history "
            "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)",
        )
    if head is None:
        files, outside = repo.convert(git.diff_worktree(mb, repo.top))
    else:
        files, outside = repo.convert(git.diff_trees(mb, head_sha, repo.top))
    return ChangeSet(
        source="range" if head is not None else "range+worktree",
        files=tuple(files),
        base=base,
        head=head,
        base_sha=base_sha,
        head_sha=head_sha,
        merge_base=mb,
        notes=_outside_note(outside),
    )


def changes_staged(ws: Workspace) -> ChangeSet:
    """What the next commit would change: the index against HEAD."""
    return _local_changes(ws, "staged", git.diff_staged)


def changes_uncommitted(ws: Workspace) -> ChangeSet:
    """Staged, unstaged and untracked changes against HEAD."""
    return _local_changes(ws, "uncommitted", lambda top: git.diff_worktree(None, top))


def _local_changes(
    ws: Workspace, source: str, diff: Callable[[Path], list[git.FileChange]]
) -> ChangeSet:
    repo = _Repo(ws)
    files, outside = repo.convert(diff(repo.top))
    head_sha = git.resolve("HEAD", repo.top)
    return ChangeSet(
        source,
        tuple(files),
        base="HEAD",
        head_sha=head_sha,
        base_sha=head_sha,
        notes=_outside_note(outside),
    )


def changes_from_files(ws: Workspace, files: Sequence[str], cwd: Path | None = None) -> ChangeSet:
    """A hand-made change: the given paths (relative to ``cwd``), existing or deleted."""
    cwd = (cwd or Path.cwd()).resolve()
    out: list[ChangedFile] = []
    for f in files:
        p = Path(f)
        absolute = p if p.is_absolute() else cwd / p
        absolute = Path(os.path.normpath(absolute))
        try:
            rel = absolute.relative_to(ws.root).as_posix()
        except ValueError:
            raise UsageError(
                f"{f} is outside the monorepo root {ws.root}",
                hint="pass files inside the monorepo, or --root the monorepo they belong to",
            ) from None
        out.append(ChangedFile(rel, "" if absolute.exists() else "D"))
    return ChangeSet("files", tuple(dict.fromkeys(out)))


# --------------------------------------------------------------------------- CI


def detect_ci_base(env: Mapping[str, str] | None = None) -> tuple[str, str | None, str] | None:
    """(base ref, head ref or None, where it came from) from conventional CI variables."""
    env = os.environ if env is None else env
    if env.get("TURBO_SCM_BASE"):
        return env["TURBO_SCM_BASE"], env.get("TURBO_SCM_HEAD") or None, "TURBO_SCM_BASE"
    if env.get("GITHUB_BASE_REF"):
        return f"origin/{env['GITHUB_BASE_REF']}", None, "GITHUB_BASE_REF (pull request)"
    event_path = env.get("GITHUB_EVENT_PATH")
    if env.get("GITHUB_ACTIONS") and event_path and env.get("GITHUB_EVENT_NAME") == "push":
        try:
            with open(event_path, encoding="utf-8") as fh:
                event = json.load(fh)
            before = event.get("before") if isinstance(event, dict) else None
        except (OSError, ValueError):
            before = None
        if isinstance(before, str) and before.strip("0"):
            return before, None, "GITHUB_EVENT_PATH `before` (push)"
    if env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        return (
            env["CI_MERGE_REQUEST_DIFF_BASE_SHA"],
            None,
            "CI_MERGE_REQUEST_DIFF_BASE_SHA (GitLab)",
        )
    before_sha = env.get("CI_COMMIT_BEFORE_SHA", "")
    if before_sha.strip("0"):
        return before_sha, None, "CI_COMMIT_BEFORE_SHA (GitLab push)"
    for var, label in (
        ("BUILDKITE_PULL_REQUEST_BASE_BRANCH", "Buildkite"),
        ("BITBUCKET_PR_DESTINATION_BRANCH", "Bitbucket"),
        ("SYSTEM_PULLREQUEST_TARGETBRANCH", "Azure Pipelines"),
        ("CHANGE_TARGET", "Jenkins"),
    ):
        value = env.get(var, "")
        if value and value != "false":
            branch = value.removeprefix("refs/heads/")
            return f"origin/{branch}", None, f"{var} ({label})"
    return None


def _default_base(top: Path) -> str | None:
    for ref in ("origin/HEAD", "main", "master", "origin/main", "origin/master"):
        if git.resolve(ref, top) is not None:
            return ref
    return None


def resolve_change_source(
    ws: Workspace,
    *,
    base: str | None = None,
    head: str | None = None,
    staged: bool = False,
    uncommitted: bool = False,
    files: Sequence[str] = (),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ChangeSet:
    """Pick the change source the flags ask for; with none, the CI's base or the default
    branch (and say which was used)."""
    chosen = [x for x in (base is not None, staged, uncommitted, bool(files)) if x]
    if len(chosen) > 1:
        raise UsageError("choose one change source: --base, --staged, --uncommitted or files")
    if head is not None and base is None and (staged or uncommitted or files):
        raise UsageError("--head goes with --base")
    if staged:
        return changes_staged(ws)
    if uncommitted:
        return changes_uncommitted(ws)
    if files:
        return changes_from_files(ws, files, cwd)
    if base is not None:
        return changes_from_range(ws, base, head)
    env = os.environ if env is None else env
    detected = detect_ci_base(env)
    if detected is not None:
        ref, ci_head, source = detected
        cs = changes_from_range(ws, ref, head or ci_head)
        return _with_note(cs, f"base {ref} taken from {source}")
    if env.get("CI"):
        raise UsageError(
            "running in CI but no base was given and none could be detected",
            hint="pass --base origin/main (with enough history fetched), or set TURBO_SCM_BASE",
        )
    repo = _Repo(ws)
    default = _default_base(repo.top)
    if default is None:
        raise UsageError(
            "no change source given and no default branch (main, master) found",
            hint="pass --base REF, --staged, --uncommitted, or the changed files",
        )
    cs = changes_from_range(ws, default, head)
    return _with_note(cs, f"no source given: compared with the default branch {default}")


def _with_note(cs: ChangeSet, note: str) -> ChangeSet:
    from dataclasses import replace

    return replace(cs, notes=(note, *cs.notes))


# --------------------------------------------------------------------------- affected


def _lockfile_reader(ws: Workspace, cs: ChangeSet) -> tuple[str | None, str | None]:
    assert ws.lockfile is not None
    repo = _Repo(ws)
    gpath = repo.to_git(ws.lockfile)

    def blob(rev: str) -> str | None:
        data = git.show(rev, gpath, repo.top)
        return data.decode("utf-8", "replace") if data is not None else None

    def worktree() -> str | None:
        try:
            return (ws.root / ws.lockfile).read_text(encoding="utf-8") if ws.lockfile else None
        except OSError:
            return None

    if cs.source == "range":
        assert cs.merge_base and cs.head_sha
        return blob(cs.merge_base), blob(cs.head_sha)
    if cs.source == "range+worktree":
        assert cs.merge_base
        return blob(cs.merge_base), worktree()
    old = blob("HEAD") if cs.base_sha or cs.source == "files" else None
    if cs.source == "staged":
        return old, blob("")
    return old, worktree()


def affected(
    ws: Workspace,
    *,
    base: str | None = None,
    head: str | None = None,
    staged: bool = False,
    uncommitted: bool = False,
    files: Sequence[str] = (),
    dependents: bool = True,
    on_missing_base: str = "error",
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Affected:
    """The packages a change affects, each with the reasons why.

    ``on_missing_base="all"`` turns a base that does not exist locally into "every package is
    affected", announced in the result's notes, instead of an error.
    """
    if on_missing_base not in ("error", "all"):
        raise UsageError("--on-missing-base must be `error` or `all`")
    try:
        cs = resolve_change_source(
            ws,
            base=base,
            head=head,
            staged=staged,
            uncommitted=uncommitted,
            files=files,
            cwd=cwd,
            env=env,
        )
    except MissingRefError as exc:
        if on_missing_base != "all":
            raise
        note = f"{exc.message}; every package counts as affected (--on-missing-base=all)"
        cs = ChangeSet("range", (), base=base, head=head, notes=(note,))
        return compute(
            ws,
            cs,
            dependents=False,
            everything_because=Reason("missing-base", note),
        )

    def reader() -> tuple[str | None, str | None]:
        try:
            return _lockfile_reader(ws, cs)
        except GitError:
            return None, None

    return compute(ws, cs, dependents=dependents, lockfile_versions=reader)
