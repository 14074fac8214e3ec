"""What a workspace-scope validator sees (manifest-level rules: package names, graph cycles):
the whole map, once per run. A module of its own, so that running those rules imports nothing
of the file validators' API (the tree, the queries)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .run_state import RunState

if TYPE_CHECKING:
    from ..formats.jsonc import OptionValue
    from ..workspace import Package, Workspace
    from .spec import ValidatorSpec


class WorkspaceContext:
    """What a workspace-scope validator sees: the whole map, once per run."""

    def __init__(
        self,
        spec: ValidatorSpec,
        workspace: Workspace,
        options: Mapping[str, OptionValue],
        severity: str,
        state: RunState | None = None,
    ) -> None:
        self.spec = spec
        self.workspace = workspace
        self.state = state or RunState(workspace)
        self.options = options
        self.severity = severity
        self.diagnostics: list[Diagnostic] = []

    def report_manifest(
        self,
        package: Package,
        key: str,
        message: str | None = None,
        key_in: tuple[str, ...] = (),
    ) -> None:
        """Report at ``"key"`` in the package's package.json (inside one of the ``key_in``
        sections when given)."""
        from ..formats import jsonc
        from ..workspace import manifest_rel

        rel = manifest_rel(package.path)
        text = jsonc.read_text(self.workspace.root / rel)
        offset = 0
        for section in key_in:
            pos = text.find(f'"{section}"')
            if pos >= 0 and text.find(f'"{key}"', pos) >= 0:
                offset = pos
                break
        idx = text.find(f'"{key}"', offset)
        idx = max(idx, 0)
        line = text.count("\n", 0, idx) + 1
        col = idx - (text.rfind("\n", 0, idx) + 1) + 1
        self.diagnostics.append(
            Diagnostic(
                code=self.spec.code,
                name=self.spec.name,
                message=message or self.spec.message,
                path=rel,
                line=line,
                column=col,
                end_line=line,
                end_column=col + len(key) + 2,
                severity=self.severity,
                package=package.name,
                fingerprint=f"{self.spec.code}:{rel}:{message or self.spec.message}",
            )
        )
