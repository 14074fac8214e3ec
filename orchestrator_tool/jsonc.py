"""JSON and JSONC (comments, trailing commas) with positions in every error.

turbo.json, tsconfig.json and friends are JSONC; package.json is strict JSON. Comments and
trailing commas are blanked with spaces (newlines kept), so a parse error's line and column
still point into the original text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Union

from typing_extensions import TypeAliasType

from .errors import InputError

# A named alias, so pydantic can build a JSON Schema for the recursive type.
JSONValue = TypeAliasType(
    "JSONValue",
    Union[bool, int, float, str, "list[JSONValue]", "dict[str, JSONValue]", None],
)
JSONObject = dict[str, JSONValue]


def strip_jsonc(text: str) -> str:
    """Blank out comments and trailing commas, keeping every other character in place."""
    out = list(text)
    i = 0
    n = len(text)
    last_comma = -1  # index of a comma not yet followed by a significant character
    while i < n:
        c = text[i]
        if c == '"':
            last_comma = -1
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\":
                    i += 1
                elif text[i] == "\n":
                    break  # unterminated string: let the JSON parser report it
                i += 1
            i += 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            stop = n if end < 0 else end + 2
            for j in range(i, stop):
                if out[j] != "\n":
                    out[j] = " "
            i = stop
            continue
        if c == ",":
            last_comma = i
        elif c in "]}":
            if last_comma >= 0:
                out[last_comma] = " "
            last_comma = -1
        elif not c.isspace():
            last_comma = -1
        i += 1
    return "".join(out)


def _decode(text: str, path: Path | str, what: str) -> JSONValue:
    try:
        value: JSONValue = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid {what}: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            hint=f"fix the syntax at that position in {Path(path).name}",
        ) from None
    return value


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte {exc.start})", path=path, hint="save the file as UTF-8"
        ) from None


def loads(text: str, path: Path | str, *, jsonc: bool = False, what: str = "JSON") -> JSONValue:
    if jsonc:
        try:
            value: JSONValue = json.loads(text)
            return value
        except json.JSONDecodeError:
            return _decode(strip_jsonc(text), path, what)
    return _decode(text, path, what)


def load(path: Path, *, jsonc: bool = False, what: str = "JSON") -> JSONValue:
    return loads(read_text(path), path, jsonc=jsonc, what=what)


def load_object(path: Path, *, jsonc: bool = False, what: str = "JSON") -> JSONObject:
    value = load(path, jsonc=jsonc, what=what)
    if not isinstance(value, dict):
        raise InputError(
            f"{what} must be an object, found {type_name(value)}",
            path=path,
            line=1,
            column=1,
        )
    return value


def type_name(value: JSONValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def key_position(text: str, key: str, value: str | None = None) -> tuple[int, int] | None:
    """Best-effort 1-based (line, column) of the first ``"key"`` in ``text``, or of the string
    ``value`` that follows it when ``value`` is given."""
    idx = text.find(json.dumps(key))
    if idx < 0:
        return None
    if value is not None:
        vidx = text.find(json.dumps(value), idx + len(key) + 2)
        if vidx >= 0:
            idx = vidx
    line = text.count("\n", 0, idx) + 1
    col = idx - (text.rfind("\n", 0, idx) + 1) + 1
    return line, col
