"""JSON and JSONC (comments, trailing commas) with positions in every error.

turbo.json, tsconfig.json and friends are JSONC; package.json is strict JSON. Comments and
trailing commas are blanked with spaces (newlines kept), so a parse error's line and column
still point into the original text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from typing_extensions import TypeAliasType

    # Named aliases, so pydantic can build a JSON Schema for the recursive types: a JSON
    # value, and a validator option's value (the same shape under the name the config's
    # schema shows).
    JSONValue = TypeAliasType(
        "JSONValue",
        bool | int | float | str | "list[JSONValue]" | "dict[str, JSONValue]" | None,
    )
    OptionValue = TypeAliasType(
        "OptionValue",
        bool | int | float | str | "list[OptionValue]" | "dict[str, OptionValue]" | None,
    )
    JSONObject = dict[str, JSONValue]

_ALIASES = ("JSONValue", "OptionValue")


def __getattr__(name: str) -> object:
    """The recursive aliases, made when first imported at run time (by the pydantic models):
    typing_extensions would cost every start-up some 4 ms."""
    if name not in _ALIASES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from typing import Union

    from typing_extensions import TypeAliasType

    members = (bool, int, float, str, f"list[{name}]", f"dict[str, {name}]", None)
    alias = TypeAliasType(name, Union[members])  # type: ignore[misc]  # noqa: UP007
    globals()[name] = alias
    return alias


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


# A config file is untrusted input: what it may hold is bounded, each a clear error. Python
# refuses integers over 4,300 digits with a ValueError of its own, json nests as deep as the
# interpreter's recursion limit: neither reaches the user as such.
MAX_NUMBER = 100  # characters of a number
MAX_STRING = 64 * 1024  # characters of a string or a key
MAX_DEPTH = 256  # nesting of arrays and objects reported when the parser gives up


class _Unbounded(Exception):
    def __init__(self, token: str) -> None:
        self.token = token


def _number(convert: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(token: str) -> int | float:
        if len(token) > MAX_NUMBER:
            raise _Unbounded(token)
        return convert(token)

    return parse


_DECODER = json.JSONDecoder(parse_int=_number(int), parse_float=_number(float))


def _position(text: str, idx: int) -> tuple[int, int]:
    return text.count("\n", 0, idx) + 1, idx - (text.rfind("\n", 0, idx) + 1) + 1


def too_deep_at(text: str) -> int:
    """The index of the first bracket nested deeper than MAX_DEPTH (strings skipped)."""
    depth, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return i
        elif c in "]}":
            depth -= 1
        i += 1
    return 0


def _long_string(value: JSONValue) -> str | None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if len(v) > MAX_STRING:
                return v
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            for k, item in v.items():
                if len(k) > MAX_STRING:
                    return k
                stack.append(item)
    return None


def _decode(text: str, path: Path | str, what: str) -> JSONValue:
    name = Path(path).name
    try:
        value: JSONValue = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid {what}: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            hint=f"fix the syntax at that position in {name}",
        ) from None
    except _Unbounded as exc:
        line, column = _position(text, max(text.find(exc.token), 0))
        raise InputError(
            f"invalid {what}: a number of {len(exc.token)} characters "
            f"(at most {MAX_NUMBER} are read)",
            path=path,
            line=line,
            column=column,
            hint=f"write it as a string, or shorten it, in {name}",
        ) from None
    except RecursionError:
        line, column = _position(text, too_deep_at(text))
        raise InputError(
            f"invalid {what}: arrays and objects nested too deeply",
            path=path,
            line=line,
            column=column,
            hint=f"flatten the structure at that position in {name}",
        ) from None
    return _bounded(value, text, path, what)


def _bounded(value: JSONValue, text: str, path: Path | str, what: str) -> JSONValue:
    if len(text) <= MAX_STRING:  # a shorter text cannot hold a longer string
        return value
    long = _long_string(value)
    if long is not None:
        line, column = _position(text, max(text.find(json.dumps(long[:40])[:-1]), 0))
        raise InputError(
            f"invalid {what}: a string of {len(long)} characters (at most {MAX_STRING} are read)",
            path=path,
            line=line,
            column=column,
            hint=f"shorten it in {Path(path).name}",
        )
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
            return _bounded(_DECODER.decode(text), text, path, what)
        except (json.JSONDecodeError, _Unbounded, RecursionError):
            # Comments or trailing commas, or a bound: _decode says which, where.
            text = strip_jsonc(text)
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
