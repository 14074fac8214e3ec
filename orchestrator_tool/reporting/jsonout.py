"""JSON documents: dataclasses serialized with camelCase keys, and their JSON Schemas.

The in-process models are frozen dataclasses (cheap to import: a pre-commit hook pays for
every import). pydantic reads the same dataclasses to publish the JSON Schema, and the tests
validate real output against it, so the schema cannot drift from what is printed.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..affected import Affected, AffectedPackage
from ..changes.models import ChangedFile
from ..formats.jsonable import camel, dumps_indented, to_jsonable

if TYPE_CHECKING:
    from ..formats.jsonc import JSONValue
    from ..workspace import Workspace

SCHEMA_VERSION = 1


@dataclasses.dataclass(frozen=True, slots=True)
class AffectedDocument:
    """The JSON printed by `orchestrator affected --json`."""

    schema_version: int
    root: str
    source: str
    base: str | None
    head: str | None
    base_sha: str | None
    head_sha: str | None
    merge_base: str | None
    changed_files: tuple[ChangedFile, ...]
    packages: tuple[AffectedPackage, ...]
    unowned_files: tuple[str, ...]
    notes: tuple[str, ...]


def affected_document(ws: Workspace, result: Affected) -> AffectedDocument:
    cs = result.changes
    return AffectedDocument(
        schema_version=SCHEMA_VERSION,
        root=ws.root.as_posix(),
        source=cs.source,
        base=cs.base,
        head=cs.head,
        base_sha=cs.base_sha,
        head_sha=cs.head_sha,
        merge_base=cs.merge_base,
        changed_files=cs.files,
        packages=result.packages,
        unowned_files=result.unowned_files,
        notes=result.notes,
    )


def dumps(obj: object) -> str:
    return dumps_indented(to_jsonable(obj))


def json_schema(kind: str) -> dict[str, JSONValue]:
    """The JSON Schema of the `scan` or `affected` document (needs pydantic)."""
    from pydantic import TypeAdapter

    from ..formats.jsonc import JSONValue
    from ..workspace import Workspace

    # The dataclasses import JSONValue for type checking only: it is found here, as a local
    # of the caller, by typing and by pydantic alike.
    aliases: dict[str, object] = {"JSONValue": JSONValue}
    target: type[object] = Workspace if kind == "scan" else AffectedDocument
    _configure(target, set(), aliases)
    adapter: TypeAdapter[object] = TypeAdapter(target)
    schema: dict[str, JSONValue] = adapter.json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _configure(cls: type[object], seen: set[type[object]], aliases: dict[str, object]) -> None:
    """Give ``cls`` and every dataclass it contains pydantic's camelCase aliases."""
    import typing

    if cls in seen or not dataclasses.is_dataclass(cls):
        return
    seen.add(cls)
    cls.__pydantic_config__ = {"alias_generator": camel}  # type: ignore[attr-defined]
    module = __import__(cls.__module__, fromlist=["_"])
    hints = typing.get_type_hints(cls, globalns=vars(module), localns=aliases)
    stack: list[object] = list(hints.values())
    while stack:
        t = stack.pop()
        if isinstance(t, type) and dataclasses.is_dataclass(t):
            _configure(t, seen, aliases)
        stack.extend(typing.get_args(t))
