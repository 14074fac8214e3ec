"""The pattern library's and the plan's models (task-patterns.json and plan.json), with the
ids that become paths under `tasks/` checked as they are read."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from ..errors import InputError
from ..formats import globs, names
from ..formats.jsonable import dumps_indented

TASKS_DIR = "tasks"
FORMAT = 1

# Every id that becomes part of a path under tasks/ (plan ids, task ids and their parts) is
# checked by names.check_path_id, whether it comes from the command line, a committed
# task-patterns.json or orchestrator.toml, or a plan.json read back.
PathId = Annotated[
    str,
    AfterValidator(names.check_path_id),
    WithJsonSchema(
        {"type": "string", "pattern": names.PATH_ID_PATTERN, "maxLength": names.MAX_PATH_ID}
    ),
]
IdPart = Annotated[
    str,
    AfterValidator(lambda v: names.check_path_id(v, names.MAX_ID_PART)),
    WithJsonSchema(
        {"type": "string", "pattern": names.PATH_ID_PATTERN, "maxLength": names.MAX_ID_PART}
    ),
]


PLACEHOLDERS = ("request", "package", "role")


def _check_placeholders(value: str) -> str:
    """A phase description names only {request}, {package} and {role} (a literal brace is
    doubled): anything else is an error where it is written, not when a plan is made."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:  # a lone `{` or `}`
        raise ValueError(f"{exc}: write a literal brace twice ({{{{ or }}}})") from None
    for field in fields:
        if field not in PLACEHOLDERS:
            raise ValueError(
                f"unknown placeholder {{{field}}}: use {{request}}, {{package}} or {{role}} "
                "(a literal brace is written twice)"
            )
    return value


def _check_glob(value: str) -> str:
    globs.check(value)  # a GlobSyntaxError is a ValueError: pydantic reports it at its key
    return value


# A glob of the one dialect (formats.globs), checked as it is read.
Glob = Annotated[str, AfterValidator(_check_glob)]

# --------------------------------------------------------------------------- pattern models


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RoleMatch(_Model):
    """Which packages a role owns. A package matches when any list matches (first role wins)."""

    paths: list[Glob] = Field(
        default_factory=list,
        description="Globs on the package folder (`apps/api`, `apps/*`; `*` stays in one "
        "folder, `**` crosses any number).",
    )
    names: list[Glob] = Field(
        default_factory=list,
        description="Globs on the package name (`*/database`; `*` does not cross the `/` "
        "after a scope).",
    )
    files: list[str] = Field(
        default_factory=list,
        description="Globs of files the package holds, relative to its folder "
        "(`prisma/schema.prisma`).",
    )
    depends_on: list[str] = Field(
        default_factory=list,
        alias="dependsOn",
        description="Dependency names declared in its package.json (`@prisma/client`).",
    )


class Role(_Model):
    """An agent role: what it owns and what it waits for."""

    id: IdPart = Field(description="kebab-case role name.")
    description: str = ""
    match: RoleMatch = Field(default_factory=RoleMatch)
    task_suffix: IdPart | None = Field(
        default=None,
        alias="taskSuffix",
        description="Task id suffix for this role's tasks (default: the package's short name); "
        "kebab-case, as it becomes part of a file name.",
    )
    after: list[str] = Field(
        default_factory=list,
        description="Roles whose tasks in the same plan come first (the API after the database).",
    )
    alongside: list[str] = Field(
        default_factory=list,
        description="Roles this role works next to (a companion): its task shares their wave, "
        "and neither they nor the tasks they wait for wait for it through the package graph "
        "(styling next to the UIs).",
    )
    stack: list[str] = Field(
        default_factory=list,
        description="Dependency names of the stack the role works in (`next`): a package "
        "takes the role only if it declares one of them, and a `roles` phase plans the role's "
        "task only if a package of the plan does. Empty: any stack.",
    )


class Selection(_Model):
    """When a pattern is suggested."""

    keywords: list[str] = Field(default_factory=list, description="Words of the request.")
    paths: list[Glob] = Field(
        default_factory=list,
        description="Globs of changed files (with --affected; `**/` also matches at the root).",
    )


class Phase(_Model):
    """A step of a pattern: the tasks it makes, what they produce and the gate that closes it."""

    id: IdPart
    name: str
    kind: Literal["roles", "packages"] = Field(
        description="`roles`: one task per role; `packages`: one task per package of the scope."
    )
    mode: Literal["sequential", "parallel", "first"] = Field(
        default="sequential",
        description="For `roles` phases: one role after another, all at once, or only the "
        "first role whose stack the plan holds (a stack's own auditor, else the general one). "
        "Package phases always run in parallel, ordered by the package graph.",
    )
    roles: list[IdPart] = Field(
        default_factory=list,
        description="`roles`: the roles, in order. `packages`: only packages of these roles "
        "(empty: any).",
    )
    packages: Literal["scope", "dependents"] = Field(
        default="scope",
        description="`packages` phases: the plan's packages not yet assigned (`scope`), or the "
        "workspace packages that depend on the previous package phase's packages (`dependents`).",
    )
    scope: Literal["plan", "tasks"] = Field(
        default="tasks",
        description="`roles` phases: work in the plan's paths (`plan`), or only in the plan's "
        "tasks/ folder (`tasks`: documents).",
    )
    description: Annotated[str, AfterValidator(_check_placeholders)] = Field(
        description="Task description; {request}, {package} and {role} are filled in."
    )
    artifacts: list[str] = Field(default_factory=list)
    gate: str = Field(default="", description="The quality gate that closes the phase, in words.")
    gates: list[str] = Field(
        default_factory=list, description="Package scripts the task must pass (typecheck, test)."
    )
    validators: bool = Field(default=False, description="Run the validators on the task's scope.")
    companions: bool = Field(
        default=False,
        description="`packages` phases: add the packages of `alongside` roles that the "
        "phase's packages depend on (the design system next to the UIs).",
    )


class Pattern(_Model):
    id: IdPart
    description: str = ""
    select: Selection = Field(default_factory=Selection)
    phases: list[Phase] = Field(min_length=1)


class PatternLibrary(_Model):
    """task-patterns.json: roles and patterns. A repository's
    `.orchestrator/task-patterns.json` is merged into the built-in one by id."""

    schema_: str | None = Field(default=None, alias="$schema")
    version: int = 1
    roles: list[Role] = Field(default_factory=list)
    patterns: list[Pattern] = Field(default_factory=list)


# --------------------------------------------------------------------------- plan models


class GateRef(_Model):
    package: str = Field(description="Package name (or path when it has none).")
    path: str
    task: str = Field(description="The package script.")
    command: str = Field(description="The command, for a human to run.")


class Done(_Model):
    at: str = Field(description="UTC time, ISO 8601.")
    commit: str | None = Field(default=None, description="HEAD when the task was marked done.")


class Task(_Model):
    task_id: PathId = Field(alias="taskId")
    agent: str
    description: str
    scope: list[str] = Field(description="Paths (folders, files or globs) the task may change.")
    dependencies: list[str]
    phase: str
    wave: int = Field(description="Tasks of one wave can run in parallel (1-based).")
    packages: list[str] = Field(default_factory=list)
    gates: list[GateRef] = Field(default_factory=list)
    validators: list[str] = Field(default_factory=list)
    artifacts: list[str] = Field(default_factory=list)
    done: Done | None = None


class PhaseInfo(_Model):
    id: str
    name: str
    gate: str
    tasks: list[str]


class PatternChoice(_Model):
    id: str
    reason: str


class PlanScope(_Model):
    source: str = Field(description="`--scope` or the change range of --affected.")
    paths: list[str]
    packages: list[str]


class Plan(_Model):
    format: int = FORMAT
    plan_id: PathId = Field(alias="planId")
    request: str
    pattern: PatternChoice
    scope: PlanScope
    phases: list[PhaseInfo]
    waves: list[list[str]]
    tasks: list[Task]
    assumptions: list[str] = Field(
        default_factory=list,
        description="What the planner assumed where the repository left a choice: a package "
        "edge set aside for a companion role, a role left out for its stack.",
    )

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.task_id == task_id), None)

    def dump(self) -> str:
        data = self.model_dump(by_alias=True, mode="json", exclude_none=True)
        return dumps_indented(data) + "\n"


def schemas() -> dict[str, object]:
    """JSON Schemas of task-patterns.json and plan.json."""
    out: dict[str, object] = {}
    for title, model in (("task-patterns.json", PatternLibrary), ("plan.json", Plan)):
        schema: dict[str, object] = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = title
        out[title] = schema
    return out


def model_error(
    exc: ValidationError, path: Path | str | None, schema: str = "", where: str = ""
) -> InputError:
    """The first of pydantic's errors as ours: `loc: message` (or `where: message`), naming
    the file."""
    err = exc.errors()[0]
    loc = where or ".".join(str(p) for p in err["loc"])
    hint = f"`orchestrator plan schema` prints the JSON Schema of {schema}" if schema else None
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(f"{loc}: {msg}", path=path, hint=hint)


def status(plan: Plan) -> dict[str, str]:
    """done | ready (every dependency done) | waiting, per task."""
    done = {t.task_id for t in plan.tasks if t.done is not None}
    return {
        t.task_id: "done"
        if t.task_id in done
        else ("ready" if set(t.dependencies) <= done else "waiting")
        for t in plan.tasks
    }
