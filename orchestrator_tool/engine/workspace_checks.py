"""The workspace-scope validators (package names, the dependency graph…): run once per
whole-workspace run, on the manifests, not per file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .crashes import Crash
from .run_state import RunState

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .diagnostics import Diagnostic
    from .settings import Settings


def check_workspace(
    settings: Settings, workspace: Workspace
) -> tuple[list[Diagnostic], list[Crash]]:
    """The workspace-scope validators, once: (diagnostics, crashes)."""
    from .workspace_context import WorkspaceContext

    found: list[Diagnostic] = []
    crashes: list[Crash] = []
    state = RunState(workspace)
    for spec in settings.specs:
        if spec.scope != "workspace":
            continue
        ctx = WorkspaceContext(
            spec, workspace, settings.options_for(spec), settings.severity_for(spec), state
        )
        try:
            spec.check(ctx)  # type: ignore[arg-type]
        except Exception as exc:  # a validator bug must not end the run
            crashes.append(Crash.raised(None, spec.code, exc))
            continue
        found.extend(ctx.diagnostics)
    return found, crashes
