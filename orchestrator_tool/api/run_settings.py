"""The engine's settings for a `validate` run: orchestrator.toml's validators, severities,
options and per-path overrides, under what the request adds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine.selection import enabled_specs

if TYPE_CHECKING:
    from ..config import Config
    from ..engine.settings import Settings
    from .options import ValidateOptions


def run_settings(config: Config, opts: ValidateOptions) -> Settings:
    """The validators ``opts`` and ``config`` select, each with its severity and options."""
    from ..engine.settings import PathOverride, Settings

    specs, default_off = enabled_specs(config, opts.select, opts.ignore)
    return Settings(
        specs=tuple(specs),
        severity={
            **{c: v.severity for c, v in config.validators.items() if v.severity},
            **(opts.severity or {}),
        },
        options={
            **{c: v.options for c, v in config.validators.items() if v.options},
            **(opts.options or {}),
        },
        honour_eslint_disable=opts.honour_eslint_disable and config.honour_eslint_disable,
        max_bytes=config.max_file_size,
        file_timeout=config.file_timeout,
        overrides=tuple(
            PathOverride(
                o.paths,
                enabled={c: v.enabled for c, v in o.validators.items() if v.enabled is not None},
                severity={c: v.severity for c, v in o.validators.items() if v.severity},
                options={c: v.options for c, v in o.validators.items() if v.options},
            )
            for o in config.overrides
        ),
        default_off=frozenset(default_off),
        strict=opts.strict or config.strict,
    )
