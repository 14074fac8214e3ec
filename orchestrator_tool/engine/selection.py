"""Which validators a run uses: the codes the command line and orchestrator.toml select or
ignore, each code checked against the validators there are, and the opt-in ones that only a
per-path override turns on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import InputError, UsageError
from .options import check_options

if TYPE_CHECKING:
    from ..config import Config
    from .spec import ValidatorSpec


class _NoSettings:
    enabled: bool | None = None


_NO_SETTINGS = _NoSettings()


def select_specs(
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    specs: Sequence[ValidatorSpec] | None = None,
) -> list[ValidatorSpec]:
    """The validators (of ``specs``, default: every one) whose code starts with one of
    ``select`` (all when empty) and with none of ``ignore``."""
    if specs is None:
        from .spec import load_specs  # lazily: the commands that read no code stay quick

        specs = load_specs()
    known = {s.code for s in specs}
    for code in (*select, *ignore):
        if not any(k.startswith(code) for k in known):
            raise UsageError(
                f"no validator code starts with {code!r}",
                hint="`orchestrator rules` lists them: " + ", ".join(sorted(known)),
            )
    return [
        s
        for s in specs
        if (not select or any(s.code.startswith(c) for c in select))
        and not any(s.code.startswith(c) for c in ignore)
    ]


def enabled_specs(
    config: Config, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> tuple[list[ValidatorSpec], set[str]]:
    """The validators a run uses under ``config`` and the command line's select/ignore, and
    the opt-in ones among them that only a per-path override turns on."""
    from .spec import load_specs

    available = load_specs()  # read once for the three selections below
    try:
        select_specs(config.select, config.ignore, available)  # orchestrator.toml's codes first
    except UsageError as exc:
        raise InputError(
            f"[validate] select/ignore: {exc.message}", path=config.path, hint=exc.hint
        ) from None
    specs = select_specs(select or config.select, ignore or config.ignore, available)
    every = {s.code: s for s in available}
    unknown = sorted(c for c in config.codes() if c not in every)
    if unknown:
        raise InputError(
            f"no validator {', '.join(unknown)}",
            path=config.path,
            hint="`orchestrator rules` lists the codes",
        )
    tables = [("validators", config.validators)] + [
        (f"overrides[{i}].validators", o.validators) for i, o in enumerate(config.overrides)
    ]
    for where, table in tables:
        for code, settings in table.items():
            check_options(f"{where}.{code}.options", every[code], settings.options, config.path)
    named = {*select, *config.select}
    override_on = {c for o in config.overrides for c, v in o.validators.items() if v.enabled}
    default_off: set[str] = set()
    chosen: list[ValidatorSpec] = []
    for s in specs:
        on = config.validators.get(s.code, _NO_SETTINGS).enabled
        if on is False:
            continue
        if on is None and not s.default_enabled and s.code not in named:
            # an opt-in validator: only where an override turns it on
            if s.code not in override_on:
                continue
            default_off.add(s.code)
        chosen.append(s)
    return chosen, default_off
