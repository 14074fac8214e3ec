"""Scoped task plans: the pattern library (`library`), plans built from a request and the
package graph (`build`, `graph`), the plan's scope and the scope guard (`scope`), the plan as
documents (`render`), and the `tasks/` workspace that holds them (`store`, its one writer).
The names below are the package's API."""

from __future__ import annotations

from .build import build_plan
from .library import choose_pattern, load_library
from .models import Plan, Task, schemas, status
from .render import markdown
from .scope import Unit, in_scope, outside_scope, resolve_scope
from .store import find_plan, load_plan, mark_done, path_id, write_plan

__all__ = [
    "Plan",
    "Task",
    "Unit",
    "build_plan",
    "choose_pattern",
    "find_plan",
    "in_scope",
    "load_library",
    "load_plan",
    "mark_done",
    "markdown",
    "outside_scope",
    "path_id",
    "resolve_scope",
    "schemas",
    "status",
    "write_plan",
]
