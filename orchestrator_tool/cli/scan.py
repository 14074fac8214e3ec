"""`orchestrator scan`: the workspace map."""

from __future__ import annotations

import click

from ..errors import ExitCode
from .context import Ctx, print_schema


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the map as JSON (see --schema).")
@click.option(
    "--graph",
    type=click.Choice(["mermaid", "dot"]),
    default=None,
    help="Print the package dependency graph as Mermaid or Graphviz DOT.",
)
@click.option("--schema", is_flag=True, help="Print the JSON Schema of the --json output and exit.")
@click.pass_obj
def scan(obj: Ctx, as_json: bool, graph: str | None, schema: bool) -> ExitCode:
    """The workspace map: packages, internal dependencies, turbo.json, tsconfig paths.

    Exits 1 when the map has errors (a dependency cycle, a `workspace:` dependency on no
    package), 2 when it cannot be built (broken JSON/YAML, duplicate names).
    """
    if schema:
        print_schema("scan")
        return ExitCode.OK

    ws = obj.workspace()
    if as_json:
        from ..reporting.jsonout import dumps

        click.echo(dumps(ws))
    elif graph:
        from ..reporting import graph as g

        click.echo(g.mermaid(ws) if graph == "mermaid" else g.dot(ws), nl=False)
    else:
        from ..reporting.text import scan_text

        obj.echo(scan_text(ws, obj.style("bold"), obj.style("dim")), nl=False)
    if any(p.severity == "error" for p in ws.problems):
        if as_json or graph:
            for p in ws.problems:
                click.echo(p.render(), err=True)
        return ExitCode.FINDINGS
    return ExitCode.OK
