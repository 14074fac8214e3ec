"""`orchestrator agents`: the pattern library's roles as agent definitions."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExitCode
from .context import Ctx


@click.group()
def agents() -> None:
    """Agent definitions made from the pattern library's roles."""


@agents.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["claude"]),
    default="claude",
    show_default=True,
    help="claude: Claude Code subagents, one Markdown file per role.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to write the files in (default: .claude/agents/ under the monorepo root; "
    "~/.claude/agents for your user's subagents).",
)
@click.option("--force", is_flag=True, help="Overwrite agent files that exist.")
@click.pass_obj
def export(obj: Ctx, fmt: str, out: Path | None, force: bool) -> ExitCode:
    """Write one agent definition per role of the pattern library: what the role is for,
    where it works, the scope rule and the checks its changes must pass here."""
    from ..api.agents import export_agents

    ws = obj.workspace()
    written = export_agents(ws, fmt=fmt, out=out, force=force)
    for path in written:
        try:
            shown = path.resolve().relative_to(ws.root.resolve()).as_posix()
        except ValueError:
            shown = str(path)
        click.echo(f"wrote {shown}")
    return ExitCode.OK
