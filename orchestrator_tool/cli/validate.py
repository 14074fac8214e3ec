"""`orchestrator validate`: the techstack validators over the workspace, a change or some
paths, with every report the run was asked for."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import click

from ..errors import ExitCode, UsageError
from . import exits
from .context import Ctx
from .options import new_from_options, refuse_contradictions, report_options, run_options


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--all",
    "whole",
    is_flag=True,
    help="Check the whole workspace (default: the current folder, when it is below the root).",
)
@click.option("--staged", is_flag=True, help="Check the staged content of staged files.")
@click.option("--base", default=None, help="Check the files changed since REF (merge base).")
@click.option(
    "--affected",
    "affected_only",
    is_flag=True,
    help="Check every file of the packages a change affects (with --base or CI's base).",
)
@click.option("--select", default="", help="Only these codes or prefixes, comma-separated.")
@click.option("--ignore", default="", help="Skip these codes or prefixes, comma-separated.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, also apply unsafe fixes.")
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the excludes to explicitly named files too (for hooks).",
)
@click.option(
    "--no-eslint-disable",
    is_flag=True,
    help="Ignore eslint-disable and biome-ignore comments (only orchestrator-ignore counts).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Rules that are warnings by default for their measured precision are errors.",
)
@report_options
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Accept the findings recorded in this file: only new ones are reported and fail.",
)
@click.option(
    "--update-baseline",
    is_flag=True,
    help="Write the baseline: create it, or shrink it to what is left (never grows it).",
)
@click.option(
    "--grow-baseline", is_flag=True, help="Write the baseline with every current finding."
)
@new_from_options
@click.option(
    "--files-from",
    type=click.File("rb"),
    default=None,
    help="Read more paths from this file ('-' for standard input), one per line "
    "or NUL-separated (git ls-files -z).",
)
@run_options
@click.pass_obj
def validate(
    obj: Ctx,
    paths: tuple[str, ...],
    whole: bool,
    staged: bool,
    base: str | None,
    affected_only: bool,
    select: str,
    ignore: str,
    no_cache: bool,
    jobs: int | None,
    fix: bool,
    unsafe_fixes: bool,
    force_exclude: bool,
    no_eslint_disable: bool,
    strict: bool,
    fmt: str | None,
    output: Path | None,
    reports: tuple[str, ...],
    baseline: Path | None,
    update_baseline: bool,
    grow_baseline: bool,
    files_from: BinaryIO | None,
    quiet: bool,
    exit_zero: bool,
    max_warnings: int | None,
    new_from_rev: str | None,
    as_hook: bool,
) -> ExitCode:
    """Run the techstack validators. Exits 1 when any error-severity finding remains, 3 when
    a file could not be checked.

    Default: every TS/TSX/JS file of the workspace (git's view: tracked and untracked files
    that are not ignored), without generated output (dist/, .next/, *.gen.ts, ...); run in a
    folder below the root, the files of that folder (--all: the whole workspace). Projects
    nested outside the workspace (a folder with its own package.json no workspace glob
    names) are checked against their own package.json and tsconfig.
    """
    from .. import __version__, api
    from ..reporting import diagnostics as render
    from ..reporting import outputs
    from . import console

    plan = outputs.parse(reports, fmt, output)
    refuse_contradictions(exit_zero, max_warnings)
    selecting = bool(paths or files_from or staged or base or affected_only)
    if whole and selecting:
        raise UsageError("--all checks the whole workspace: it takes no paths, --staged or --base")
    if (update_baseline or grow_baseline) and baseline is None:
        # before the run: with --fix it would have rewritten files by the time it was refused
        raise UsageError("--update-baseline and --grow-baseline need --baseline FILE")
    if files_from is not None:
        paths = (*paths, *_paths_in(files_from.read()))
    ws = obj.workspace()
    paths = console.paths_here(ws.root, Path.cwd(), paths, whole=whole, selecting=selecting)
    with obj.console.progress("validate", enabled=plan.text_on_stdout and not quiet) as tick:
        report = api.validate(
            ws,
            api.ValidateOptions(
                paths=paths,
                staged=staged,
                base=base,
                affected_only=affected_only,
                select=[c.strip() for c in select.split(",") if c.strip()],
                ignore=[c.strip() for c in ignore.split(",") if c.strip()],
                use_cache=not no_cache,
                jobs=jobs,
                fix=fix,
                unsafe_fixes=unsafe_fixes,
                force_exclude=force_exclude,
                honour_eslint_disable=not no_eslint_disable,
                strict=strict,
                baseline=baseline,
                update_baseline=update_baseline,
                grow_baseline=grow_baseline,
                new_from_rev=new_from_rev,
                as_hook=as_hook,
            ),
            progress=tick,
        )
    where = console.path_display(ws.root, Path.cwd())
    closing = "" if quiet else console.closing_line(report.files_checked, obj.console.elapsed())
    outputs.write_validate(
        plan,
        report,
        ws.root,
        __version__,
        styles=obj.console.styles(),
        echo=obj.console.write,
        text=outputs.TextOptions(where=where, quiet=quiet, closing=closing),
    )
    if report.baseline_written and not quiet:
        click.echo(f"baseline {baseline}: {report.baseline_written}", err=True)
    notes = console.fix_notes(report, fix=fix, unsafe_fixes=unsafe_fixes, where=where)
    for note in () if quiet else notes:
        click.echo(note, err=True)
    if not plan.text_on_stdout:
        for crash in report.crashes:
            click.echo(f"orchestrator: {render.crash_line(crash)}", err=True)
    return exits.said(
        *exits.validation_status(report, exit_zero=exit_zero, max_warnings=max_warnings)
    )


def _paths_in(listing: bytes) -> list[str]:
    """The paths of a --files-from file: one a line, or NUL-separated (git ls-files -z)."""
    sep = b"\0" if b"\0" in listing else b"\n"
    return [p.decode("utf-8", "surrogateescape") for p in listing.split(sep) if p.strip()]
