"""Scoped task plans: the pattern library (`library`), plans built from a request and the
package graph (`build`, `graph`), the plan's scope and the scope guard (`scope`), the plan as
documents (`render`), a plan's run state (`runs`) and what a run tells its documents
(`report`), and the `tasks/` workspace that holds them
(`store`, its one writer). The names below are the package's API."""

from __future__ import annotations

from .build import build_plan
from .library import choose_pattern, load_library
from .models import Plan, Task, schemas, status
from .render import markdown
from .report import Checklist, checklist_path, open_items, progress_line, synthesis, waiting_on
from .runs import FINAL_FAILURES, GateRun, PlanRun, TaskRun
from .scope import Unit, in_scope, outside_scope, resolve_scope
from .store import (
    find_plan,
    load_plan,
    load_run,
    log_path,
    mark_done,
    path_id,
    plan_dir,
    record_progress,
    write_plan,
    write_run,
    write_synthesis,
)

__all__ = [
    "FINAL_FAILURES",
    "Checklist",
    "GateRun",
    "Plan",
    "PlanRun",
    "Task",
    "TaskRun",
    "Unit",
    "build_plan",
    "checklist_path",
    "choose_pattern",
    "find_plan",
    "in_scope",
    "load_library",
    "load_plan",
    "load_run",
    "log_path",
    "mark_done",
    "markdown",
    "open_items",
    "outside_scope",
    "path_id",
    "plan_dir",
    "progress_line",
    "record_progress",
    "resolve_scope",
    "schemas",
    "status",
    "synthesis",
    "waiting_on",
    "write_plan",
    "write_run",
    "write_synthesis",
]
