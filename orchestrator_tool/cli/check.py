"""`orchestrator check`: the whole pipeline (what changed, the affected packages, the
validators on the changed files, the gates on the affected packages) with one exit code."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import ExitCode
from . import exits
from .context import Ctx
from .options import new_from_options, refuse_contradictions, report_options, run_options


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--staged", is_flag=True, help="The next commit: validators on the staged content.")
@click.option("--base", default=None, help="Everything since HEAD forked from REF (CI).")
@click.option("--head", default=None, help="The tip of the range (default: the work tree).")
@click.option("--only", default="", help="Run only these stages: validate, gates.")
@click.option("--skip", default="", help="Skip these stages: validate, gates.")
@click.option("--tasks", default="", help="Gate scripts, comma-separated (default: config).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first failure.")
@click.option("--shard", default=None, help="Run one deterministic slice K/N of the gates.")
@click.option("--timeout", type=float, default=None, help="Seconds per gate (default: config).")
@click.option("--concurrency", "-j", type=click.IntRange(min=1), default=None)
@click.option("--no-cache", is_flag=True, help="Do not use the validator result cache.")
@click.option(
    "--strict",
    is_flag=True,
    help="Rules that are warnings by default for their measured precision are errors.",
)
@report_options
@run_options
@new_from_options
@click.pass_obj
def check(
    obj: Ctx,
    files: tuple[str, ...],
    staged: bool,
    base: str | None,
    head: str | None,
    only: str,
    skip: str,
    tasks: str,
    fail_fast: bool,
    shard: str | None,
    timeout: float | None,
    concurrency: int | None,
    no_cache: bool,
    strict: bool,
    fmt: str | None,
    output: Path | None,
    reports: tuple[str, ...],
    quiet: bool,
    exit_zero: bool,
    max_warnings: int | None,
    new_from_rev: str | None,
    as_hook: bool,
) -> ExitCode:
    """The whole pipeline: what changed → affected packages → validators on the changed
    files → gates (typecheck, test, ...) on the affected packages. One exit code."""
    from .. import __version__, api
    from ..gates import parse_shard
    from ..reporting import diagnostics as render
    from ..reporting import outputs
    from . import console

    plan = outputs.parse(reports, fmt, output)
    refuse_contradictions(exit_zero, max_warnings)
    if shard:
        parse_shard(shard)  # a malformed --shard is refused before the validators run
    ws = obj.workspace()
    if staged and base is None and head is None and not files:
        pushed = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
        if pushed[0] and pushed[1]:
            # the pre-commit framework's pre-push stage: nothing is staged, the pushed commits
            # are the change
            staged, (base, head) = False, pushed
    on_stdout = plan.text_on_stdout
    text = outputs.CheckText(
        obj.console.styles() if on_stdout else outputs.Styles(),
        obj.console.write if on_stdout else None,
        where=console.path_display(ws.root, Path.cwd()),
        quiet=quiet,
    )

    def split(value: str) -> list[str]:
        return [x.strip() for x in value.split(",") if x.strip()]

    with obj.console.progress("validate", enabled=on_stdout and not quiet) as tick:
        report = api.check(
            ws,
            api.CheckOptions(
                base=base,
                head=head,
                staged=staged,
                files=files,
                only=split(only),
                skip=split(skip),
                tasks=split(tasks) or None,
                fail_fast=fail_fast,
                shard=parse_shard(shard) if shard else None,
                timeout=timeout,
                concurrency=concurrency,
                use_cache=not no_cache,
                strict=strict,
                new_from_rev=new_from_rev,
                as_hook=as_hook,
            ),
            on_gate=text.gate,
            on_validation=text.validation,
            progress=tick,
        )
    footer = "" if quiet else console.check_summary(report, obj.console.elapsed())
    outputs.write_check(
        plan, report, text, ws.root, __version__, echo=obj.console.write, footer=footer
    )
    if not on_stdout and report.validation is not None:
        for crash in report.validation.crashes:
            click.echo(f"orchestrator: {render.crash_line(crash)}", err=True)
    if report.gates_error is not None:
        raise report.gates_error  # after the validators' results: a one-line error, exit 2
    return exits.said(*exits.check_status(report, exit_zero=exit_zero, max_warnings=max_warnings))
