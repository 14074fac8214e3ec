"""`orchestrator config`: the effective orchestrator.toml settings, or their JSON Schema."""

from __future__ import annotations

import click

from ..errors import ExitCode
from ..formats.jsonable import dumps_indented
from .context import Ctx


@click.command("config")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of orchestrator.toml.")
@click.pass_obj
def config_cmd(obj: Ctx, schema: bool) -> ExitCode:
    """Show the effective orchestrator.toml settings (or its JSON Schema)."""
    if schema:
        from ..config import json_schema

        click.echo(dumps_indented(json_schema(), ensure_ascii=True))
        return ExitCode.OK
    from .. import api
    from ..reporting.jsonout import dumps

    ws = obj.workspace()
    click.echo(dumps(api.load_config(ws.root)))
    return ExitCode.OK
