"""Running a plan beyond one machine: the tasks ready to start now, for an external scheduler
such as a CI matrix job per task (`plan next`), and a task branch made elsewhere integrated
after the same checks as `plan run` (`plan merge`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .loading import load_config

if TYPE_CHECKING:
    from ..execution.ready import Next
    from ..planning import Plan, TaskRun
    from ..workspace import Workspace


def plan_next(ws: Workspace, plan: str | None = None, agent: str | None = None) -> Next:
    """The plan's tasks ready to start now, and those running, waiting or failed."""
    from .. import execution, planning

    found = planning.load_plan(planning.find_plan(ws.root, plan))
    return execution.next_tasks(ws.root, found, agent, load_config(ws.root).plan_agents)


def plan_merge(
    ws: Workspace, task: str, branch: str, plan: str | None = None, *, gates: bool | None = None
) -> tuple[Plan, TaskRun]:
    """Check ``branch`` as task ``task``'s change and merge it into the plan's integration
    branch; the task's record says how it went (done, or why not). ``gates``: whether the
    gates run (None: as `[plan] gates` says)."""
    from .. import execution, planning
    from .runs import task_checks  # the validate pipeline: only a merge needs it

    path = planning.find_plan(ws.root, plan, task=None if plan else task)
    found = planning.load_plan(path)
    checks = task_checks(ws, found, gates)
    return found, execution.merge_task(ws.root, path, found, task, branch, checks=checks)
