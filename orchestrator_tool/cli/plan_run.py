"""`orchestrator plan run`: run the plan's agents in parallel worktrees, check each change and
merge it into the plan's integration branch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, UsageError
from .context import Ctx
from .options import gates_option

if TYPE_CHECKING:
    from ..execution import Event
    from .console import RunningTasks


@click.command("run")
@click.argument("plan_name", metavar="[PLAN]", required=False)
@click.option(
    "--agent",
    default=None,
    help="The agent command for every task, e.g. 'my-agent --brief {brief}' ({brief}, {task}, "
    "{scope}, {worktree} are filled in, shell-quoted); default: [plan.agents] in "
    "orchestrator.toml.",
)
@click.option(
    "--max-parallel",
    type=click.IntRange(1, 64),
    default=3,
    show_default=True,
    help="Agents running at once.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, 7 * 24 * 3600, min_open=True),
    default=3600.0,
    show_default=True,
    help="Seconds an agent may take; then its processes are stopped.",
)
@click.option(
    "--retry",
    multiple=True,
    metavar="TASK|all",
    help="Run a failed task again (several; `all`: every failed one).",
)
@click.option("--dry-run", is_flag=True, help="Print the schedule; run nothing.")
@click.option("--keep-worktrees", is_flag=True, help="Keep the worktrees of finished tasks.")
@gates_option("each task's change affects, in its worktree before merging")
@click.pass_obj
def plan_run(
    obj: Ctx,
    plan_name: str | None,
    agent: str | None,
    max_parallel: int,
    timeout: float,
    retry: tuple[str, ...],
    dry_run: bool,
    keep_worktrees: bool,
    gates: bool | None,
) -> ExitCode:
    """Run the plan: each ready task's agent in a git worktree of its own, its change held to
    the task's scope and checked, then merged into the branch orchestrator/<plan-id>. Done
    tasks are skipped; failed ones run again only with --retry."""
    from .. import api

    if agent is not None and not agent.strip():
        raise UsageError("--agent is empty", hint="--agent 'COMMAND {brief}'")
    ws = obj.workspace()
    request = api.RunRequest(
        plan=plan_name,
        agent=agent,
        max_parallel=max_parallel,
        timeout=timeout,
        retry=retry,
        keep_worktrees=keep_worktrees,
        gates=gates,
    )
    if dry_run:
        plan, scheduled = api.plan_schedule(ws, request)
        if not scheduled:
            click.echo(f"{plan.plan_id}: nothing to run")
        for item in scheduled:
            click.echo(
                f"wave {item.wave}  {item.task.task_id}  ({item.task.agent})  {item.command}"
            )
        return ExitCode.OK
    with obj.console.running_tasks() as live:
        plan, state = api.run_plan(ws, request, on_event=_on_event(live))
    bold = obj.style("bold")
    obj.echo(bold(f"{plan.plan_id}: integration branch {state.integration}"))
    failed = False
    for task in plan.tasks:
        rec = state.tasks.get(task.task_id)
        status = "done" if task.done is not None else (rec.status if rec else "waiting")
        failed |= status != "done"
        where = f" — {rec.detail}" if rec and rec.detail and status != "done" else ""
        if rec is not None and rec.worktree and status != "done":
            where += f" (worktree {rec.worktree}, log {rec.log})"
        click.echo(f"  {status:<15} {task.task_id}{where}")
    return ExitCode.FINDINGS if failed else ExitCode.OK


def event_line(event: Event) -> str:
    """The log line of an event: `auth-api: done in 2.1 s`."""
    took = f" in {event.elapsed:.1f} s" if event.elapsed is not None else ""
    detail = f": {event.detail}" if event.detail and event.kind != "started" else ""
    return f"{event.task}: {event.kind}{took}{detail}"


def _on_event(live: RunningTasks | None) -> Callable[[Event], None]:
    """One plain line per event on standard error (a log that a CI job keeps); on a terminal
    the same lines, above one line per running task with its elapsed time."""
    if live is None:
        return lambda event: click.echo(event_line(event), err=True)
    return lambda event: live.event(event.task, event.kind, event_line(event))
