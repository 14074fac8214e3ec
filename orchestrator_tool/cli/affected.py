"""`orchestrator affected`: the packages a change affects, each with the reasons why."""

from __future__ import annotations

import json
import os

import click

from ..errors import ExitCode, UsageError
from .context import Ctx, print_schema


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--base", default=None, help="Compare HEAD (or --head) with where it forked from REF."
)
@click.option("--head", default=None, help="The tip of the range (default HEAD). Needs --base.")
@click.option("--staged", is_flag=True, help="The staged changes (what the next commit holds).")
@click.option("--uncommitted", is_flag=True, help="Staged, unstaged and untracked changes.")
@click.option(
    "--files",
    "files_flag",
    is_flag=True,
    help="Take FILES as the change (also implied by giving FILES).",
)
@click.option("--no-dependents", is_flag=True, help="Only the packages that own changed files.")
@click.option(
    "--on-missing-base",
    type=click.Choice(["error", "all"]),
    default="error",
    show_default=True,
    help="When the base ref is not in this clone: fail, or count every package as affected.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (see --schema).")
@click.option(
    "--print",
    "print_",
    type=click.Choice(["name", "path", "filter"]),
    default=None,
    help="Print only the affected packages, one per line: names, paths, or --filter=NAME "
    "arguments for pnpm/turbo.",
)
@click.option(
    "--matrix",
    is_flag=True,
    help="Print a GitHub Actions strategy.matrix of affected packages by gate tasks.",
)
@click.option("--tasks", default="", help="With --matrix: gate scripts (default: config).")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of the --json output and exit.")
@click.pass_obj
def affected(
    obj: Ctx,
    files: tuple[str, ...],
    base: str | None,
    head: str | None,
    staged: bool,
    uncommitted: bool,
    files_flag: bool,
    no_dependents: bool,
    on_missing_base: str,
    as_json: bool,
    print_: str | None,
    matrix: bool,
    tasks: str,
    schema: bool,
) -> ExitCode:
    """Packages affected by a change, each with the reasons why.

    The change is one of: --base REF [--head REF] (git diff REF...HEAD), --staged,
    --uncommitted, or FILES. With none, the base comes from the CI's variables
    (TURBO_SCM_BASE, GITHUB_BASE_REF, GitLab, Buildkite, ...) or the default branch.
    """
    if schema:
        print_schema("affected")
        return ExitCode.OK
    if files_flag and not files:
        raise UsageError("--files needs at least one file argument")
    if head is not None and base is None and not os.environ.get("TURBO_SCM_BASE"):
        raise UsageError("--head needs --base")
    from .. import api
    from ..printable import refuse_unprintable

    ws = obj.workspace()
    result = api.affected(
        ws,
        base=base,
        head=head,
        staged=staged,
        uncommitted=uncommitted,
        files=files,
        dependents=not no_dependents,
        on_missing_base=on_missing_base,
    )
    if matrix:
        from ..gates import matrix as gate_matrix

        wanted = [t.strip() for t in tasks.split(",") if t.strip()] or list(
            api.load_config(ws.root).gate_tasks
        )
        by_path = ws.by_path
        doc = gate_matrix(ws, result.workspace_packages(ws), wanted)
        refuse_unprintable(
            ((by_path[e["path"]].name, e["path"]) for e in doc["include"]),
            what="a CI matrix",
            prints="both",
        )
        click.echo(json.dumps(doc))
        return ExitCode.OK
    if print_:
        refuse_unprintable(
            ((p.name, p.path) for p in result.packages),
            what=f"--print {print_}",
            prints="path" if print_ == "path" else "name",
        )
        for p in result.packages:
            if print_ == "path":
                click.echo(p.path)
            elif print_ == "name":
                click.echo(p.name or p.path)
            else:
                click.echo(f"--filter={p.name or './' + p.path}")
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        return ExitCode.OK
    if as_json:
        from ..reporting.jsonout import affected_document, dumps

        click.echo(dumps(affected_document(ws, result)))
        return ExitCode.OK
    from ..reporting.text import affected_text

    obj.echo(affected_text(result, len(ws.packages), obj.style("bold"), obj.style("dim")), nl=False)
    return ExitCode.OK
