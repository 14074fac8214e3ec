"""`plan merge`: a task branch made elsewhere (a CI job, another machine) integrated after the
same checks as a task `plan run` finished (`integrate`), its validators run in a temporary
worktree of the branch's tip. The branch itself is never moved or committed to."""

from __future__ import annotations

from pathlib import Path

from .. import git
from ..errors import OrchestratorError, UsageError
from ..planning import Plan, TaskRun, log_path, write_run
from . import report
from .integrate import Checks, Repo, integrate, now, reason, recover
from .lock import plan_lock
from .runner import done_tasks, ensure_integration, start_state


def merge_task(
    root: Path, plan_path: Path, plan: Plan, task_id: str, branch: str, *, checks: Checks
) -> TaskRun:
    """Check ``branch``'s change for ``task_id`` (its diff from its merge base with the
    integration branch) and merge it; the task's record says how it went. A UsageError for an
    unknown task or branch, a task already done or one whose dependencies are not."""
    task = plan.task(task_id)
    if task is None:
        raise UsageError(
            f"plan {plan.plan_id} has no task {task_id!r}",
            hint="`orchestrator plan next` lists the tasks ready to merge",
        )
    repo = Repo.of(root, plan.plan_id)
    commit = git.resolve(branch, root)
    if commit is None:
        raise UsageError(
            f"no branch {branch!r} in this repository",
            hint=f"fetch it first, e.g. `git fetch origin {branch}:{branch}`",
        )
    with plan_lock(root, plan.plan_id):
        state = start_state(root, plan)
        recover(repo, plan_path, plan, state)
        done = done_tasks(plan, state)
        if task_id in done:
            raise UsageError(f"task {task_id} is already done", hint="`plan status` shows it")
        missing = [d for d in task.dependencies if d not in done]
        if missing:
            raise UsageError(
                f"task {task_id} waits for " + ", ".join(missing),
                hint="merge or run those first; `orchestrator plan next` lists the ready tasks",
            )
        ensure_integration(root, state)
        base = git.merge_base(commit, state.integration, root)
        if base is None:
            raise UsageError(f"{branch} shares no history with {state.integration}")
        log = log_path(root, plan.plan_id, task_id)
        log.write_text(f"$ orchestrator plan merge {task_id} --branch {branch}\n", "utf-8")
        earlier = state.tasks.get(task_id)
        rec = TaskRun(
            status="running",
            branch=branch,
            worktree=earlier.worktree if earlier is not None else None,  # still there
            base=base,
            commit=commit,
            started=now(),
            log=log.relative_to(root).as_posix(),
        )
        state.tasks[task_id] = rec
        write_run(root, state)
        report.task_started(root, plan, task_id)
        checkout = repo.worktrees / f"{task_id}.merge"
        git.remove_worktree(checkout, root)  # what a merge that died left
        checkout.parent.mkdir(parents=True, exist_ok=True)
        try:
            git.add_detached_worktree(checkout, commit, root)
            integrate(repo, plan_path, plan, state, task, checkout, checks)
        except (OrchestratorError, OSError) as exc:
            # the branch's change could not be checked or merged (a manifest it broke): the
            # task fails with the reason; the integration branch has not moved
            rec.status = "failed"
            rec.merge = None
            rec.detail = reason(exc)
        finally:
            git.remove_worktree(checkout, root)
        rec.finished = now()
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{rec.status}{': ' + rec.detail if rec.detail else ''}\n")
        write_run(root, state)
        report.task_ended(root, plan, state, task_id, done_tasks(plan, state))
        report.run_ended(root, repo.prefix, plan, state)
        return rec
