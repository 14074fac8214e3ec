"""The reports of `check` (the change's validation, gates and stages) and of a task's check
in a plan (scope, validation, gates); `validate`'s own report is reporting.reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from ..affected import Affected
    from ..changes.models import ChangeSet
    from ..errors import UsageError
    from ..gates import GateResult
    from .reports import ValidationReport


@dataclass(frozen=True)
class CheckReport:
    """`orchestrator check`: the change, what it affects, the validators and the gates."""

    changes: ChangeSet
    affected: Affected
    validation: ValidationReport | None
    gates: tuple[GateResult, ...]
    skipped_stages: tuple[str, ...]
    interrupted: bool = False
    # why the gates could not start (their runner is not installed): the validators' results
    # are still reported, then this error
    gates_error: UsageError | None = None
    # a gate no affected package has a script for, and the scripts that look like it
    gate_notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return (
            (self.validation is None or self.validation.passed)
            and all(g.ok for g in self.gates)
            and not self.interrupted
            and self.gates_error is None
        )


@dataclass(frozen=True)
class TaskCheck:
    """What `plan done` ran for a task."""

    plan_path: Path
    task: str
    gates: tuple[GateResult, ...]
    validation: ValidationReport | None
    waiting_for: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return (
            not self.waiting_for
            and all(g.ok for g in self.gates)
            and (self.validation is None or self.validation.passed)
        )


@dataclass(frozen=True)
class ScopeCheck:
    """What `plan check` found: the changed files outside the task's scope."""

    plan_id: str
    task: str
    scope: tuple[str, ...]
    changed: tuple[str, ...]
    outside: tuple[str, ...]
    source: str
