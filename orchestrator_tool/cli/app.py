"""The `orchestrator` click group: its options (--root, colour), its commands (one module
each), and the one error handler every command runs under (:mod:`.exits`)."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from .. import __version__
from . import exits
from .console import Console, color_alone, color_options
from .context import Ctx

# Each command, and the module and name it is defined under: a run imports the module of the
# command it runs, not every command's (a hook's `validate` pays for no plan runner).
COMMANDS = {
    "affected": (".affected", "affected"),
    "agents": (".agents", "agents"),
    "check": (".check", "check"),
    "config": (".config", "config_cmd"),
    "hook": (".hook", "hook"),
    "plan": (".plan", "plan"),
    "rules": (".rules", "rules"),
    "scan": (".scan", "scan"),
    "validate": (".validate", "validate"),
}


class _Group(click.Group):
    """Reads the colour options wherever they stand, and ends every command through the one
    error handler: its outcome or its exception becomes the exit code, never a traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, color_alone(args, COMMANDS))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module = importlib.import_module(where[0], __package__)
        command: click.Command = getattr(module, where[1])
        return command

    def invoke(self, ctx: click.Context) -> None:
        status = exits.run(lambda: super(_Group, self).invoke(ctx))
        if status:
            ctx.exit(status)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="orchestrator")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="ORCHESTRATOR_ROOT",
    help="Monorepo root (default: found from the current folder upwards).",
)
@color_options
@click.pass_context
def cli(ctx: click.Context, root: Path | None, color: str | None, no_color: bool) -> None:
    """Map a JS/TS monorepo, find what a change affects, plan and check the work.

    Shell completion: eval "$(_ORCHESTRATOR_COMPLETE=bash_source orchestrator)" in ~/.bashrc
    (zsh_source, fish_source for zsh and fish)."""
    ctx.obj = Ctx(root, Console("never" if no_color else color))


def main() -> None:
    cli(prog_name="orchestrator")
