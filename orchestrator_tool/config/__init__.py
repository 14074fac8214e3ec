"""`orchestrator.toml` at the monorepo root: the models, loading, and the resolved settings.

```toml
[validate]
exclude = ["legacy/**"]            # added to the default excludes
honour-eslintignore = true         # the repository's .eslintignore files exclude too
honour-eslint-disable = true       # and biome-ignore comments

[validators.ANY001]
severity = "warning"
options = { ignoreRestArgs = true }

[validators.IMP006]
enabled = false

[[overrides]]
paths = ["apps/web/legacy/**", "**/*.stories.tsx"]
validators.ANY001.enabled = false

[affected]
default-base = "origin/main"

[gates]
tasks = ["typecheck", "test"]
runner = "auto"          # turbo when installed, else the package manager
concurrency = 2
timeout = 900            # seconds; the whole process group is killed
```

The file is validated by pydantic models (unknown keys are errors, every field documented;
`orchestrator config --schema` prints the JSON Schema). pydantic costs more to import than a
cached validate run takes, so the validated result is cached by the file's content hash and
pydantic is only imported when the file changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from typing_extensions import TypeAliasType

from ..errors import InputError
from ..fsio import cache_dir, write_atomic

if TYPE_CHECKING:
    from pydantic import BaseModel

CONFIG_FILES = ("orchestrator.toml", ".orchestrator.toml")
FORMAT = 3  # of the cached, validated file: bumped when validation changes

OptionValue = TypeAliasType(
    "OptionValue",
    Union[bool, int, float, str, "list[OptionValue]", "dict[str, OptionValue]", None],
)


@dataclass(frozen=True)
class ValidatorSettings:
    enabled: bool | None = None
    severity: str | None = None
    options: dict[str, OptionValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Override:
    paths: tuple[str, ...]
    validators: dict[str, ValidatorSettings]


@dataclass(frozen=True)
class Config:
    """The resolved configuration (defaults when there is no file)."""

    path: str | None = None
    exclude: tuple[str, ...] = ()
    default_excludes: bool = True
    honour_eslintignore: bool = True
    honour_eslint_disable: bool = True
    strict: bool = False
    new_from_rev: str | None = None
    max_file_size: int = 1024 * 1024
    file_timeout: float = 5.0
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    validators: dict[str, ValidatorSettings] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    default_base: str | None = None
    gate_tasks: tuple[str, ...] = ("typecheck", "test")
    gate_runner: str = "auto"
    gate_concurrency: int = 1
    gate_timeout: float = 600.0
    plan_patterns: str | None = None
    plan_roles: dict[str, dict[str, object]] = field(default_factory=dict)
    hook_new_only: bool = True
    digest: str = ""  # of the file's content, for cache keys

    def codes(self) -> set[str]:
        names = set(self.validators)
        for o in self.overrides:
            names |= set(o.validators)
        return names


def models() -> type[BaseModel]:
    """The pydantic models of orchestrator.toml (imported on demand)."""
    from typing import Annotated, Literal

    from pydantic import AfterValidator, BaseModel, ConfigDict, Field

    from ..formats import names

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


def find(root: Path) -> Path | None:
    found = [root / name for name in CONFIG_FILES if (root / name).is_file()]
    if len(found) > 1:
        raise InputError(
            f"both {found[0].name} and {found[1].name} are here: which one holds the settings?",
            path=found[1],
            hint=f"merge them into {found[0].name} and delete {found[1].name}",
        )
    return found[0] if found else None


def _toml_loads(text: str) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    data: dict[str, object] = tomllib.loads(text)
    return data


def _cache_file(digest: str) -> Path:
    return cache_dir() / f"config-{FORMAT}-{digest}.json"


def load(root: Path) -> Config:
    """The configuration of the monorepo at ``root`` (defaults when there is no file)."""
    path = find(root)
    if path is None:
        return Config()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    digest = hashlib.blake2b(raw, digest_size=12).hexdigest()
    cached = _cache_file(digest)
    normalized: dict[str, object] | None = None
    try:
        with open(cached, encoding="utf-8") as fh:
            doc = json.load(fh)
            if isinstance(doc, dict):
                normalized = doc
    except (OSError, ValueError):
        normalized = None
    if normalized is None:
        normalized = _validate(path, raw.decode("utf-8", "replace"))
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(cached, json.dumps(normalized))
        except OSError:
            pass
    return _resolve(normalized, str(path), digest)


def _line_col(text: str, idx: int) -> tuple[int, int]:
    return text.count("\n", 0, idx) + 1, idx - text.rfind("\n", 0, idx)


def _too_deep(path: Path, text: str) -> InputError:
    from ..formats.jsonc import too_deep_at

    line, col = _line_col(text, too_deep_at(text))
    return InputError(
        "invalid TOML: arrays or inline tables nested too deeply",
        path=path,
        line=line,
        column=col,
        hint="flatten the structure at that position",
    )


def _long_number(path: Path, text: str) -> InputError:
    from ..formats.jsonc import MAX_NUMBER

    m = re.search(rf"[-+]?[0-9][0-9_]{{{MAX_NUMBER},}}", text)
    line, col = _line_col(text, m.start()) if m else (None, None)
    return InputError(
        f"a number of {len(m.group()) if m else 'over ' + str(MAX_NUMBER)} characters "
        f"(at most {MAX_NUMBER} are read)",
        path=path,
        line=line,
        column=col,
        hint="shorten it",
    )


def _unbounded(path: Path, text: str, data: dict[str, object]) -> InputError | None:
    """A number or string past the bounds the JSON reader keeps (jsonc.MAX_*), as an error
    naming its position."""
    from ..formats.jsonc import MAX_NUMBER, MAX_STRING

    stack: list[object] = [data]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
            stack.extend(v.keys())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, str) and len(v) > MAX_STRING:
            line, col = _line_col(text, max(text.find(v[:40]), 0))
            return InputError(
                f"a string of {len(v)} characters (at most {MAX_STRING} are read)",
                path=path,
                line=line,
                column=col,
                hint="shorten it",
            )
        elif isinstance(v, int) and v.bit_length() > 3 * MAX_NUMBER:
            return _long_number(path, text)
    return None


def _validate(path: Path, text: str) -> dict[str, object]:
    try:
        data = _toml_loads(text)
    except RecursionError:
        raise _too_deep(path, text) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        if "(at line" not in str(exc):  # int(): more digits than Python converts
            raise _long_number(path, text) from None
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise InputError(
            f"invalid TOML: {message}",
            path=path,
            line=int(m.group(1)) if m else None,
            column=int(m.group(2)) if m else None,
            hint="fix the TOML syntax at that position",
        ) from None
    unbounded = _unbounded(path, text, data)
    if unbounded is not None:
        raise unbounded
    from pydantic import ValidationError

    try:
        model = models().model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        key = str(err["loc"][-1]) if err["loc"] else ""
        line = None
        if key:
            for i, ln in enumerate(text.splitlines(), 1):
                if (
                    re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", ln)
                    or f"[{key}" in ln
                    or f".{key}]" in ln
                ):
                    line = i
                    break
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        hint = "see `orchestrator config --schema` for every key"
        if err["type"] == "extra_forbidden":
            hint = f"`{key}` is not a setting here; " + hint
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(f"{loc}: {msg}{more}", path=path, line=line, hint=hint) from None
    dumped: dict[str, object] = model.model_dump(by_alias=True, mode="json")
    _check_globs(path, text, dumped)
    return dumped


def _check_globs(path: Path, text: str, dumped: dict[str, object]) -> None:
    """A glob pathspec cannot compile is a `file:line:col` error here, not a crash later."""
    from ..formats import globs

    v = dumped.get("validate")
    overrides = dumped.get("overrides")
    lists: list[tuple[str, object]] = [
        ("validate.exclude", v.get("exclude") if isinstance(v, dict) else None)
    ]
    for i, o in enumerate(overrides if isinstance(overrides, list) else []):
        lists.append((f"overrides.{i}.paths", o.get("paths") if isinstance(o, dict) else None))
    for where, patterns in lists:
        for g in patterns if isinstance(patterns, list) else ():
            try:
                globs.check_gitignore(str(g))
            except globs.GlobSyntaxError as exc:
                pos = None
                for quoted in (json.dumps(g), f"'{g}'"):
                    idx = text.find(quoted)
                    if idx >= 0:
                        pos = (text.count("\n", 0, idx) + 1, idx - text.rfind("\n", 0, idx))
                        break
                raise globs.located_error(
                    exc, what=f"{where}: glob", glob=str(g), path=path, position=pos
                ) from None


def _validator_settings(raw: object) -> ValidatorSettings:
    assert isinstance(raw, dict)
    options = raw.get("options") or {}
    assert isinstance(options, dict)
    return ValidatorSettings(raw.get("enabled"), raw.get("severity"), dict(options))


def _set_fields(raw: dict[str, object]) -> dict[str, object]:
    """The keys a table sets (the dump fills the rest with None)."""
    out: dict[str, object] = {}
    for k, v in raw.items():
        value = _set_fields(v) if isinstance(v, dict) else v
        if value is not None:
            out[k] = value
    return out


def _resolve(doc: dict[str, object], path: str, digest: str) -> Config:
    v = doc.get("validate") or {}
    a = doc.get("affected") or {}
    g = doc.get("gates") or {}
    pl = doc.get("plan") or {}
    h = doc.get("hook") or {}
    assert isinstance(v, dict) and isinstance(a, dict) and isinstance(g, dict)
    assert isinstance(pl, dict) and isinstance(h, dict)
    roles = pl.get("roles") or {}
    assert isinstance(roles, dict)
    validators = doc.get("validators") or {}
    overrides = doc.get("overrides") or []
    assert isinstance(validators, dict) and isinstance(overrides, list)
    return Config(
        path=path,
        exclude=tuple(v.get("exclude", ())),
        default_excludes=bool(v.get("default-excludes", True)),
        honour_eslintignore=bool(v.get("honour-eslintignore", True)),
        honour_eslint_disable=bool(v.get("honour-eslint-disable", True)),
        strict=bool(v.get("strict", False)),
        new_from_rev=v.get("new-from-rev") or None,
        max_file_size=int(v.get("max-file-size", 1024 * 1024)),
        file_timeout=float(v.get("file-timeout", 5.0)),
        select=tuple(v.get("select", ())),
        ignore=tuple(v.get("ignore", ())),
        validators={str(k): _validator_settings(s) for k, s in validators.items()},
        overrides=tuple(
            Override(
                tuple(o["paths"]),
                {str(k): _validator_settings(s) for k, s in (o.get("validators") or {}).items()},
            )
            for o in overrides
        ),
        default_base=a.get("default-base"),
        gate_tasks=tuple(g.get("tasks", ("typecheck", "test"))),
        gate_runner=str(g.get("runner", "auto")),
        gate_concurrency=int(g.get("concurrency", 1)),
        gate_timeout=float(g.get("timeout", 600.0)),
        plan_patterns=pl.get("patterns"),
        plan_roles={str(k): _set_fields(r) for k, r in roles.items() if isinstance(r, dict)},
        hook_new_only=bool(h.get("new-only", True)),
        digest=digest,
    )
