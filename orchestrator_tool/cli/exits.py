"""How a command ends: the one place where its outcome, or an exception of the tool's, becomes an
exit code (pre-commit's ``error_handler`` is the model).

A command returns its :class:`~orchestrator_tool.errors.ExitCode`; :func:`run` calls it and
turns what escapes it into a code and a one-line message: an expected error (bad input, bad
usage, git) its own code, Ctrl-C and the stopping signals 128 + the signal, a reader that left
the pipe 0, anything else 3 with a hint that it is a bug. Nowhere else does a command exit.

Exit codes: 0 clean, 1 findings, 2 usage/config/input error, 3 internal error or a
`validate`/`check` run that could not check everything (a validator crash, a file not
checked), 128 + the signal when stopped by one (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, OrchestratorError
from ..formats.words import count
from ..signals import exit_status, stop_on_signals

if TYPE_CHECKING:
    from ..api import CheckReport, ValidationReport


def run(command: Callable[[], object]) -> int:
    """Run ``command`` and return the exit code its outcome or its exception maps to, having
    said on standard error what went wrong. Click's own exits (usage errors, --help) pass."""
    try:
        with stop_on_signals():
            outcome = command()
    except OrchestratorError as exc:
        click.echo(f"orchestrator: {exc.render()}", err=True)
        return int(exc.exit_code)
    except KeyboardInterrupt as exc:
        # by then the processes it started (gates, validator workers) are gone
        status = exit_status(exc)
        said = "interrupted" if status == ExitCode.INTERRUPTED else f"terminated ({exc})"
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            click.echo(f"orchestrator: {said}", err=True)
        return status
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
        raise
    except BrokenPipeError:
        # `orchestrator scan | head`: the reader left; not an error of ours.
        sys.stderr.close()
        return int(ExitCode.OK)
    except Exception as exc:
        if os.environ.get("ORCHESTRATOR_DEBUG"):
            import traceback  # only here: every run would pay for it

            traceback.print_exc()
        click.echo(
            f"orchestrator: internal error: {type(exc).__name__}: {exc}\n"
            "  hint: this is a bug; rerun with ORCHESTRATOR_DEBUG=1 for the traceback and "
            "report it",
            err=True,
        )
        return int(ExitCode.INTERNAL)
    # a command that returns nothing ends clean
    return int(outcome) if isinstance(outcome, int) else int(ExitCode.OK)


def said(status: ExitCode, why: str | None) -> ExitCode:
    """``status``, once ``why`` (when there is one) is said on standard error."""
    if why:
        click.echo(f"orchestrator: {why}", err=True)
    return status


def validation_status(
    report: ValidationReport, *, exit_zero: bool = False, max_warnings: int | None = None
) -> tuple[ExitCode, str | None]:
    """The exit status of a validation and, when warnings alone fail it, why.

    A run that could not check everything (a validator crash, a file not checked) is
    INCOMPLETE whatever else: no option turns it green. ``exit_zero``: findings never fail.
    ``max_warnings``: more warnings than that fail the run, as eslint's option does."""
    if not report.complete:
        return ExitCode.INCOMPLETE, None
    if exit_zero:
        return ExitCode.OK, None
    if any(d.severity == "error" for d in report.diagnostics):
        return ExitCode.FINDINGS, None
    warnings = sum(1 for d in report.diagnostics if d.severity == "warning")
    if max_warnings is not None and warnings > max_warnings:
        return (
            ExitCode.FINDINGS,
            f"{count(warnings, 'warning')}: more than --max-warnings {max_warnings} allows",
        )
    return ExitCode.OK, None


def check_status(
    report: CheckReport, *, exit_zero: bool = False, max_warnings: int | None = None
) -> tuple[ExitCode, str | None]:
    """`check`'s exit status: an incomplete validation first, then a failed gate (a gate is not
    a finding: ``exit_zero`` leaves it failing), then the validators' findings."""
    why: str | None = None
    status = ExitCode.OK
    if report.validation is not None:
        status, why = validation_status(
            report.validation, exit_zero=exit_zero, max_warnings=max_warnings
        )
        if status == ExitCode.INCOMPLETE:
            return status, why
    if report.interrupted or any(not g.ok for g in report.gates):
        return ExitCode.FINDINGS, why
    return status, why
