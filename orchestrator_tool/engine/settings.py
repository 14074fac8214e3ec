"""The resolved configuration a run of the validators works with: the validators, their
severities and options, and the per-path overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..formats.jsonc import OptionValue
    from .spec import ValidatorSpec

MAX_BYTES_DEFAULT = 1024 * 1024
FILE_TIMEOUT_DEFAULT = 5.0  # seconds


@dataclass(frozen=True)
class PathOverride:
    """Validator settings for the files some gitignore-style globs match."""

    patterns: tuple[str, ...]
    enabled: Mapping[str, bool] = field(default_factory=dict)
    severity: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, OptionValue]] = field(default_factory=dict)

    def matches(self, path: str) -> bool:
        return bool(self._spec.match_file(path))

    @cached_property
    def _spec(self) -> _Matcher:
        # compiled on the first match, once per override of the run's settings
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(list(self.patterns))


class _Matcher(Protocol):
    def match_file(self, file: str) -> bool: ...


@dataclass(frozen=True)
class Settings:
    """The resolved configuration the engine runs with."""

    specs: tuple[ValidatorSpec, ...]
    severity: Mapping[str, str] = field(default_factory=dict)  # code -> severity override
    options: Mapping[str, Mapping[str, OptionValue]] = field(default_factory=dict)
    honour_eslint_disable: bool = True  # eslint's and Biome's suppression comments count
    max_bytes: int = MAX_BYTES_DEFAULT
    file_timeout: float = FILE_TIMEOUT_DEFAULT  # seconds per file; 0: no limit
    overrides: tuple[PathOverride, ...] = ()
    default_off: frozenset[str] = frozenset()  # on only where an override turns them on
    strict: bool = False  # rules lowered to warnings for their measured precision are errors

    def options_for(self, spec: ValidatorSpec, path: str | None = None) -> dict[str, OptionValue]:
        options = {**spec.options, **self.options.get(spec.code, {})}
        for o in self._overrides_for(path):
            options.update(o.options.get(spec.code, {}))
        return options

    def severity_for(self, spec: ValidatorSpec, path: str | None = None) -> str:
        default = spec.strict_severity if self.strict else spec.severity
        severity = self.severity.get(spec.code, default)
        for o in self._overrides_for(path):
            severity = o.severity.get(spec.code, severity)
        return severity

    def enabled_for(self, spec: ValidatorSpec, path: str | None = None) -> bool:
        enabled = spec.code not in self.default_off
        for o in self._overrides_for(path):
            enabled = o.enabled.get(spec.code, enabled)
        return enabled

    def _overrides_for(self, path: str | None) -> list[PathOverride]:
        if path is None or not self.overrides:
            return []
        return [o for o in self.overrides if o.matches(path)]
