"""Validating orchestrator.toml: the TOML syntax, the bounds the JSON reader keeps too, the schema
and the globs, each failure one `file:line:col` error naming the key (positions read from the
TOML text, config.toml_text)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from .toml_text import line_col, loads, positions

_NUMBER = re.compile(r"[-+]?[0-9A-Za-z_]+")  # an integer as written: sign, base prefix, digits


def validated(path: Path, text: str) -> dict[str, object]:
    """The document in ``text`` (the file at ``path``) as the schema dumps it: keys by their
    TOML names, defaults filled in. Raises InputError naming the position of what is wrong."""
    from ..formats.jsonc import MAX_NUMBER

    try:
        data = loads(text)
    except RecursionError:
        raise _too_deep(path, text) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        if "(at line" not in str(exc):  # int(): more digits than Python converts
            m = re.search(rf"[-+]?[0-9][0-9_]{{{MAX_NUMBER},}}", text)
            raise _long_number(path, text, m.start() if m else None) from None
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

    from .schema import models

    try:
        model = models().model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise _schema_error(
            path, text, err["loc"], err["type"], err["msg"], len(exc.errors())
        ) from None
    dumped: dict[str, object] = model.model_dump(by_alias=True, mode="json")
    _check_globs(path, text, dumped)
    return dumped


def _schema_error(
    path: Path, text: str, loc: Sequence[str | int], kind: str, msg: str, errors: int
) -> InputError:
    """The first of ``errors`` schema errors, at ``loc``: placed at the key when the key is
    not a setting, else at the value."""
    where = ".".join(str(p) for p in loc)
    key = str(loc[-1]) if loc else ""
    position = positions(text).line_col(loc, key=kind == "extra_forbidden") if loc else None
    line, column = position or (None, None)
    more = f" (and {errors - 1} more)" if errors > 1 else ""
    hint = "see `orchestrator config --schema` for every key"
    if kind == "extra_forbidden":
        hint = f"`{key}` is not a setting here; " + hint
    msg = msg.removeprefix("Value error, ")
    return InputError(f"{where}: {msg}{more}", path=path, line=line, column=column, hint=hint)


def _too_deep(path: Path, text: str) -> InputError:
    from ..formats.jsonc import too_deep_at

    line, col = line_col(text, too_deep_at(text))
    return InputError(
        "invalid TOML: arrays or inline tables nested too deeply",
        path=path,
        line=line,
        column=col,
        hint="flatten the structure at that position",
    )


def _long_number(path: Path, text: str, at: int | None) -> InputError:
    """The integer written at offset ``at`` is longer than the JSON reader's bound."""
    from ..formats.jsonc import MAX_NUMBER

    m = _NUMBER.match(text, at) if at is not None else None
    line, col = line_col(text, at) if at is not None else (None, None)
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

    stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
    while stack:
        at, v = stack.pop()
        if isinstance(v, dict):
            for k, item in v.items():
                if len(k) > MAX_STRING:
                    return _long_string(path, text, len(k), (*at, k), key=True)
                stack.append(((*at, k), item))
        elif isinstance(v, list):
            stack.extend(((*at, i), item) for i, item in enumerate(v))
        elif isinstance(v, str) and len(v) > MAX_STRING:
            return _long_string(path, text, len(v), at, key=False)
        elif isinstance(v, int) and v.bit_length() > 3 * MAX_NUMBER:
            return _long_number(path, text, positions(text).offset(at))
    return None


def _long_string(
    path: Path, text: str, length: int, at: tuple[str | int, ...], *, key: bool
) -> InputError:
    from ..formats.jsonc import MAX_STRING

    line, col = positions(text).line_col(at, key=key) or (None, None)
    return InputError(
        f"a string of {length} characters (at most {MAX_STRING} are read)",
        path=path,
        line=line,
        column=col,
        hint="shorten it",
    )


def _check_globs(path: Path, text: str, dumped: dict[str, object]) -> None:
    """A glob pathspec cannot compile is a `file:line:col` error here, not a crash later."""
    from ..formats import globs

    v = dumped.get("validate")
    overrides = dumped.get("overrides")
    lists: list[tuple[tuple[str | int, ...], object]] = [
        (("validate", "exclude"), v.get("exclude") if isinstance(v, dict) else None)
    ]
    for i, o in enumerate(overrides if isinstance(overrides, list) else []):
        lists.append((("overrides", i, "paths"), o.get("paths") if isinstance(o, dict) else None))
    for where, patterns in lists:
        for i, g in enumerate(patterns if isinstance(patterns, list) else ()):
            try:
                globs.check_gitignore(str(g))
            except globs.GlobSyntaxError as exc:
                raise globs.located_error(
                    exc,
                    what=".".join(map(str, where)) + ": glob",
                    glob=str(g),
                    path=path,
                    position=positions(text).line_col((*where, i)),
                ) from None
