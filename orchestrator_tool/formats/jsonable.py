"""Dataclasses as JSON values: fields under camelCase keys, paths as POSIX strings, tuples as
lists; anything else is refused."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def dumps_indented(obj: object, *, ensure_ascii: bool = False) -> str:
    """``json.dumps(obj, indent=2, ensure_ascii=ensure_ascii)``, the same text, faster: the
    standard library encodes indented JSON in Python, one call per value; here each object or
    array of plain values (a finding, a summary) is one call to the C encoder, its separator
    carrying the line break and indentation."""
    parts: list[str] = []
    try:
        _Indenter(ensure_ascii, parts).write(obj, "\n")
    except _Unusual:
        return json.dumps(obj, indent=2, ensure_ascii=ensure_ascii)
    return "".join(parts)


class _Unusual(Exception):
    """A key that is not a string (the standard encoder converts it): encoded the slow way."""


_SCALARS = (str, int, float, bool, type(None))


class _Indenter:
    def __init__(self, ensure_ascii: bool, parts: list[str]) -> None:
        self.ensure_ascii = ensure_ascii
        self.parts = parts
        self.plain = json.JSONEncoder(ensure_ascii=ensure_ascii).encode
        self.flat: dict[str, Callable[[object], str]] = {}  # by indentation

    def _flat(self, inner: str) -> Callable[[object], str]:
        encode = self.flat.get(inner)
        if encode is None:
            encoder = json.JSONEncoder(
                ensure_ascii=self.ensure_ascii, separators=("," + inner, ": ")
            )
            encode = self.flat[inner] = encoder.encode
        return encode

    def write(self, obj: object, pad: str) -> None:
        parts = self.parts
        inner = pad + "  "
        if isinstance(obj, dict):
            if not obj:
                parts.append("{}")
                return
            if not all(type(k) is str for k in obj):
                raise _Unusual
            if all(isinstance(v, _SCALARS) for v in obj.values()):
                parts.append("{" + inner + self._flat(inner)(obj)[1:-1] + pad + "}")
                return
            sep = "{" + inner
            for k, v in obj.items():
                parts.append(sep + self.plain(k) + ": ")
                self.write(v, inner)
                sep = "," + inner
            parts.append(pad + "}")
        elif isinstance(obj, (list, tuple)):
            if not obj:
                parts.append("[]")
                return
            if all(isinstance(v, _SCALARS) for v in obj):
                parts.append("[" + inner + self._flat(inner)(obj)[1:-1] + pad + "]")
                return
            sep = "[" + inner
            for v in obj:
                parts.append(sep)
                self.write(v, inner)
                sep = "," + inner
            parts.append(pad + "]")
        else:
            parts.append(self.plain(obj))
