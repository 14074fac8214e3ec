"""Scoped task plans: the pattern library, plans built from a request and the package graph,
the `tasks/` workspace, and the scope guard."""

from __future__ import annotations

from .build import (
    Done,
    Plan,
    Task,
    Unit,
    build_plan,
    choose_pattern,
    find_plan,
    in_scope,
    load_library,
    load_plan,
    markdown,
    outside_scope,
    path_id,
    resolve_scope,
    schemas,
    status,
    write_plan,
)

__all__ = [
    "Done",
    "Plan",
    "Task",
    "Unit",
    "build_plan",
    "choose_pattern",
    "find_plan",
    "in_scope",
    "load_library",
    "load_plan",
    "markdown",
    "outside_scope",
    "path_id",
    "resolve_scope",
    "schemas",
    "status",
    "write_plan",
]
