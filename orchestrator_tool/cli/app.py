"""The `orchestrator` click group: its options (--root, colour), its commands (one module
each), and the one error handler every command runs under (:mod:`.exits`)."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from . import exits
from .affected import affected
from .check import check
from .config import config_cmd
from .console import Console, color_alone, color_options
from .context import Ctx
from .hook import hook
from .plan import plan
from .rules import rules
from .scan import scan
from .validate import validate


class _Group(click.Group):
    """Reads the colour options wherever they stand, and ends every command through the one
    error handler: its outcome or its exception becomes the exit code, never a traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, color_alone(args, self.commands))

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


for _command in (scan, affected, validate, check, rules, hook, config_cmd, plan):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="orchestrator")
