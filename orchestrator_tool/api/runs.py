"""Running a plan (`plan run`): the agents, in parallel worktrees, with each task's change
held to its scope, its validators run on the files it changed, its gates on the packages it
affects, and merged into the plan's integration branch; the schedule a run would follow
(`--dry-run`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..formats.words import count
from .loading import load_config, load_workspace
from .options import ValidateOptions
from .validation import validate

if TYPE_CHECKING:
    from ..execution import Checked, Checks, Event, RunOptions
    from ..planning import Plan, PlanRun, Task
    from ..workspace import Workspace


@dataclass(frozen=True)
class RunRequest:
    """What `plan run` was asked: the plan (id or path; default: the only one), the agent
    command (default: orchestrator.toml's by role), how many agents at once, the seconds
    each may take, the failed tasks to run again (ids or "all"), whether the worktrees of
    finished tasks are kept, and whether the gates run (None: as orchestrator.toml's `[plan]
    gates` says)."""

    plan: str | None = None
    agent: str | None = None
    max_parallel: int = 3
    timeout: float | None = 3600.0
    retry: Sequence[str] = ()
    keep_worktrees: bool = False
    gates: bool | None = None


@dataclass(frozen=True)
class Scheduled:
    """A task a run would start, the wave it would start in and the command it would run."""

    wave: int
    task: Task
    command: str


def _load(ws: Workspace, name: str | None) -> tuple[Path, Plan]:
    from .. import planning

    path = planning.find_plan(ws.root, name)
    return path, planning.load_plan(path)


def _options(ws: Workspace, request: RunRequest) -> RunOptions:
    from ..execution import RunOptions

    return RunOptions(
        agent=request.agent,
        agents=dict(load_config(ws.root).plan_agents),
        max_parallel=request.max_parallel,
        timeout=request.timeout,
        retry=tuple(request.retry),
        keep_worktrees=request.keep_worktrees,
    )


def plan_schedule(ws: Workspace, request: RunRequest) -> tuple[Plan, list[Scheduled]]:
    """The tasks `plan run` would start, wave by wave, if each succeeded (nothing is run)."""
    from .. import execution
    from ..execution.integrate import Repo

    _, plan = _load(ws, request.plan)
    repo = Repo.of(ws.root, plan.plan_id)  # as a run says it: no git repository, no commit
    state = execution.start_state(ws.root, plan)
    agents = load_config(ws.root).plan_agents
    out: list[Scheduled] = []
    for n, wave in enumerate(execution.schedule(plan, state, tuple(request.retry)), 1):
        for tid in wave:
            task = plan.task(tid)
            assert task is not None
            text = execution.template(task, request.agent, agents)
            out.append(Scheduled(n, task, execution.agent_command(repo, plan, task, text)))
    return plan, out


def run_plan(
    ws: Workspace, request: RunRequest, *, on_event: Callable[[Event], None] | None = None
) -> tuple[Plan, PlanRun]:
    """Run the plan's tasks that are not done; the run's state at the end. Ctrl-C (SIGTERM,
    SIGHUP) stops every agent, records the state and propagates."""
    from .. import execution

    path, plan = _load(ws, request.plan)
    state = execution.run_plan(
        ws.root,
        path,
        plan,
        _options(ws, request),
        checks=task_checks(ws, plan, request.gates),
        on_event=on_event or (lambda e: None),
    )
    return plan, state


def task_checks(ws: Workspace, plan: Plan, gates: bool | None = None) -> Checks:
    """A task's checks, for `plan run` and `plan merge` alike: its validators, then (when they
    pass, and unless turned off: ``gates``, else `[plan] gates`) its gates. The
    settings are the user's orchestrator.toml, not the one in the task's worktree: an agent's
    edit to it does not change how its own work is checked."""
    from .. import planning
    from ..execution import Checked, GateSettings, run_task_gates

    config = load_config(ws.root)
    settings = GateSettings(
        tasks=config.gate_tasks,
        runner=config.gate_runner,
        concurrency=config.gate_concurrency,
        timeout=config.gate_timeout,
    )
    with_gates = config.plan_gates if gates is None else gates

    def checks(task: Task, root: Path, files: list[str], base: str) -> Checked:
        checked = _validators(task, root, files, base)
        if checked.problem is not None or not with_gates:
            return checked
        log = planning.log_path(ws.root, plan.plan_id, task.task_id)
        ran = run_task_gates(load_workspace(root), base, settings, log)
        return Checked(checked.findings, ran.problem, ran.gates)

    return checks


def _validators(task: Task, root: Path, files: list[str], base: str) -> Checked:
    """The task's validators on the files it changed, as they are in its worktree (``root``):
    only the findings its change adds count (those the files had at ``base`` do not)."""
    from ..execution import Checked

    if not task.validators or not files:
        return Checked()
    report = validate(
        load_workspace(root),
        ValidateOptions(
            paths=files,
            select=task.validators,
            cwd=root,
            force_exclude=True,
            new_from_rev=base,
        ),
    )
    found = len(report.diagnostics)
    if report.passed:
        return Checked(found)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    if not errors:
        return Checked(found, "the validators could not check every file")
    first = errors[0]
    why = f"{count(len(errors), 'validator error')}: {first.path}:{first.line} {first.code}"
    return Checked(found, why)
