"""Running a plan: agents in parallel git worktrees, each change held to its task's scope,
checked (its gates in its worktree: `task_gates`) and merged into the plan's integration
branch in dependency order (`runner`, `integrate`), with the agent's command line made from a
template (`agents`); the tasks ready for an external scheduler (`ready`) and a task branch made
elsewhere merged after the same checks (`merge`); one process at a time per plan (`lock`)."""

from __future__ import annotations

from .agents import PLACEHOLDERS, expand, template
from .integrate import Checked, Checks
from .lock import is_locked
from .merge import merge_task
from .ready import Ready, Waiting, next_tasks
from .runner import (
    Event,
    RunOptions,
    agent_command,
    run_plan,
    schedule,
    start_state,
    task_branch,
)
from .task_gates import GateSettings, GatesRun, run_task_gates

__all__ = [
    "PLACEHOLDERS",
    "Checked",
    "Checks",
    "Event",
    "GateSettings",
    "GatesRun",
    "Ready",
    "RunOptions",
    "Waiting",
    "agent_command",
    "expand",
    "is_locked",
    "merge_task",
    "next_tasks",
    "run_plan",
    "run_task_gates",
    "schedule",
    "start_state",
    "task_branch",
    "template",
]
