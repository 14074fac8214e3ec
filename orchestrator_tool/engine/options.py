"""A validator's options as orchestrator.toml sets them: each one the validator declares, of
its default's type, its globs well formed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from .spec import ValidatorSpec


def _check_globs(where: str, patterns: Sequence[object], path: str | None) -> None:
    from ..formats import globs

    for pattern in patterns:
        if not isinstance(pattern, str):
            continue  # the type check below names it
        try:
            globs.check(pattern)
        except globs.GlobSyntaxError as exc:
            raise InputError(
                f"{where}: glob {pattern[:200]!r}, column {exc.column}: {exc.message}",
                path=path,
                hint=exc.hint,
            ) from None


def check_options(
    where: str, spec: ValidatorSpec, options: Mapping[str, object], path: str | None
) -> None:
    """Each option must be one the validator has, of its default's type."""
    for key, value in options.items():
        if key not in spec.options:
            known = ", ".join(sorted(spec.options)) or "none"
            raise InputError(
                f"{where}: {spec.code} has no option `{key}`",
                path=path,
                hint=f"its options: {known} (`orchestrator rules explain {spec.code}`)",
            )
        default = spec.options[key]
        if key in spec.glob_options and isinstance(value, (list, tuple)):
            _check_globs(f"{where}.{key}", value, path)
        if default is None:
            continue
        want: tuple[type, ...] = (type(default),)
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            want = (int, float)
        elif isinstance(default, (list, tuple)):
            want = (list, tuple)
            kinds = {type(x) for x in default}
            if isinstance(value, (list, tuple)) and len(kinds) == 1:
                (kind,) = kinds
                wrong = [x for x in value if not isinstance(x, kind)]
                if wrong:
                    raise InputError(
                        f"{where}.{key}: expected a list of {_plural_kind(default[0])}, "
                        f"got {wrong[0]!r} in it",
                        path=path,
                        hint=f"the default is {list(default)!r}",
                    )
        if not isinstance(value, want) or (isinstance(value, bool) and want != (bool,)):
            raise InputError(
                f"{where}.{key}: expected {_kind(default)}, got {value!r}",
                path=path,
                hint=f"the default is {default!r}",
            )


def _plural_kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false values"
    if isinstance(value, (int, float)):
        return "numbers"
    return "strings" if isinstance(value, str) else f"{type(value).__name__} values"


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a table" if isinstance(value, dict) else type(value).__name__
