"""The public Python API: what the CLI (and any plugin or script) calls.

>>> from orchestrator_tool import api
>>> ws = api.load_workspace()
>>> result = api.affected(ws, base="origin/main")
>>> [p.name for p in result.packages]
>>> report = api.validate(ws, api.ValidateOptions(paths=["apps/web"], select=["IMP"]))
>>> report.passed

The change sources (a range, the index, the work tree, named files, the CI's base) are
:mod:`orchestrator_tool.changes`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.selection import select_specs
    from ..reporting.check_reports import CheckReport, ScopeCheck, TaskCheck
    from ..reporting.reports import ValidationReport
    from .checking import STAGES, check
    from .external import plan_merge, plan_next
    from .impact import affected
    from .loading import load_config, load_workspace
    from .options import CheckOptions, ValidateOptions
    from .plans import make_plan, plan_check, plan_done
    from .runs import RunRequest, Scheduled, plan_schedule, run_plan
    from .validation import validate

# Each name and the module it lives in: a command imports what it calls and no more (a
# `scan` does not load the validate pipeline, a `validate` not the plan runner).
_HOMES = {
    "select_specs": "..engine.selection",
    "CheckReport": "..reporting.check_reports",
    "ScopeCheck": "..reporting.check_reports",
    "TaskCheck": "..reporting.check_reports",
    "ValidationReport": "..reporting.reports",
    "STAGES": ".checking",
    "check": ".checking",
    "plan_merge": ".external",
    "plan_next": ".external",
    "affected": ".impact",
    "load_config": ".loading",
    "load_workspace": ".loading",
    "CheckOptions": ".options",
    "ValidateOptions": ".options",
    "make_plan": ".plans",
    "plan_check": ".plans",
    "plan_done": ".plans",
    "RunRequest": ".runs",
    "Scheduled": ".runs",
    "plan_schedule": ".runs",
    "run_plan": ".runs",
    "validate": ".validation",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


__all__ = [
    "STAGES",
    "CheckOptions",
    "CheckReport",
    "RunRequest",
    "Scheduled",
    "ScopeCheck",
    "TaskCheck",
    "ValidateOptions",
    "ValidationReport",
    "affected",
    "check",
    "load_config",
    "load_workspace",
    "make_plan",
    "plan_check",
    "plan_done",
    "plan_merge",
    "plan_next",
    "plan_schedule",
    "run_plan",
    "select_specs",
    "validate",
]
