"""Every git call of the tool.

Argument lists only (never a shell), NUL-separated output (``-z``), no external diff drivers or
text conversion, fsmonitor off, and an environment without the ``GIT_*`` variables a hook
inherits that would point git at another repository.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import GitError, MissingRefError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

# Variables a hook may inherit that would redirect git; GIT_INDEX_FILE is kept on purpose:
# `git commit -a` and `git commit <path>` run hooks against a temporary index.
_KEEP = {
    "GIT_EXEC_PATH",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_SSL_CAINFO",
    "GIT_SSL_NO_VERIFY",
    "GIT_CONFIG_COUNT",
    "GIT_HTTP_PROXY_AUTHMETHOD",
    "GIT_ALLOW_PROTOCOL",
    "GIT_ASKPASS",
    "GIT_INDEX_FILE",
}


def git_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GIT_")
        or k in _KEEP
        or k.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))
    }
    env["GIT_OPTIONAL_LOCKS"] = "0"  # read-only calls must not take index.lock
    env["LC_ALL"] = "C"
    return env


_BASE = ("git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=false")


def run(
    args: Sequence[str], cwd: Path, *, check: bool = True, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        proc = subprocess.run(
            [*_BASE, *args],
            cwd=cwd,
            env=git_env(),
            input=stdin if stdin is not None else b"",
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError(
            "git is not installed or not on PATH", hint="install git and try again"
        ) from None
    if check and proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            f"git {args[0]} failed: {err[-1] if err else 'exit ' + str(proc.returncode)}"
        )
    return proc


def _split_z(data: bytes) -> list[str]:
    return [p.decode("utf-8", "surrogateescape") for p in data.split(b"\0") if p]


def toplevel(cwd: Path) -> Path | None:
    proc = run(["rev-parse", "--show-toplevel"], cwd, check=False)
    if proc.returncode != 0:
        return None
    return Path(proc.stdout.decode("utf-8", "surrogateescape").strip())


_LISTING = ("ls-files", "-z", "--cached", "--others", "--exclude-standard")


def listing(cwd: Path) -> bytes | None:
    """`git ls-files -z` of the tracked and the untracked-but-not-ignored files under ``cwd``;
    None outside a git repository. One git call: the listing is asked first, and only when it
    fails is git asked whether ``cwd`` is in a repository at all (then the failure is an
    error)."""
    proc = run(_LISTING, cwd, check=False)
    return _listed(cwd, proc.returncode, proc.stdout)


def _listed(cwd: Path, returncode: int, stdout: bytes) -> bytes | None:
    if returncode == 0:
        return stdout
    if toplevel(cwd) is None:
        return None
    return run(_LISTING, cwd).stdout  # raises, with git's reason


class PendingListing:
    """`listing(cwd)` started now and read later: git walks the work tree on another core while
    the caller does other work. Use it as a context manager: leaving the block stops a listing
    that was never read, so no process outlives the call."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._result: tuple[bytes | None] | None = None
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                [*_BASE, *_LISTING],
                cwd=cwd,
                env=git_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError:
            self._proc = None  # read() asks again the usual way, which says what is wrong

    def read(self) -> bytes | None:
        if self._result is None:
            if self._proc is None:
                self._result = (listing(self.cwd),)
            else:
                out, _ = self._proc.communicate()
                self._result = (_listed(self.cwd, self._proc.returncode, out),)
        return self._result[0]

    def __enter__(self) -> PendingListing:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None and self._proc.returncode is None:
            self._proc.kill()
            self._proc.communicate()


def repo_prefix(root: Path, top: Path | None = None) -> str:
    """The folder ``root`` (a workspace) is in inside its git repository, as the repository's
    paths start with it: ``"apps/site/"``, ``""`` at the top or outside git. A workspace path
    is a repository path without it. ``top`` is the repository's top level when the caller
    has it already (one git call less)."""
    if top is None:
        top = toplevel(root)
        if top is None:
            return ""
    rel = root.resolve().relative_to(top.resolve()).as_posix()
    return "" if rel == "." else rel + "/"


def has_commits(cwd: Path) -> bool:
    return run(["rev-parse", "-q", "--verify", "HEAD^{commit}"], cwd, check=False).returncode == 0


def is_shallow(cwd: Path) -> bool:
    proc = run(["rev-parse", "--is-shallow-repository"], cwd, check=False)
    return proc.stdout.strip() == b"true"


def resolve(ref: str, cwd: Path) -> str | None:
    """The commit a ref names, or None when it does not exist locally."""
    if ref.startswith("-"):
        return None
    proc = run(
        ["rev-parse", "-q", "--verify", "--end-of-options", ref + "^{commit}"], cwd, check=False
    )
    if proc.returncode != 0:
        return None
    return proc.stdout.decode().strip()


def missing_ref_error(ref: str, cwd: Path, what: str = "base") -> MissingRefError:
    if is_shallow(cwd):
        hint = (
            "this is a shallow clone: fetch the history it needs, e.g. `git fetch --unshallow` "
            "or, in GitHub Actions, `actions/checkout` with `fetch-depth: 0`"
        )
    else:
        stem = re.split(r"[~^]", ref, maxsplit=1)[0]
        if stem != ref and resolve(stem or "HEAD", cwd) is not None:
            hint = f"{stem or 'HEAD'} exists, but its history does not reach {ref}"
        else:
            name = stem or ref
            remote_ref = name.split("/", 1)[1] if name.startswith("origin/") else name
            hint = f"check the name, or fetch it first, e.g. `git fetch origin {remote_ref}`"
        if what == "base":
            hint += "; `orchestrator affected --on-missing-base=all` counts every package instead"
    return MissingRefError(f"{what} ref {ref!r} does not exist in this clone", hint=hint)


def merge_base(a: str, b: str, cwd: Path) -> str | None:
    proc = run(["merge-base", a, b], cwd, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode().strip()


@dataclass(frozen=True, slots=True)
class FileChange:
    """One changed path, relative to the repository's top level (POSIX separators)."""

    status: str  # A, M, D, R, C, T, U, or "?" for untracked
    path: str
    old_path: str | None = None


def _parse_name_status(data: bytes) -> list[FileChange]:
    parts = _split_z(data)
    changes: list[FileChange] = []
    i = 0
    while i < len(parts):
        status = parts[i]
        code = status[:1]
        if code in ("R", "C"):
            changes.append(FileChange(code, parts[i + 2], parts[i + 1]))
            i += 3
        else:
            changes.append(FileChange(code, parts[i + 1]))
            i += 2
    return changes


_DIFF = (
    "--no-ext-diff",
    "--no-textconv",
    "--name-status",
    "-z",
    "-M",
    "--no-color",
    "--ignore-submodules=none",
)


def diff_trees(base: str, head: str, cwd: Path) -> list[FileChange]:
    return _parse_name_status(run(["diff", *_DIFF, base, head, "--"], cwd).stdout)


def diff_staged(cwd: Path, against: str | None = None) -> list[FileChange]:
    """The index against ``against`` (HEAD by default), renames detected."""
    if against is None:
        against = "HEAD" if has_commits(cwd) else EMPTY_TREE
    return _parse_name_status(run(["diff", "--cached", *_DIFF, against, "--"], cwd).stdout)


def diff_worktree(base: str | None, cwd: Path) -> list[FileChange]:
    """Staged + unstaged changes against ``base`` (HEAD by default) plus untracked files."""
    if base is None:
        base = "HEAD" if has_commits(cwd) else EMPTY_TREE
    changes = _parse_name_status(run(["diff", *_DIFF, base, "--"], cwd).stdout)
    if base == EMPTY_TREE:
        # Nothing committed yet: `git diff <tree>` compares against the index only for
        # tracked files, so add what is staged explicitly.
        seen = {c.path for c in changes}
        for path in _split_z(run(["ls-files", "-z", "--cached"], cwd).stdout):
            if path not in seen:
                changes.append(FileChange("A", path))
                seen.add(path)
    untracked = _split_z(run(["ls-files", "-z", "--others", "--exclude-standard"], cwd).stdout)
    changes.extend(FileChange("?", p) for p in untracked)
    return changes


def show(rev: str, path: str, cwd: Path) -> bytes | None:
    """The blob of ``path`` at ``rev`` (``""`` for the index), or None when it is not there."""
    proc = run(["cat-file", "blob", f"{rev}:{path}"], cwd, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout


def tracked(cwd: Path) -> set[str]:
    """The paths in the index (relative to ``cwd``, the top level)."""
    return set(_split_z(run(["ls-files", "-z", "--cached"], cwd).stdout))


def check_ignored(paths: Sequence[str], cwd: Path) -> set[str]:
    """The subset of ``paths`` (relative to ``cwd``) that git ignores."""
    if not paths:
        return set()
    data = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths)
    proc = run(["check-ignore", "-z", "--stdin"], cwd, check=False, stdin=data)
    return set(_split_z(proc.stdout))


def read_index_blobs(paths: Sequence[str], cwd: Path) -> dict[str, bytes]:
    """The staged content of ``paths`` (relative to the top level), in one git process."""
    return read_blobs(paths, cwd, "")


def read_blobs(paths: Sequence[str], cwd: Path, rev: str) -> dict[str, bytes]:
    """The content of ``paths`` (relative to the top level) at ``rev`` (``""``: the index), in
    one git process; a path missing there is left out."""
    blobs: dict[str, bytes] = {}
    # --batch reads one name per line: a name with a newline goes through its own call.
    for odd in [p for p in paths if "\n" in p]:
        blob = show(rev, odd, cwd)
        if blob is not None:
            blobs[odd] = blob
    paths = [p for p in paths if "\n" not in p]
    if not paths:
        return blobs
    head = rev.encode("utf-8", "surrogateescape") + b":"
    request = b"".join(head + p.encode("utf-8", "surrogateescape") + b"\n" for p in paths)
    out = run(["cat-file", "--batch"], cwd, stdin=request).stdout
    pos = 0
    for p in paths:
        nl = out.index(b"\n", pos)
        line = out[pos:nl]
        pos = nl + 1
        # "<name> missing" (an unmerged path has no stage 0) or "<name> ambiguous": the
        # name may hold spaces, so the found form "<oid> <type> <size>" is read from the right
        if line.endswith((b" missing", b" ambiguous")):
            continue
        size = int(line.rsplit(b" ", 1)[1])
        blobs[p] = out[pos : pos + size]
        pos += size + 1  # the blob is followed by a newline
    return blobs


# --------------------------------------------------------------------------- plan runs
# `plan run` works on branches and worktrees of its own: the user's work tree, index and stash
# are never read from or written to (no checkout, no stash, no merge in the user's tree).


def common_dir(cwd: Path) -> Path:
    """The repository's shared git folder (the same from every worktree)."""
    out = run(["rev-parse", "--path-format=absolute", "--git-common-dir"], cwd).stdout
    return Path(out.decode("utf-8", "surrogateescape").strip())


def set_branch(name: str, commit: str, cwd: Path, old: str | None = None) -> None:
    """Point branch ``name`` at ``commit`` (created when missing). With ``old``, only when it
    still points there (a compare-and-swap: nothing else moved it meanwhile)."""
    run(["update-ref", f"refs/heads/{name}", commit, *([old] if old is not None else [])], cwd)


def add_worktree(path: Path, branch: str, start: str, cwd: Path) -> None:
    """A new worktree at ``path`` on branch ``branch``, (re)set to ``start``."""
    run(["worktree", "add", "--quiet", "-B", branch, str(path), start], cwd)


def add_detached_worktree(path: Path, commit: str, cwd: Path) -> None:
    """A new worktree at ``path`` with ``commit`` checked out, on no branch (no branch moves)."""
    run(["worktree", "add", "--quiet", "--detach", str(path), commit], cwd)


def remove_worktree(path: Path, cwd: Path) -> None:
    """Remove the worktree at ``path`` (its changes too) and forget it; no error when gone.
    Only that worktree: no `git worktree prune`, which would also forget the user's own
    worktrees whose folder is missing for now (an unmounted drive), their index with them."""
    run(["worktree", "remove", "--force", "--force", str(path)], cwd, check=False)


def checked_out_at(branch: str, cwd: Path) -> Path | None:
    """The worktree (the main one included) that has ``branch`` checked out, if one has."""
    out = run(["worktree", "list", "--porcelain", "-z"], cwd, check=False).stdout
    here: str | None = None
    for field in _split_z(out):
        if field.startswith("worktree "):
            here = field.removeprefix("worktree ")
        elif field == f"branch refs/heads/{branch}" and here is not None:
            return Path(here)
    return None


def _identity(cwd: Path) -> list[str]:
    """``-c`` options naming the tool as the author when the repository names no one (a fresh
    CI machine): a commit must not fail for want of user.email."""
    if run(["var", "GIT_COMMITTER_IDENT"], cwd, check=False).returncode == 0:
        return []
    return ["-c", "user.name=orchestrator", "-c", "user.email=orchestrator@localhost"]


def commit_everything(message: str, cwd: Path) -> str | None:
    """Commit every change of the worktree at ``cwd`` (untracked files too, ignored ones not),
    without hooks: the tool runs its own checks. The new commit, or None when nothing changed."""
    run(["add", "-A"], cwd)
    if run(["diff", "--cached", "--quiet"], cwd, check=False).returncode == 0:
        return None
    run([*_identity(cwd), "commit", "--quiet", "--no-verify", "-m", message], cwd)
    return resolve("HEAD", cwd)


def commits(base: str, head: str, cwd: Path) -> list[tuple[str, str]]:
    """The commits reachable from ``head`` and not from ``base``, oldest first: (hash,
    subject)."""
    proc = run(["log", "--reverse", "--no-merges", "-z", "--format=%H %s", f"{base}..{head}"], cwd)
    return [(h, subject) for h, _, subject in (x.partition(" ") for x in _split_z(proc.stdout))]


@dataclass(frozen=True, slots=True)
class Merge:
    commit: str | None  # the merge commit, None on a conflict
    conflicts: tuple[str, ...]  # the paths that conflict
    onto: str  # the target's tip the merge commit was made on (its first parent)


def merge_commit(target: str, commit: str, message: str, cwd: Path) -> Merge:
    """The commit merging ``commit`` into branch ``target``, made without a work tree (`git
    merge-tree`, git 2.38 or newer) and not yet on any branch: the caller moves ``target`` to
    it with `set_branch(target, merge.commit, old=merge.onto)`. On a conflict no commit is made
    and the conflicting paths are named."""
    ours, theirs = resolve(target, cwd), resolve(commit, cwd)
    if ours is None or theirs is None:
        raise GitError(f"cannot merge {commit} into {target}: a branch is missing")
    proc = run(
        ["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", ours, theirs],
        cwd,
        check=False,
    )
    if proc.returncode not in (0, 1):
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(
            f"git merge-tree failed: {err.splitlines()[-1] if err else proc.returncode}",
            hint="plan run needs git 2.38 or newer",
        )
    parts = _split_z(proc.stdout)
    if proc.returncode == 1:
        return Merge(None, tuple(dict.fromkeys(parts[1:])), ours)
    tree = parts[0]
    made = run([*_identity(cwd), "commit-tree", tree, "-p", ours, "-p", theirs, "-m", message], cwd)
    return Merge(made.stdout.decode().strip(), (), ours)


def is_ancestor(ancestor: str, rev: str, cwd: Path) -> bool:
    """Whether ``ancestor`` is ``rev`` or one of its ancestors (False when either is unknown)."""
    return run(["merge-base", "--is-ancestor", ancestor, rev], cwd, check=False).returncode == 0
