"""The tasks ready to start now (`plan next`), for a scheduler beyond this machine such as a
CI matrix job per task: every dependency done (in plan.json or run.json), not done, not
running, not failed. Nothing is written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..errors import UsageError
from ..planning import FINAL_FAILURES, Plan, PlanRun, Task, plan_dir
from .agents import template
from .integrate import settle
from .lock import is_locked
from .runner import done_tasks, start_state, task_branch, to_run


@dataclass(frozen=True)
class Ready:
    """A task to start: the branch its job pushes, its brief (relative to the workspace root)
    and its agent command template (None when none is configured)."""

    task: Task
    branch: str
    brief: str
    command: str | None


@dataclass(frozen=True)
class Waiting:
    task: str
    on: list[str]  # its dependencies not done


@dataclass(frozen=True)
class Next:
    """The plan's integration branch, the commit a task starts from (its tip, or HEAD where a
    run or merge will create it), and its tasks: ready, running, waiting, failed (with the
    status and why)."""

    plan_id: str
    integration: str
    tip: str
    exists: bool
    ready: list[Ready]
    running: list[str]
    waiting: list[Waiting]
    failed: list[tuple[str, str, str]]


def next_tasks(root: Path, plan: Plan, agent: str | None, agents: Mapping[str, str]) -> Next:
    state = start_state(root, plan)
    running = _running(root, plan, state)
    done = done_tasks(plan, state)
    ready: list[Ready] = []
    waiting: list[Waiting] = []
    for tid in to_run(plan, state, ()):
        task = plan.task(tid)
        assert task is not None
        if tid in running:
            continue
        missing = [d for d in task.dependencies if d not in done]
        if missing:
            waiting.append(Waiting(tid, missing))
            continue
        brief = (plan_dir(root, plan.plan_id) / f"{tid}.md").relative_to(root).as_posix()
        ready.append(
            Ready(task, task_branch(plan.plan_id, tid), brief, _command(task, agent, agents))
        )
    failed: list[tuple[str, str, str]] = [
        (t.task_id, rec.status, rec.detail)
        for t in plan.tasks
        if t.task_id not in done
        and (rec := state.tasks.get(t.task_id)) is not None
        and rec.status in FINAL_FAILURES
    ]
    tip = git.resolve(state.integration, root)
    return Next(
        plan_id=plan.plan_id,
        integration=state.integration,
        tip=tip or state.start,
        exists=tip is not None,
        ready=ready,
        running=running,
        waiting=waiting,
        failed=failed,
    )


def _command(task: Task, agent: str | None, agents: Mapping[str, str]) -> str | None:
    try:
        return template(task, agent, agents)
    except UsageError:  # none configured: the scheduler brings its own
        return None


def _running(root: Path, plan: Plan, state: PlanRun) -> list[str]:
    """The tasks a live run or merge is working on; without one, the `running` records are
    what a process that died left (`settle`: done when their merge landed, else to rerun)."""
    if not is_locked(root, plan.plan_id):
        settle(root, state)
    return [tid for tid, rec in state.tasks.items() if rec.status == "running"]
