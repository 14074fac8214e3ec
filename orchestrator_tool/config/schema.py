"""The schema of orchestrator.toml: pydantic models that validate it (unknown keys are errors,
every field documented) and publish its JSON Schema (`orchestrator config --schema`).

pydantic is imported only when a function here is called: a run whose configuration is cached
(config.loading) never builds these models."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel


def models() -> type[BaseModel]:
    """The pydantic models of orchestrator.toml (imported on demand)."""
    from typing import Annotated, Literal

    from pydantic import AfterValidator, BaseModel, ConfigDict, Field

    from ..formats import names
    from ..formats.jsonc import OptionValue

    IdPart = Annotated[str, AfterValidator(lambda v: names.check_path_id(v, names.MAX_ID_PART))]

    class _Base(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)

    class ValidatorConfig(_Base):
        """Settings of one validator, by code (e.g. `[validators.ANY001]`)."""

        enabled: bool | None = Field(None, description="Turn the validator on or off.")
        severity: Literal["error", "warning", "info"] | None = Field(
            None, description="Report findings at this severity (errors fail the run)."
        )
        options: dict[str, OptionValue] = Field(
            default_factory=dict,
            description="Validator options; see `orchestrator rules explain CODE`.",
        )

    class OverrideConfig(_Base):
        """Validator settings for some paths (later overrides win)."""

        paths: list[str] = Field(
            min_length=1, description="gitignore-style globs relative to the monorepo root."
        )
        validators: dict[str, ValidatorConfig] = Field(
            default_factory=dict, description="Settings by validator code for these paths."
        )

    class ValidateConfig(_Base):
        """`orchestrator validate` settings."""

        exclude: list[str] = Field(
            default_factory=list, description="More gitignore-style globs to leave out."
        )
        default_excludes: bool = Field(
            True,
            alias="default-excludes",
            description="Leave out generated output (dist/, .next/, *.gen.ts, ...).",
        )
        honour_eslintignore: bool = Field(
            True,
            alias="honour-eslintignore",
            description="Leave out what the repository's .eslintignore files ignore (the "
            "root's and nested ones, each for the files under its folder), like `exclude`.",
        )
        honour_eslint_disable: bool = Field(
            True,
            alias="honour-eslint-disable",
            description="Let eslint-disable and biome-ignore comments silence the equivalent "
            "validators.",
        )
        max_file_size: int = Field(
            1024 * 1024,
            gt=0,
            le=1024**3,
            alias="max-file-size",
            description="Skip larger files (bytes).",
        )
        file_timeout: float = Field(
            5.0,
            ge=0,
            alias="file-timeout",
            description="Seconds the checks of one file may take; a file that takes longer is "
            "reported as not checked and the run goes on (0: no limit).",
        )
        strict: bool = Field(
            False,
            description="Run every rule at its declared severity: the rules that are warnings "
            "by default because their measured precision is under 95% are errors (as --strict).",
        )
        new_from_rev: str | None = Field(
            None,
            alias="new-from-rev",
            description="Report (and fail on) only the findings not present at this git "
            "revision (as --new-from-rev): the checked files' content there is checked too, "
            "and what it already had is left out.",
        )
        select: list[str] = Field(
            default_factory=list, description="Only these codes or prefixes (default: all)."
        )
        ignore: list[str] = Field(default_factory=list, description="Skip these codes or prefixes.")

    class HookConfig(_Base):
        """The hooks' settings (`orchestrator hook run`, the pre-commit framework's hooks)."""

        new_only: bool = Field(
            True,
            alias="new-only",
            description="Block a commit (or a push) only for what it adds: findings HEAD (the "
            "pushed range's base) does not have. false: every finding of the files it touches.",
        )

    class AffectedConfig(_Base):
        """`orchestrator affected` settings."""

        default_base: str | None = Field(
            None,
            alias="default-base",
            description="Base ref when none is given and no CI variable names one.",
        )

    class GatesConfig(_Base):
        """`orchestrator check` / `gates` settings."""

        tasks: list[str] = Field(
            default_factory=lambda: ["typecheck", "test"],
            description="Package scripts to run for the affected packages, in this order.",
        )
        runner: Literal["auto", "turbo", "pnpm", "npm", "yarn", "bun"] = Field(
            "auto",
            description="How to run them: turbo when the repo has it installed (auto), else "
            "the package manager.",
        )
        concurrency: int = Field(1, ge=1, le=256, description="Packages run at once within a wave.")
        timeout: float = Field(
            600.0,
            gt=0,
            le=7 * 24 * 3600,
            description="Seconds before a gate's whole process group is killed.",
        )

    class RoleMatchConfig(_Base):
        """Which packages a role owns (any list matching is enough)."""

        paths: list[str] | None = Field(None, description="Globs on the package folder.")
        names: list[str] | None = Field(None, description="Globs on the package name.")
        files: list[str] | None = Field(
            None, description="Globs of files the package holds (`prisma/schema.prisma`)."
        )
        depends_on: list[str] | None = Field(
            None, alias="dependsOn", description="Dependencies its package.json declares."
        )

    class RoleConfig(_Base):
        """An agent role of the plans, by id; replaces the built-in role's fields it sets."""

        description: str | None = None
        match: RoleMatchConfig | None = None
        task_suffix: IdPart | None = Field(
            None,
            alias="taskSuffix",
            description="Task id suffix for the role's tasks; kebab-case, as it becomes part "
            "of a file name under tasks/.",
        )
        after: list[str] | None = Field(None, description="Roles whose tasks come first.")
        alongside: list[str] | None = Field(
            None, description="Roles this role works next to (same wave)."
        )
        stack: list[str] | None = Field(
            None,
            description="Dependency names of the role's stack (`next`): a package takes the "
            "role only if it declares one, and a role's phase task needs one in the plan.",
        )

    class AgentConfig(_Base):
        """The agent `orchestrator plan run` starts for a role's tasks."""

        command: str = Field(
            min_length=1,
            description="A shell command line; {brief} (the brief's path), {task}, {scope} "
            "and {worktree} are replaced by their shell-quoted values.",
        )

    class PlanConfig(_Base):
        """`orchestrator plan` settings."""

        patterns: str | None = Field(
            None,
            description="The repository's pattern file, merged into the built-in one by id "
            "(default `.orchestrator/task-patterns.json`).",
        )
        roles: dict[str, RoleConfig] = Field(
            default_factory=dict, description="Agent roles by id: how packages map to them."
        )
        agents: dict[str, AgentConfig] = Field(
            default_factory=dict,
            description="The agent command by role id, or `default` for every other role "
            "(`plan run`; `--agent` overrides them).",
        )
        gates: bool = Field(
            True,
            description="`plan run` runs the gates ([gates]) on the packages each task's change "
            "affects, in its worktree after a frozen install, before merging it "
            "(`--gates`/`--no-gates` override it).",
        )

    class OrchestratorConfig(_Base):
        """orchestrator.toml, at the monorepo root."""

        validate_: ValidateConfig = Field(
            default_factory=lambda: ValidateConfig.model_validate({}), alias="validate"
        )
        validators: dict[str, ValidatorConfig] = Field(
            default_factory=dict, description="Settings by validator code."
        )
        overrides: list[OverrideConfig] = Field(
            default_factory=list, description="Per-path validator settings."
        )
        affected: AffectedConfig = Field(default_factory=lambda: AffectedConfig.model_validate({}))
        gates: GatesConfig = Field(default_factory=lambda: GatesConfig.model_validate({}))
        plan: PlanConfig = Field(default_factory=lambda: PlanConfig.model_validate({}))
        hook: HookConfig = Field(default_factory=lambda: HookConfig.model_validate({}))

    return OrchestratorConfig


def json_schema() -> dict[str, object]:
    schema: dict[str, object] = models().model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "orchestrator.toml"
    return schema
