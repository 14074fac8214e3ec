"""`orchestrator plan`: scoped task plans (make one, its status, mark a task done, the scope
guard, the pattern library and the schemas)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, UsageError
from ..formats.jsonable import dumps_indented
from ..formats.words import count
from .context import Ctx, echo_gate
from .plan_external import plan_merge, plan_next
from .plan_run import plan_run

if TYPE_CHECKING:
    from ..planning import Plan, TaskRun


class _PlanGroup(click.Group):
    """`orchestrator plan "REQUEST" ...` makes a plan; `plan status|done|check|patterns|schema`
    are subcommands. `--scope a b c` takes every word up to the next option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = list(args)
        if rest and rest[0] not in self.commands and rest[0] not in ("-h", "--help"):
            rest.insert(0, "new")
        out: list[str] = []
        taking = False
        for arg in rest:
            if arg == "--scope":
                taking = True
                continue
            if arg.startswith("-"):
                taking = False
            elif taking:
                out += ["--scope", arg]
                continue
            out.append(arg)
        return super().parse_args(ctx, out)


@click.group(cls=_PlanGroup)
def plan() -> None:
    """Scoped task plans: `plan "REQUEST" --scope ...`, `plan status`, `plan done TASK`,
    `plan check TASK` (the scope guard), `plan run` (the agents), `plan next` and `plan merge`
    (a run beyond this machine)."""


plan.add_command(plan_run)
plan.add_command(plan_next)
plan.add_command(plan_merge)


@plan.command("new")
@click.argument("request")
@click.option(
    "--scope", "scope", multiple=True, help="Paths or package names the work covers (several)."
)
@click.option("--affected", "affected_only", is_flag=True, help="Plan over what a change affects.")
@click.option("--base", default=None, help="With --affected: the base ref (merge base).")
@click.option("--head", default=None, help="With --affected: the tip (default: the work tree).")
@click.option("--pattern", default=None, help="Use this pattern instead of choosing one.")
@click.option("--id", "plan_id", default=None, help="The plan id (default: from the request).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
)
@click.option("--write", is_flag=True, help="Create tasks/<plan-id>/ with the plan and briefs.")
@click.option("--force", is_flag=True, help="With --write: overwrite an existing plan.")
@click.pass_obj
def plan_new(
    obj: Ctx,
    request: str,
    scope: tuple[str, ...],
    affected_only: bool,
    base: str | None,
    head: str | None,
    pattern: str | None,
    plan_id: str | None,
    fmt: str,
    write: bool,
    force: bool,
) -> ExitCode:
    """Break REQUEST into tasks over the scope, in waves that can run in parallel."""
    from .. import api, planning

    if (base or head) and not affected_only:
        raise UsageError("--base and --head go with --affected")
    ws = obj.workspace()
    made = api.make_plan(
        ws,
        request,
        scope=scope,
        affected_base=base,
        affected_head=head,
        affected_only=affected_only,
        pattern=pattern,
        plan_id=plan_id,
        cwd=Path.cwd(),
    )
    md = planning.markdown(made)
    if write:
        written = planning.write_plan(ws.root, made, md, force=force)
        for path in written:
            click.echo(f"wrote {path.relative_to(ws.root).as_posix()}", err=True)
    click.echo(made.dump() if fmt == "json" else md, nl=False)
    return ExitCode.OK


@plan.command("status")
@click.argument("plan_name", metavar="[PLAN]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print {taskId: status} as JSON.")
@click.pass_obj
def plan_status(obj: Ctx, plan_name: str | None, as_json: bool) -> ExitCode:
    """Which tasks are done, ready (dependencies done) or waiting; after `plan run`, how each
    task's last run ended (failed, scope-violation, timeout, conflict, interrupted)."""
    from .. import planning

    ws = obj.workspace()
    the_plan = planning.load_plan(planning.find_plan(ws.root, plan_name))
    state = planning.status(the_plan)
    run = planning.load_run(ws.root, the_plan.plan_id)
    if run is not None:
        # `running` holds only while a run or merge holds the plan's lock: a run that died
        # left it, and the next run starts those tasks again
        live = any(r.status == "running" for r in run.tasks.values()) and _locked(ws.root, the_plan)
        for tid, rec in run.tasks.items():
            if tid in state and state[tid] != "done" and rec.status != "done":
                state[tid] = rec.status if rec.status != "running" or live else "interrupted"
    if as_json:
        click.echo(dumps_indented(state, ensure_ascii=True))
        return ExitCode.OK
    bold = obj.style("bold")
    width = max((len(t.task_id) for t in the_plan.tasks), default=0)
    status_width = max([8, *(len(s) for s in state.values())])
    obj.echo(bold(f"{the_plan.plan_id}: {the_plan.request}"))
    for t in the_plan.tasks:
        extra = ""
        last: TaskRun | None = run.tasks.get(t.task_id) if run is not None else None
        if state[t.task_id] == "waiting":
            extra = " (after " + ", ".join(d for d in t.dependencies if state[d] != "done") + ")"
        elif last is not None and last.status != "done" and t.done is None:
            extra = f" ({last.detail}; log {last.log})" if last.detail else f" (log {last.log})"
        elif t.done is not None:
            extra = f" ({t.done.at}{', ' + t.done.commit[:10] if t.done.commit else ''})"
        status = state[t.task_id]
        click.echo(
            f"  {status:<{status_width}} w{t.wave:<2} {t.task_id.ljust(width)}  {t.agent}{extra}"
        )
    kinds = (
        "done",
        "ready",
        "waiting",
        *sorted(set(state.values()) - {"done", "ready", "waiting"}),
    )
    counts = {k: sum(1 for v in state.values() if v == k) for k in kinds}
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))
    return ExitCode.OK


def _locked(root: Path, the_plan: Plan) -> bool:
    from ..execution import is_locked

    return is_locked(root, the_plan.plan_id)


@plan.command("done")
@click.argument("task")
@click.option("--plan", "plan_name", default=None, help="The plan (default: the one with TASK).")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Accept the findings this validate baseline records (the scope's old ones).",
)
@click.pass_obj
def plan_done(obj: Ctx, task: str, plan_name: str | None, baseline: Path | None) -> ExitCode:
    """Run TASK's gates and validators; mark it done only if they pass."""
    from .. import api
    from ..reporting import diagnostics as vrender
    from . import console

    if baseline is not None and not baseline.is_file():
        raise UsageError(
            f"{baseline}: no such baseline",
            hint="write one with `orchestrator validate --baseline FILE --update-baseline`",
        )
    ws = obj.workspace()
    check = api.plan_done(ws, task, plan=plan_name, on_gate=echo_gate, baseline=baseline)
    if check.waiting_for:
        click.echo(f"{task}: waiting for " + ", ".join(check.waiting_for), err=True)
        return ExitCode.FINDINGS
    if check.validation is not None and check.validation.diagnostics:
        where = console.path_display(ws.root, Path.cwd())
        text = vrender.text(
            check.validation, obj.style("bold"), obj.style("red"), obj.style("dim"), where=where
        )
        obj.echo(text, nl=False)
    if not check.ok:
        click.echo(f"{task}: not done — a gate or a validator failed", err=True)
        return ExitCode.FINDINGS
    rel = check.plan_path.relative_to(ws.root).as_posix()
    click.echo(f"{task}: done (recorded in {rel})")
    return ExitCode.OK


@plan.command("check")
@click.argument("task", required=False, envvar="ORCHESTRATOR_TASK")
@click.option("--plan", "plan_name", default=None, envvar="ORCHESTRATOR_PLAN", help="The plan.")
@click.option("--staged", is_flag=True, help="Check the staged changes (pre-commit).")
@click.option("--base", default=None, help="Check the changes since REF (merge base).")
@click.option("--head", default=None, help="With --base: the tip (default: the work tree).")
@click.pass_obj
def plan_check(
    obj: Ctx,
    task: str | None,
    plan_name: str | None,
    staged: bool,
    base: str | None,
    head: str | None,
) -> ExitCode:
    """The scope guard: fail when the changes touch files outside TASK's scope (default: the
    task named by ORCHESTRATOR_TASK; none named passes)."""
    from .. import api

    if (base or head) and staged:
        raise UsageError("--staged does not combine with --base/--head")
    if task is None:
        click.echo("no task named (argument or ORCHESTRATOR_TASK): scope guard skipped", err=True)
        return ExitCode.OK
    ws = obj.workspace()
    result = api.plan_check(
        ws, task, plan=plan_name, staged=staged, base=base, head=head, cwd=Path.cwd()
    )
    if result.outside:
        click.echo(
            f"{task}: {count(len(result.outside), 'changed file')} outside the task's scope "
            f"({', '.join(result.scope)}):",
            err=True,
        )
        for path in result.outside:
            click.echo(f"  {path}", err=True)
        return ExitCode.FINDINGS
    n = len(result.changed)
    click.echo(f"{task}: {count(n, 'changed file')}, all inside the scope")
    return ExitCode.OK


@plan.command("patterns")
@click.pass_obj
def plan_patterns(obj: Ctx) -> ExitCode:
    """List the patterns and roles (built-in merged with the repository's)."""
    from .. import api, planning

    ws = obj.workspace()
    lib = planning.load_library(ws.root, api.load_config(ws.root))
    for p in lib.patterns:
        click.echo(f"{p.id}: " + " → ".join(ph.id for ph in p.phases))
    click.echo("roles: " + ", ".join(r.id for r in lib.roles))
    return ExitCode.OK


@plan.command("schema")
@click.argument("which", type=click.Choice(["patterns", "plan"]))
def plan_schema(which: str) -> ExitCode:
    """Print the JSON Schema of task-patterns.json or plan.json."""
    from .. import planning

    name = "task-patterns.json" if which == "patterns" else "plan.json"
    click.echo(dumps_indented(planning.schemas()[name], ensure_ascii=True))
    return ExitCode.OK
