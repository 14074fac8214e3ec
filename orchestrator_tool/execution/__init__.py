"""Running a plan: agents in parallel git worktrees, each change held to its task's scope,
checked (its gates in its worktree: `task_gates`), and merged into the plan's integration
branch in dependency order (`runner`), with the agent's command line made from a template
(`agents`)."""

from __future__ import annotations

from .agents import PLACEHOLDERS, expand, template
from .runner import Checked, Checks, Event, RunOptions, run_plan, schedule, start_state, task_branch
from .task_gates import GateSettings, GatesRun, run_task_gates

__all__ = [
    "PLACEHOLDERS",
    "Checked",
    "Checks",
    "Event",
    "GateSettings",
    "GatesRun",
    "RunOptions",
    "expand",
    "run_plan",
    "run_task_gates",
    "schedule",
    "start_state",
    "task_branch",
    "template",
]
