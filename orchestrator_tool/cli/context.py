"""What every command is given (the root it was pointed at, the console it speaks through) and
what several commands do alike: load the workspace, print a JSON Schema, report a gate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .console import Console, Style

if TYPE_CHECKING:
    from ..gates import GateResult
    from ..workspace import Workspace


class Ctx:
    """The group's options, as each command reads them (``click.pass_obj``)."""

    def __init__(self, root: Path | None, console: Console) -> None:
        self.root = root
        self.console = console
        self.echo = console.echo

    def style(self, kind: str) -> Style:
        return self.console.style(kind)

    def workspace(self) -> Workspace:
        """The workspace at ``--root`` (or found from the current folder upwards)."""
        from ..api import load_workspace

        return load_workspace(self.root)


def print_schema(kind: str) -> None:
    """The JSON Schema of the ``--json`` output of `scan` or `affected`."""
    from ..formats.jsonable import dumps_indented  # here: every command imports this module
    from ..reporting.jsonout import json_schema

    click.echo(dumps_indented(json_schema(kind), ensure_ascii=True))


def echo_gate(result: GateResult) -> None:
    """A gate's line, and its output when it failed, on standard error."""
    from ..reporting import gates as grender

    click.echo(grender.line(result), err=True)
    if not result.ok:
        click.echo("\n".join(grender.details(result)), err=True)
