"""The `orchestrator` command line: a thin click layer over :mod:`orchestrator_tool.api`.

Exit codes: 0 clean, 1 findings, 2 usage/config/input error, 3 internal error,
130 interrupted.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import ExitCode, OrchestratorError

if TYPE_CHECKING:
    from .workspace import Workspace


class _Ctx:
    def __init__(self, root: Path | None, color: bool | None) -> None:
        self.root = root
        self.color = color

    def style(self, kind: str) -> Callable[[str], str]:
        use = (
            self.color
            if self.color is not None
            else sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        )
        if not use:
            return lambda s: s
        if kind == "bold":
            return lambda s: click.style(s, bold=True)
        return lambda s: click.style(s, dim=True)


class _Group(click.Group):
    """Maps outcomes to exit codes in one place: no traceback for expected errors."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OrchestratorError as exc:
            click.echo(f"orchestrator: {exc.render()}", err=True)
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("orchestrator: interrupted", err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # `orchestrator scan | head`: the reader left; not an error of ours.
            sys.stderr.close()
            sys.exit(int(ExitCode.OK))
        except Exception as exc:
            if os.environ.get("ORCHESTRATOR_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"orchestrator: internal error: {type(exc).__name__}: {exc}\n"
                "  hint: this is a bug; rerun with ORCHESTRATOR_DEBUG=1 for the traceback and "
                "report it",
                err=True,
            )
            sys.exit(int(ExitCode.INTERNAL))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="orchestrator")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="ORCHESTRATOR_ROOT",
    help="Monorepo root (default: found from the current folder upwards).",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: on a tty)."
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, color: bool | None) -> None:
    """Map a JS/TS monorepo, find what a change affects, plan and check the work."""
    ctx.obj = _Ctx(root, color)


def _workspace(ctx: _Ctx) -> Workspace:
    from .api import load_workspace

    return load_workspace(ctx.root)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the map as JSON (see --schema).")
@click.option(
    "--graph",
    type=click.Choice(["mermaid", "dot"]),
    default=None,
    help="Print the package dependency graph as Mermaid or Graphviz DOT.",
)
@click.option("--schema", is_flag=True, help="Print the JSON Schema of the --json output and exit.")
@click.pass_obj
def scan(obj: _Ctx, as_json: bool, graph: str | None, schema: bool) -> None:
    """The workspace map: packages, internal dependencies, turbo.json, tsconfig paths.

    Exits 1 when the map has errors (a dependency cycle, a `workspace:` dependency on no
    package), 2 when it cannot be built (broken JSON/YAML, duplicate names).
    """
    if schema:
        _print_schema("scan")
        return

    ws: Workspace = _workspace(obj)
    if as_json:
        from .reporting.jsonout import dumps

        click.echo(dumps(ws))
    elif graph:
        from .reporting import graph as g

        click.echo(g.mermaid(ws) if graph == "mermaid" else g.dot(ws), nl=False)
    else:
        from .reporting.text import scan_text

        click.echo(scan_text(ws, obj.style("bold"), obj.style("dim")), nl=False)
    if any(p.severity == "error" for p in ws.problems):
        if as_json or graph:
            for p in ws.problems:
                click.echo(p.render(), err=True)
        sys.exit(int(ExitCode.FINDINGS))


@cli.command()
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
@click.option("--schema", is_flag=True, help="Print the JSON Schema of the --json output and exit.")
@click.pass_obj
def affected(
    obj: _Ctx,
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
    schema: bool,
) -> None:
    """Packages affected by a change, each with the reasons why.

    The change is one of: --base REF [--head REF] (git diff REF...HEAD), --staged,
    --uncommitted, or FILES. With none, the base comes from the CI's variables
    (TURBO_SCM_BASE, GITHUB_BASE_REF, GitLab, Buildkite, ...) or the default branch.
    """
    if schema:
        _print_schema("affected")
        return
    if files_flag and not files:
        from .errors import UsageError

        raise UsageError("--files needs at least one file argument")
    if head is not None and base is None and not os.environ.get("TURBO_SCM_BASE"):
        from .errors import UsageError

        raise UsageError("--head needs --base")
    from . import api

    ws: Workspace = _workspace(obj)
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
    if print_:
        for p in result.packages:
            if print_ == "path":
                click.echo(p.path)
            elif print_ == "name":
                click.echo(p.name or p.path)
            else:
                click.echo(f"--filter={p.name or './' + p.path}")
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        return
    if as_json:
        from .reporting.jsonout import affected_document, dumps

        click.echo(dumps(affected_document(ws, result)))
        return
    from .reporting.text import affected_text

    click.echo(
        affected_text(result, len(ws.packages), obj.style("bold"), obj.style("dim")), nl=False
    )


def _print_schema(kind: str) -> None:
    import json

    from .reporting.jsonout import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2))


def main() -> None:
    cli(prog_name="orchestrator")


if __name__ == "__main__":
    main()
