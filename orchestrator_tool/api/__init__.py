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

from ..engine.selection import select_specs
from ..reporting.reports import CheckReport, ScopeCheck, TaskCheck, ValidationReport
from .checking import STAGES, check
from .impact import affected
from .loading import load_config, load_workspace
from .options import CheckOptions, ValidateOptions
from .plans import make_plan, plan_check, plan_done
from .runs import RunRequest, Scheduled, plan_schedule, run_plan
from .validation import validate

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
    "plan_schedule",
    "run_plan",
    "select_specs",
    "validate",
]
