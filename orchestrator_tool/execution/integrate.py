"""Integrating a task's change into the plan's integration branch, the one path `plan run` (a
task its agent finished) and `plan merge` (a task branch made elsewhere) share: the scope
guard on the change's diff, the task's checks on its changed files, then the merge.

A merge has steps (the merge commit is made, its id recorded in run.json, the integration
branch moved, the task recorded done in run.json, plan.json and context.md), and a process can
die between any two of them. The branch moves by one compare-and-swap `update-ref`, and the
merge commit is written in run.json before it moves, so `recover` can tell, for a task left
`running`, whether its merge landed (the integration branch holds the recorded commit: it is
done, and the records that lag behind are written) or not (nothing moved: it is interrupted,
and a new run starts it again)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..errors import GitError, OrchestratorError, UsageError
from ..planning import GateRun, Plan, PlanRun, Task, mark_done, outside_scope, write_run
from . import report
from .lock import WORKTREES


@dataclass(frozen=True)
class Checked:
    """What a task's checks found: how many findings its change added, the gates it went
    through, and why it fails (None when it passes)."""

    findings: int = 0
    problem: str | None = None
    gates: tuple[GateRun, ...] = ()


# The task's checks beyond its scope (the validators on its changed files, the gates on the
# packages they affect): given the task, the workspace root in its worktree, its changed files
# (workspace paths) and the commit it started from, what they found.
Checks = Callable[[Task, Path, list[str], str], Checked]


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Repo:
    """Where a run works: the workspace root, the repository's top level and the folder of
    the workspace in it, the folder of the plan's worktrees in the shared git folder."""

    root: Path
    top: Path
    prefix: str
    worktrees: Path

    @classmethod
    def of(cls, root: Path, plan_id: str) -> Repo:
        top = git.toplevel(root)
        if top is None:
            raise UsageError("running a plan needs a git repository", hint="run it inside one")
        if not git.has_commits(root):
            raise UsageError(
                "running a plan needs a first commit: the integration branch starts there"
            )
        prefix = git.repo_prefix(root, top)
        return cls(root, top, prefix, git.common_dir(root) / WORKTREES / plan_id)

    def workspace_in(self, worktree: Path) -> Path:
        return worktree / self.prefix if self.prefix else worktree

    def workspace_path(self, repo_path: str) -> str:
        # a path outside the workspace keeps its repository form: it is outside every scope
        return (
            repo_path.removeprefix(self.prefix)
            if repo_path.startswith(self.prefix)
            else ("/" + repo_path)
        )


def integrate(
    repo: Repo,
    plan_path: Path,
    plan: Plan,
    state: PlanRun,
    task: Task,
    worktree: Path,
    checks: Checks,
) -> None:
    """Hold the task's change (its record's ``base``..``commit``) to its scope, run ``checks``
    on its changed files in ``worktree`` (a checkout of ``commit``) and merge ``commit`` into
    the integration branch. The record's status says how it went (done, scope-violation,
    failed, conflict); a change that fails leaves the integration branch where it was."""
    rec = state.tasks[task.task_id]
    assert rec.commit is not None
    changes = git.diff_trees(rec.base, rec.commit, repo.root)
    # a file moved is changed at both ends: its old place may be outside the scope
    moved_from = [c.old_path for c in changes if c.status.startswith("R") and c.old_path]
    files = sorted({repo.workspace_path(p) for p in [*(c.path for c in changes), *moved_from]})
    rec.files = files
    outside = outside_scope(plan, task, files)
    if outside:
        rec.status = "scope-violation"
        rec.paths = outside
        rec.detail = f"{len(outside)} changed file(s) outside the scope: " + ", ".join(outside)
        return
    present = [f for f in files if _exists(repo.workspace_in(worktree), f)]
    checked = checks(task, repo.workspace_in(worktree), present, rec.base)
    rec.findings = checked.findings
    rec.gates = list(checked.gates)
    if checked.problem is not None:
        rec.status = "failed"
        rec.detail = checked.problem
        return
    merged = git.merge_commit(
        state.integration, rec.commit, f"Merge {task.task_id}: {first_line(task)}", repo.root
    )
    if merged.commit is None:
        rec.status = "conflict"
        rec.paths = [repo.workspace_path(p) for p in merged.conflicts]
        rec.detail = "merge conflict in " + ", ".join(rec.paths)
        return
    refuse_checked_out(repo.root, state.integration)
    rec.merge = merged.commit
    write_run(repo.root, state)  # before the branch moves: see the module's docstring
    try:
        git.set_branch(state.integration, merged.commit, repo.root, old=merged.onto)
    except GitError:
        rec.merge = None
        rec.status = "conflict"
        rec.detail = f"{state.integration} moved while the merge was made: run again"
        return
    _landed(plan_path, plan, state, task.task_id)


def refuse_checked_out(root: Path, integration: str) -> None:
    """The integration branch moves by `update-ref`: a worktree that has it checked out (yours,
    to look at it) would be left with a stale index and work tree, so it is refused."""
    where = git.checked_out_at(integration, root)
    if where is not None:
        raise UsageError(
            f"{integration} is checked out in {where}: the run moves it, which would leave "
            "that checkout's files behind",
            hint=f"switch that checkout to another branch (git -C {where} switch -), then run "
            "again; look at the branch with git log or git worktree add --detach",
        )


def reason(exc: OrchestratorError | OSError) -> str:
    """A task's failure in one line, from the error that ended its checks or its start."""
    if isinstance(exc, OrchestratorError):
        where = exc.location()
        return f"{where}: {exc.message}" if where else exc.message
    return str(exc)


def first_line(task: Task) -> str:
    return task.description.splitlines()[0] if task.description else task.task_id


def _landed(plan_path: Path, plan: Plan, state: PlanRun, task_id: str) -> None:
    rec = state.tasks[task_id]
    rec.status = "done"
    rec.detail = ""
    task = plan.task(task_id)
    assert task is not None
    if task.done is None:
        mark_done(plan_path, plan, task_id, rec.finished or now(), rec.merge)


def _exists(root: Path, rel: str) -> bool:
    return not rel.startswith("/") and (root / rel).is_file()


def settle(root: Path, state: PlanRun) -> list[str]:
    """``state`` as it is once the process that was working on it is gone (no live lock):
    a task left `running` whose merge landed is done, any other is interrupted. Changes
    ``state`` only (the caller saves it) and returns the tasks it changed."""
    changed = []
    for tid, rec in state.tasks.items():
        if rec.status != "running":
            continue
        changed.append(tid)
        if rec.merge is not None and git.is_ancestor(rec.merge, state.integration, root):
            rec.status = "done"
            continue
        rec.merge = None
        rec.status = "interrupted"
        rec.finished = rec.finished or now()
        rec.detail = "the process working on it ended without recording how"
    return changed


def recover(repo: Repo, plan_path: Path, plan: Plan, state: PlanRun) -> None:
    """Bring the records of a run or merge that died up to date, before a new one starts
    (under the plan's lock): `settle`, and plan.json and context.md where they lag behind
    run.json."""
    changed = settle(repo.root, state)
    if changed:
        write_run(repo.root, state)
    lagging = [
        tid
        for tid, rec in state.tasks.items()
        if rec.status == "done" and (t := plan.task(tid)) is not None and t.done is None
    ]
    for tid in lagging:
        _landed(plan_path, plan, state, tid)
    done = {t.task_id for t in plan.tasks if t.done is not None}
    for tid in dict.fromkeys([*changed, *lagging]):
        report.task_ended(repo.root, plan, state, tid, done)
