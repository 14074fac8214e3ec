"""`orchestrator plan next` and `plan merge`: a plan run beyond this machine, the tasks ready
to start for an external scheduler and a task branch made elsewhere merged after the checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import ExitCode
from ..formats.jsonable import dumps_indented
from .context import Ctx
from .options import gates_option

if TYPE_CHECKING:
    from ..execution.ready import Next

# The version of `plan next --json`'s shape: fields are only added within one version.
NEXT_FORMAT = 1


@click.command("next")
@click.argument("plan_name", metavar="[PLAN]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the ready tasks as JSON.")
@click.option(
    "--agent",
    default=None,
    help="The agent command template to list for every task (default: [plan.agents]).",
)
@click.pass_obj
def plan_next(obj: Ctx, plan_name: str | None, as_json: bool, agent: str | None) -> ExitCode:
    """The tasks ready to start now (every dependency done, not done, not running, not
    failed), for an external scheduler such as a CI matrix job per task; the waiting and
    failed ones apart."""
    from .. import api

    found = api.plan_next(obj.workspace(), plan_name, agent)
    if as_json:
        click.echo(dumps_indented(next_json(found)))
        return ExitCode.OK
    bold = obj.style("bold")
    where = found.tip[:10] if found.exists else f"not made yet: it starts at HEAD {found.tip[:10]}"
    obj.echo(bold(f"{found.plan_id}: integration branch {found.integration} ({where})"))
    for item in found.ready:
        t = item.task
        click.echo(f"  ready    {t.task_id}  ({t.agent})  push to {item.branch}")
    for tid in found.running:
        click.echo(f"  running  {tid}")
    for w in found.waiting:
        click.echo(f"  waiting  {w.task}  (after {', '.join(w.on)})")
    for tid, status, detail in found.failed:
        click.echo(f"  {status:<8} {tid}" + (f"  ({detail})" if detail else ""))
    if not found.ready:
        click.echo("nothing ready")
    return ExitCode.OK


def next_json(found: Next) -> dict[str, object]:
    """The documented shape of `plan next --json` (README: "Running beyond one machine")."""
    return {
        "version": NEXT_FORMAT,
        "planId": found.plan_id,
        "integration": {"branch": found.integration, "tip": found.tip, "exists": found.exists},
        "ready": [
            {
                "taskId": r.task.task_id,
                "agent": r.task.agent,
                "scope": list(r.task.scope),
                "dependencies": list(r.task.dependencies),
                "brief": r.brief,
                "branch": r.branch,
                "command": r.command,
            }
            for r in found.ready
        ],
        "running": list(found.running),
        "waiting": [{"taskId": w.task, "waitingFor": list(w.on)} for w in found.waiting],
        "failed": [
            {"taskId": tid, "status": status, "detail": detail}
            for tid, status, detail in found.failed
        ],
    }


@click.command("merge")
@click.argument("task")
@click.argument("plan_name", metavar="[PLAN]", required=False)
@click.option("--branch", required=True, help="The task branch to merge (made elsewhere).")
@gates_option("the change affects, in a worktree of the branch")
@click.pass_obj
def plan_merge(
    obj: Ctx, task: str, plan_name: str | None, branch: str, gates: bool | None
) -> ExitCode:
    """Merge TASK's branch, made elsewhere, into the plan's integration branch after the
    checks `plan run` makes (the scope guard on its diff from its merge base, the validators
    on its changed files, the gates on the packages it affects); record the task done. Exit 1
    when a check fails or the merge conflicts: nothing moves."""
    from .. import api

    plan, rec = api.plan_merge(obj.workspace(), task, branch, plan_name, gates=gates)
    integration = f"orchestrator/{plan.plan_id}"
    if rec.status == "done":
        assert rec.merge is not None
        click.echo(f"{task}: merged {branch} into {integration} ({rec.merge[:10]})")
        return ExitCode.OK
    click.echo(f"{task}: {rec.status} — {rec.detail}; {integration} unchanged", err=True)
    return ExitCode.FINDINGS
