"""Scoped task plans: the pattern library (`library`), plans built from a request and the
package graph (`build`, `graph`), the plan's scope and the scope guard (`scope`), the plan as
documents (`render`), a plan's run state (`runs`), and the `tasks/` workspace that holds them
(`store`, its one writer). The names below are the package's API."""

from __future__ import annotations

from .build import build_plan
from .library import choose_pattern, load_library
from .models import Plan, Task, schemas, status
from .render import markdown
from .runs import FINAL_FAILURES, PlanRun, TaskRun
from .scope import Unit, in_scope, outside_scope, resolve_scope
from .store import (
    find_plan,
    load_plan,
    load_run,
    log_path,
    mark_done,
    path_id,
    plan_dir,
    write_plan,
    write_run,
)

__all__ = [
    "FINAL_FAILURES",
    "Plan",
    "PlanRun",
    "Task",
    "TaskRun",
    "Unit",
    "build_plan",
    "choose_pattern",
    "find_plan",
    "in_scope",
    "load_library",
    "load_plan",
    "load_run",
    "log_path",
    "mark_done",
    "markdown",
    "outside_scope",
    "path_id",
    "plan_dir",
    "resolve_scope",
    "schemas",
    "status",
    "write_plan",
    "write_run",
]
