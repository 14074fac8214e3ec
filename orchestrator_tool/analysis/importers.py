"""Who imports a name of a module: every source file of the workspace is read (not parsed)
once per run, and a name is looked for only in the files that mention it. A verdict read from
it depends on every file (a new importer anywhere changes it): it is never cached."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.deps import WHOLE_WORKSPACE
from ..engine.reading import NotRead, read_inside
from ..engine.source import TRIVIA_RE

if TYPE_CHECKING:
    from ..engine.run_state import RunState
    from ..engine.source import SourceFile
    from ..workspace import Workspace


# Linear in the file: no two quantifiers next to each other over the same characters, and the
# braces end at the next brace (`[^}]*` scanned to the end of the file from every `import {`).
_IMPORT_CLAUSE = re.compile(
    rb"\bimport\s+(?:type\s+)?(?:([\w$]+)\s*(?:,\s*)?)?(?:\{([^{}]*)\}\s*)?"
    rb"from\s*[\"']([^\"']+)[\"']"
)
_HOOK_FILE = re.compile(r"(^|/)use[A-Z-][\w-]*\.[jt]sx?$")


def _client_directive(data: bytes) -> bool:
    """Whether the file opens with "use client" after white space and comments. The comments
    are skipped in one pass: a pattern that could also read `/**/ /**/` as one comment backtracked
    through every split of a run of comments (exponential in their number)."""
    head = TRIVIA_RE.match(data)
    at = head.end() if head is not None else 0
    return (
        data[at : at + 1] in (b'"', b"'")
        and data.startswith(b"use client", at + 1)
        and data[at + 11 : at + 12] in (b'"', b"'")
    )


@dataclass
class ImporterIndex:
    """Who imports a name: each source file of the workspace is read (not parsed) once per
    run and kept; a name is looked for only in the files that contain it (a default import:
    that mention the module's file name). Tests and scripts count as server code."""

    state: RunState
    workspace: Workspace = field(init=False)
    _files: list[tuple[str, bytes, bool]] | None = None
    _found: dict[tuple[str, str], list[tuple[str, bool]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.workspace = self.state.in_workspace()

    def _read(self) -> list[tuple[str, bytes, bool]]:
        from ..engine.files import workspace_files
        from .catches import NON_PRODUCTION

        out: list[tuple[str, bytes, bool]] = []
        root = Path(self.workspace.root)
        for rel in workspace_files(root, supported_only=True):
            if "node_modules/" in rel:
                continue
            try:
                data = read_inside(root, rel, 1_000_000)
            except (OSError, NotRead):
                continue
            if b"import" in data:
                client = not NON_PRODUCTION.search(rel) and (
                    _client_directive(data) or bool(_HOOK_FILE.search(rel))
                )
                out.append((rel, data, client))
        return out

    def importers(self, source: SourceFile, name: str) -> list[tuple[str, bool]]:
        """The files importing ``name`` (`default` for a default import) from ``source``'s
        module, each with whether it is client code (a `"use client"` file or a `use…` hook
        module outside tests)."""
        self.state.reads.record(WHOLE_WORKSPACE)  # a new importer anywhere changes the answer
        key = (source.path, name)
        if key in self._found:
            return self._found[key]
        if self._files is None:
            self._files = self._read()
        from ..engine.resolution import resolver_for

        resolver = resolver_for(self.state)
        stem = Path(source.path).stem
        needle = (Path(source.path).parent.name if stem == "index" else stem).encode()
        wanted = name.encode()
        found: list[tuple[str, bool]] = []
        for rel, data, client in self._files:
            if (wanted if name != "default" else needle) not in data or rel == source.path:
                continue
            for m in _IMPORT_CLAUSE.finditer(data):
                if name == "default":
                    hit = bool(m.group(1))
                else:
                    names = (m.group(2) or b"").replace(b"type ", b" ").split(b",")
                    hit = any(part.split()[:1] == [wanted] for part in names)
                if not hit:
                    continue
                spec = m.group(3).decode("utf-8", "replace")
                target = resolver.resolve(rel, spec, self.workspace.owner_of(rel))
                if target.path == source.path:
                    found.append((rel, client))
                    break
        self._found[key] = found
        return found


def importer_index_for(state: RunState) -> ImporterIndex:
    """The run's index of who imports what (the run must be inside a workspace)."""
    return state.shared(ImporterIndex, ImporterIndex)
