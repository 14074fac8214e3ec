"""Dataclasses as JSON values: fields under camelCase keys, paths as POSIX strings, tuples as
lists; anything else is refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .jsonc import JSONValue


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def to_jsonable(obj: object) -> JSONValue:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {camel(f.name): to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Path):
        return obj.as_posix()
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"cannot serialize {type(obj).__name__}")
