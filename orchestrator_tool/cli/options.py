"""The options commands share (`validate` and `check`; `plan run` and `plan merge`), and the
checks of those that contradict each other (made before any work: a refused command line has
read and written nothing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from ..errors import UsageError

F = TypeVar("F", bound=Callable[..., object])


def run_options(command: F) -> F:
    """-q, --exit-zero and --max-warnings: what validate and check share."""
    options = (
        click.option("--quiet", "-q", is_flag=True, help="Print the findings and errors only."),
        click.option(
            "--exit-zero",
            is_flag=True,
            help="Exit 0 even with findings (a run that could not check everything, or a "
            "usage error, still fails).",
        ),
        click.option(
            "--max-warnings",
            type=click.IntRange(min=0),
            default=None,
            metavar="N",
            help="Fail (exit 1) when there are more than N warnings.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def new_from_options(command: F) -> F:
    """--new-from-rev and --as-hook: which findings of a validate or check run count."""
    command = click.option(
        "--as-hook",
        is_flag=True,
        help="Judge as the hooks do: with [hook] new-only (the default), only the findings "
        "the change adds to HEAD (to the merge base for a range).",
    )(command)
    return click.option(
        "--new-from-rev",
        metavar="REV",
        default=None,
        help="Report (and fail on) only the findings not present at REV, a git revision "
        "(default: [validate] new-from-rev; '' for none).",
    )(command)


def report_options(command: F) -> F:
    """--format, -o and --report: the reports of a validate or check run."""
    command = click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT[:FILE]",
        help="Write a report: text, json, sarif, github or junit, to FILE or (no FILE, '-') "
        "standard output. Repeatable: one run, every report; at most one to standard output.",
    )(command)
    command = click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the --format report to this file ('-': standard output).",
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "sarif", "github", "junit"]),
        default=None,
        help="The report's format (default: text); shorthand for one --report.",
    )(command)


def refuse_contradictions(exit_zero: bool, max_warnings: int | None) -> None:
    """Refuse run options that contradict each other."""
    if exit_zero and max_warnings is not None:
        raise UsageError(
            "--exit-zero and --max-warnings contradict each other",
            hint="--exit-zero never fails on findings; drop one of them",
        )


def gates_option(where: str) -> Callable[[F], F]:
    """--gates/--no-gates of `plan run` and `plan merge`: None leaves it to `[plan] gates`."""
    return click.option(
        "--gates/--no-gates",
        default=None,
        help=f"Run (or skip) the gates on the packages {where}, after a frozen install; "
        "default: [plan] gates in orchestrator.toml (on).",
    )
