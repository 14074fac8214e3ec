"""Task plans: make one for a request, run a task's gates and validators and record it done,
and the scope guard (the changed files outside a task's scope)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import git
from ..changes import resolve_change_source
from ..engine.selection import enabled_specs
from ..errors import UsageError
from ..reporting.check_reports import ScopeCheck, TaskCheck
from .impact import affected
from .loading import load_config
from .options import ValidateOptions
from .validation import validate

if TYPE_CHECKING:
    from ..gates import GateResult
    from ..planning import Plan
    from ..workspace import Workspace


def make_plan(
    ws: Workspace,
    request: str,
    *,
    scope: Sequence[str] = (),
    affected_base: str | None = None,
    affected_head: str | None = None,
    affected_only: bool = False,
    pattern: str | None = None,
    plan_id: str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Plan:
    """A scoped task plan for ``request``: over ``scope`` (paths or package names), or over the
    packages a change affects (``affected_only``, with ``affected_base``/CI detection)."""
    from .. import planning

    if not request.strip():
        raise UsageError("the plan needs a request", hint='orchestrator plan "Add …" --scope …')
    if bool(scope) == affected_only:
        raise UsageError(
            "choose the plan's scope: --scope PATH|PACKAGE ... or --affected",
        )
    if plan_id is not None:
        planning.path_id(plan_id, "--id")
    config = load_config(ws.root)
    library = planning.load_library(ws.root, config)
    changed: list[str] = []
    if affected_only:
        result = affected(ws, base=affected_base, head=affected_head, cwd=cwd, env=env)
        changed = result.changes.paths()
        units = [
            planning.Unit(p.path, ws.by_path.get(p.path))
            for p in result.packages
            if p.path in ws.by_path
        ]
        cs = result.changes
        source = f"affected {cs.base or ''}...{cs.head or 'work tree'}".strip()
        if not units:
            raise UsageError(
                "the change affects no package: there is nothing to plan",
                hint="check the range with `orchestrator affected`",
            )
    else:
        units = planning.resolve_scope(ws, scope, cwd)
        source = "--scope"
    choice = planning.choose_pattern(library, request, changed, pattern)
    from ..engine.applicable import ApplicableValidators

    specs, _ = enabled_specs(config)
    return planning.build_plan(
        ws,
        request,
        units,
        library=library,
        choice=choice,
        source=source,
        plan_id=plan_id,
        validators=ApplicableValidators(ws.root, specs),
    )


def plan_done(
    ws: Workspace,
    task_id: str,
    *,
    plan: str | None = None,
    on_gate: Callable[[GateResult], None] | None = None,
    now: str | None = None,
    baseline: Path | None = None,
) -> TaskCheck:
    """Run a task's gates and validators; when they pass (and its dependencies are done),
    record it as done in plan.json with the time and HEAD. With ``baseline``, the findings it
    accepts (the package's old ones) do not count."""
    import datetime

    from .. import planning
    from ..gates import run_gates

    path = planning.find_plan(ws.root, plan, task_id)
    the_plan = planning.load_plan(path)
    task = the_plan.task(task_id)
    if task is None:
        raise UsageError(f"plan {the_plan.plan_id} has no task {task_id!r}")
    state = planning.status(the_plan)
    waiting = tuple(d for d in task.dependencies if state.get(d) != "done")
    if waiting:
        return TaskCheck(path, task_id, (), None, waiting)
    config = load_config(ws.root)
    results: list[GateResult] = []
    by_path = ws.by_path
    for script in dict.fromkeys(g.task for g in task.gates):
        pkgs = [by_path[g.path] for g in task.gates if g.task == script and g.path in by_path]
        results += run_gates(
            ws,
            pkgs,
            [script],
            runner=config.gate_runner,
            concurrency=config.gate_concurrency,
            timeout=config.gate_timeout,
            on_result=on_gate,
        )
    validation = None
    existing = [p for p in task.scope if (ws.root / p).exists()]
    if task.validators and existing:
        scoped = ValidateOptions(
            paths=existing,
            select=task.validators,
            cwd=ws.root,
            force_exclude=True,
            baseline=baseline,
        )
        validation = validate(ws, scoped)
    check = TaskCheck(path, task_id, tuple(results), validation, ())
    if check.ok:
        head = git.resolve("HEAD", ws.root)
        stamp = now or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        planning.mark_done(path, the_plan, task_id, stamp, head)
    return check


def plan_check(
    ws: Workspace,
    task_id: str,
    *,
    plan: str | None = None,
    staged: bool = False,
    base: str | None = None,
    head: str | None = None,
    cwd: Path | None = None,
) -> ScopeCheck:
    """The scope guard: the changed files (staged, a range, or everything uncommitted) that
    lie outside the task's scope."""
    from .. import planning

    path = planning.find_plan(ws.root, plan, task_id)
    the_plan = planning.load_plan(path)
    task = the_plan.task(task_id)
    if task is None:
        raise UsageError(f"plan {the_plan.plan_id} has no task {task_id!r}")
    cs = resolve_change_source(
        ws, base=base, head=head, staged=staged, uncommitted=not (staged or base), cwd=cwd
    )
    changed = tuple(sorted(set(cs.paths())))
    return ScopeCheck(
        the_plan.plan_id,
        task_id,
        tuple(task.scope),
        changed,
        tuple(planning.outside_scope(the_plan, task, changed)),
        cs.source,
    )
