"""The state of a plan's run (`tasks/<plan-id>/run.json`): per task, what happened the last
time it ran. `plan run` resumes from it and `plan status` shows it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..formats.jsonable import dumps_indented

RUN_FILE = "run.json"
LOGS_DIR = "logs"

# done: merged into the integration branch. failed: the agent exited non-zero or a validator
# failed. scope-violation, timeout, conflict: as named. interrupted: stopped by Ctrl-C (or
# SIGTERM, SIGHUP); running: the run that started it ended without saying (a crash).
RunStatus = Literal[
    "running", "done", "failed", "scope-violation", "timeout", "conflict", "interrupted"
]
# What a new run does not redo unless asked (`--retry`).
FINAL_FAILURES = ("failed", "scope-violation", "timeout", "conflict")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class GateRun(_Model):
    """One gate a task's change went through, in its worktree."""

    package: str | None = Field(description="The package's name (None: it has none).")
    path: str = Field(description="The package's folder in the workspace.")
    task: str = Field(description="The package script (`typecheck`, `test`).")
    status: str = Field(description="passed, failed, skipped, timeout, ...")
    duration: float = Field(description="Seconds it ran.")


class TaskRun(_Model):
    status: RunStatus
    branch: str = Field(description="The task's branch.")
    worktree: str | None = Field(default=None, description="Its worktree, while it is kept.")
    base: str = Field(description="The integration branch's tip the task started from.")
    started: str = Field(description="UTC time, ISO 8601.")
    finished: str | None = None
    duration: float | None = Field(default=None, description="Seconds the agent ran.")
    exit_code: int | None = Field(default=None, alias="exitCode")
    commit: str | None = Field(default=None, description="The task branch's tip after the agent.")
    merge: str | None = Field(default=None, description="Its merge commit on the integration.")
    files: list[str] = Field(default_factory=list, description="The files the task changed.")
    findings: int | None = Field(
        default=None, description="The findings its change added, by the task's validators."
    )
    gates: list[GateRun] = Field(
        default_factory=list, description="The gates on the packages its change affects."
    )
    detail: str = Field(default="", description="Why it failed, in one line.")
    paths: list[str] = Field(
        default_factory=list,
        description="The files outside the scope (scope-violation) or in conflict (conflict).",
    )
    log: str = Field(description="The agent's output, relative to the repository root.")


class PlanRun(_Model):
    plan_id: str = Field(alias="planId")
    integration: str = Field(description="The integration branch.")
    start: str = Field(description="The commit the integration branch started at.")
    tasks: dict[str, TaskRun] = Field(default_factory=dict)

    def dump(self) -> str:
        data = self.model_dump(by_alias=True, mode="json", exclude_none=True)
        return dumps_indented(data) + "\n"
