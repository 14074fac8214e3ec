"""The resolved configuration: the one frozen shape the API and the engine read, built from the
validated document (the pydantic dump, as the on-disk cache holds it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..formats.jsonc import OptionValue


@dataclass(frozen=True)
class ValidatorSettings:
    enabled: bool | None = None
    severity: str | None = None
    options: Mapping[str, OptionValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Override:
    paths: tuple[str, ...]
    validators: Mapping[str, ValidatorSettings]


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
    validators: Mapping[str, ValidatorSettings] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    default_base: str | None = None
    gate_tasks: tuple[str, ...] = ("typecheck", "test")
    gate_runner: str = "auto"
    gate_concurrency: int = 1
    gate_timeout: float = 600.0
    plan_patterns: str | None = None
    plan_roles: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    plan_agents: Mapping[str, str] = field(default_factory=dict)  # role (or default) -> command
    plan_gates: bool = True  # `plan run` runs each task's gates in its worktree
    hook_new_only: bool = True
    digest: str = ""  # of the file's content, for cache keys

    def codes(self) -> set[str]:
        names = set(self.validators)
        for o in self.overrides:
            names |= set(o.validators)
        return names


def resolve(doc: Mapping[str, object], path: str, digest: str) -> Config:
    """The ``Config`` of a validated document (keys by their TOML names; every table present,
    as the schema's dump writes it)."""
    v = _table(doc, "validate")
    a = _table(doc, "affected")
    g = _table(doc, "gates")
    pl = _table(doc, "plan")
    h = _table(doc, "hook")
    roles = _table(pl, "roles")
    agents = _table(pl, "agents")
    validators = _table(doc, "validators")
    overrides = doc.get("overrides") or []
    assert isinstance(overrides, list)
    return Config(
        path=path,
        exclude=tuple(_strings(v.get("exclude", ()))),
        default_excludes=bool(v.get("default-excludes", True)),
        honour_eslintignore=bool(v.get("honour-eslintignore", True)),
        honour_eslint_disable=bool(v.get("honour-eslint-disable", True)),
        strict=bool(v.get("strict", False)),
        new_from_rev=_string(v.get("new-from-rev")) or None,
        max_file_size=_int(v.get("max-file-size", 1024 * 1024)),
        file_timeout=_float(v.get("file-timeout", 5.0)),
        select=tuple(_strings(v.get("select", ()))),
        ignore=tuple(_strings(v.get("ignore", ()))),
        validators={str(k): _validator_settings(s) for k, s in validators.items()},
        overrides=tuple(
            Override(
                tuple(_strings(o["paths"])),
                {str(k): _validator_settings(s) for k, s in _table(o, "validators").items()},
            )
            for o in overrides
        ),
        default_base=_string(a.get("default-base")),
        gate_tasks=tuple(_strings(g.get("tasks", ("typecheck", "test")))),
        gate_runner=str(g.get("runner", "auto")),
        gate_concurrency=_int(g.get("concurrency", 1)),
        gate_timeout=_float(g.get("timeout", 600.0)),
        plan_patterns=_string(pl.get("patterns")),
        plan_roles={str(k): _set_fields(r) for k, r in roles.items() if isinstance(r, dict)},
        plan_agents={str(k): str(a["command"]) for k, a in agents.items() if isinstance(a, dict)},
        plan_gates=bool(pl.get("gates", True)),
        hook_new_only=bool(h.get("new-only", True)),
        digest=digest,
    )


def _table(doc: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = doc.get(key) or {}
    assert isinstance(value, dict)
    return value


def _strings(value: object) -> list[str]:
    assert isinstance(value, (list, tuple))
    return [str(x) for x in value]


def _string(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _float(value: object) -> float:
    assert isinstance(value, (int, float))
    return float(value)


def _validator_settings(raw: object) -> ValidatorSettings:
    assert isinstance(raw, dict)
    options = raw.get("options") or {}
    assert isinstance(options, dict)
    return ValidatorSettings(raw.get("enabled"), raw.get("severity"), dict(options))


def _set_fields(raw: Mapping[str, object]) -> dict[str, object]:
    """The keys a table sets (the dump fills the rest with None)."""
    out: dict[str, object] = {}
    for k, v in raw.items():
        value = _set_fields(v) if isinstance(v, dict) else v
        if value is not None:
            out[k] = value
    return out
