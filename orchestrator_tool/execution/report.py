"""The run's documents: context.md's progress as each task ends, and synthesis.md compiled
from the run state and git (the task branches' commits, the security checklist on the
integration branch) when the run ends."""

from __future__ import annotations

from pathlib import Path

from .. import git
from ..planning import (
    Checklist,
    Plan,
    PlanRun,
    checklist_path,
    open_items,
    plan_dir,
    progress_line,
    record_progress,
    synthesis,
    waiting_on,
    write_synthesis,
)


def task_ended(root: Path, plan: Plan, state: PlanRun, task_id: str, done: set[str]) -> None:
    """Record in context.md how ``task_id`` ended and, when it stopped, who waits for it."""
    rec = state.tasks[task_id]
    waiting = [] if rec.status == "done" else waiting_on(plan, task_id, done)
    rows: dict[str, tuple[str, str]] = {
        task_id: (rec.status, "" if rec.status == "done" else rec.detail)
    }
    rows |= {w: ("waiting", f"waits for {task_id} ({rec.status})") for w in waiting}
    record_progress(root, plan, rows, progress_line(task_id, rec, waiting))


def task_started(root: Path, plan: Plan, task_id: str) -> None:
    record_progress(root, plan, {task_id: ("running", "")})


def run_ended(root: Path, prefix: str, plan: Plan, state: PlanRun) -> None:
    """Write synthesis.md, the run's final report (``prefix``: the workspace's folder in the
    repository)."""
    commits = {
        tid: git.commits(rec.base, rec.commit, root)
        for tid, rec in state.tasks.items()
        if rec.commit is not None
    }
    write_synthesis(
        root, plan.plan_id, synthesis(plan, state, commits, _checklist(root, prefix, plan, state))
    )


def _checklist(root: Path, prefix: str, plan: Plan, state: PlanRun) -> Checklist | None:
    found = checklist_path(plan)
    if found is None:
        return None
    task, name = found
    path = (plan_dir(root, plan.plan_id) / name).relative_to(root).as_posix()
    data = git.show(state.integration, prefix + path, root)
    items = None if data is None else open_items(data.decode("utf-8", "replace"))
    return Checklist(path=path, task=task.task_id, open=items)
