"""The `tasks/` workspace: the one place that writes it (a new plan's folder, a task marked
done in plan.json, a run's state, its progress in context.md, its final report in synthesis.md
and the place of its agents' logs), and finding and reading the plans it holds."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, UsageError
from ..formats import jsonc, names
from ..fsio import write_atomic
from .models import TASKS_DIR, Done, Plan, model_error
from .render import context_document, synthesis_template, task_brief
from .report import with_progress
from .runs import LOGS_DIR, RUN_FILE, PlanRun


def path_id(value: str, what: str) -> str:
    """``value`` when it may name a file or folder under tasks/ (a UsageError when not)."""
    problem = names.path_id_problem(value)
    if problem is not None:
        raise UsageError(f"{what} {value[:80]!r} {problem}", hint=names.PATH_ID_HINT)
    return value


def plan_dir(root: Path, plan_id: str) -> Path:
    return root / TASKS_DIR / path_id(plan_id, "plan id")


def write_plan(root: Path, plan: Plan, markdown: str, force: bool = False) -> list[Path]:
    """Create `tasks/<plan-id>/`: plan.json, plan.md, context.md, one brief per task and the
    synthesis template. An existing plan is kept unless ``force``."""
    folder = plan_dir(root, plan.plan_id)
    if (folder / "plan.json").exists() and not force:
        raise UsageError(
            f"{TASKS_DIR}/{plan.plan_id}/plan.json exists",
            hint="pass --force to overwrite it, or --id NAME for a new plan",
        )
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {
        "plan.json": plan.dump(),
        "plan.md": markdown,
        "context.md": context_document(plan),
        "synthesis.md": synthesis_template(plan),
    }
    for task in plan.tasks:
        files[f"{path_id(task.task_id, 'task id')}.md"] = task_brief(plan, task)
    written = []
    for name in sorted(files):
        path = folder / name
        write_atomic(path, files[name])
        written.append(path)
    return written


def mark_done(path: Path, plan: Plan, task_id: str, at: str, commit: str | None) -> None:
    """Record in ``plan`` and in its plan.json (at ``path``) that the task is done: when
    (``at``, UTC) and at which commit."""
    task = plan.task(task_id)
    if task is None:
        raise UsageError(f"plan {plan.plan_id} has no task {task_id!r}")
    task.done = Done(at=at, commit=commit)
    write_atomic(path, plan.dump())


def load_run(root: Path, plan_id: str) -> PlanRun | None:
    """The plan's run state (tasks/<plan-id>/run.json), None before its first run."""
    path = plan_dir(root, plan_id) / RUN_FILE
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        return PlanRun.model_validate(jsonc.loads(text, path))
    except ValidationError as exc:
        raise model_error(exc, path) from None


def write_run(root: Path, run: PlanRun) -> None:
    write_atomic(plan_dir(root, run.plan_id) / RUN_FILE, run.dump())


def record_progress(
    root: Path, plan: Plan, rows: dict[str, tuple[str, str]], line: str | None = None
) -> None:
    """Bring context.md's progress table up to date (``rows``: task -> status, blockers) and
    add ``line`` to its progress section; a context.md that is gone is written anew first."""
    path = plan_dir(root, plan.plan_id) / "context.md"
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        text = context_document(plan)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    write_atomic(path, with_progress(text, rows, line))


def write_synthesis(root: Path, plan_id: str, text: str) -> None:
    write_atomic(plan_dir(root, plan_id) / "synthesis.md", text)


def log_path(root: Path, plan_id: str, task_id: str) -> Path:
    """Where a task's agent output goes (tasks/<plan-id>/logs/<task>.log); the folder made."""
    folder = plan_dir(root, plan_id) / LOGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{path_id(task_id, 'task id')}.log"


def load_plan(path: Path) -> Plan:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        return Plan.model_validate(jsonc.loads(text, path))
    except ValidationError as exc:
        raise model_error(exc, path, "plan.json") from None


def plans(root: Path) -> list[Path]:
    return sorted((root / TASKS_DIR).glob("*/plan.json"))


def find_plan(root: Path, plan: str | None = None, task: str | None = None) -> Path:
    """The plan.json a command means: named (id or path), the one holding ``task``, or the
    only plan there is."""
    if plan:
        by_id = [plan_dir(root, plan)] if names.path_id_problem(plan) is None else []
        for given in (Path(plan), root / plan, *by_id):
            candidate = given / "plan.json" if given.is_dir() else given
            if candidate.is_file():
                return candidate
        raise UsageError(
            f"no plan {plan!r}",
            hint=f"plans live in {TASKS_DIR}/<plan-id>/plan.json; "
            + (", ".join(p.parent.name for p in plans(root)) or "there are none yet"),
        )
    found = plans(root)
    if task is not None:
        holding = [p for p in found if load_plan(p).task(task) is not None]
        if len(holding) == 1:
            return holding[0]
        if len(holding) > 1:
            raise UsageError(
                f"task {task!r} is in several plans: " + ", ".join(p.parent.name for p in holding),
                hint="name one with --plan",
            )
        raise UsageError(
            f"no plan has a task {task!r}",
            hint="`orchestrator plan status` lists the tasks",
        )
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(
            f"no plan under {TASKS_DIR}/",
            hint='create one with `orchestrator plan "REQUEST" --scope ... --write`',
        )
    raise UsageError("several plans: " + ", ".join(p.parent.name for p in found), hint="name one")
