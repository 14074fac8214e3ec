"""Agent definitions from the pattern library: `orchestrator agents export`."""

from __future__ import annotations

from pathlib import Path

from ..engine.applicable import ApplicableValidators
from ..engine.selection import enabled_specs
from ..workspace import Workspace
from .loading import load_config

FORMATS = ("claude",)


def export_agents(
    ws: Workspace, *, fmt: str = "claude", out: Path | None = None, force: bool = False
) -> list[Path]:
    """Write one agent definition per role of the pattern library (the built-in one, the
    repository's and orchestrator.toml's roles) into ``out`` (default: the workspace's
    `.claude/agents/`), with the validators and gates that apply to each role here. Existing
    files are refused without ``force``, and then nothing is written."""
    from .. import planning
    from ..planning import agents

    if fmt not in FORMATS:
        raise ValueError(f"unknown agent format {fmt!r}")
    config = load_config(ws.root)
    library = planning.load_library(ws.root, config)
    specs, _ = enabled_specs(config)
    roles = agents.agent_roles(ws, library, ApplicableValidators(ws.root, specs))
    folder = out if out is not None else ws.root / agents.CLAUDE_AGENTS_DIR
    files = {f"{role.id}.md": agents.claude_agent(role) for role in roles}
    return agents.write_agent_files(folder, files, force=force)
