"""`orchestrator hook`: install and remove the native git hooks, and what they run."""

from __future__ import annotations

import sys

import click

from ..errors import ExitCode
from .check import check
from .context import Ctx


@click.group()
def hook() -> None:
    """Native git hooks: install, uninstall, and what they run."""


@hook.command("install")
@click.option("--pre-push", is_flag=True, help="Also install the pre-push hook (check + gates).")
@click.option(
    "--force", is_flag=True, help="Replace a hook orchestrator did not write (backed up)."
)
@click.pass_obj
def hook_install(obj: Ctx, pre_push: bool, force: bool) -> ExitCode:
    """Write a pre-commit hook that validates the staged content (respects core.hooksPath)."""
    from .. import hooks

    ws = obj.workspace()
    wanted = ("pre-commit", "pre-push") if pre_push else ("pre-commit",)
    for change in hooks.install(ws.root, wanted, force=force):
        click.echo(f"{change.hook}: {change.action} ({change.path})")
    return ExitCode.OK


@hook.command("uninstall")
@click.option("--pre-push", is_flag=True, hidden=True)  # both hooks are removed anyway
@click.pass_obj
def hook_uninstall(obj: Ctx, pre_push: bool) -> ExitCode:
    """Remove the hooks orchestrator wrote, pre-commit and pre-push (restoring a backed-up
    hook); a hook it did not write is left alone."""
    from .. import hooks

    ws = obj.workspace()
    for change in hooks.uninstall(ws.root, ("pre-commit", "pre-push")):
        click.echo(f"{change.hook}: {change.action} ({change.path})")
    return ExitCode.OK


@hook.command("run", context_settings={"ignore_unknown_options": True})
@click.argument("name", type=click.Choice(["pre-commit", "pre-push"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def hook_run(ctx: click.Context, name: str, args: tuple[str, ...]) -> ExitCode:
    """What the installed hooks run: pre-commit validates the staged content; pre-push runs
    the validators and gates on the commits being pushed."""
    if name == "pre-commit":
        return ExitCode(ctx.invoke(check, staged=True, only="validate", as_hook=True))
    from .. import hooks

    stdin_text = sys.stdin.read() if not sys.stdin.isatty() else ""
    ranges = hooks.push_ranges(stdin_text)
    if not stdin_text.strip():
        # No refs given at all (not a push of deletions only): never let that pass unchecked.
        obj: Ctx = ctx.obj
        base, head = hooks.unannounced_push_range(obj.workspace().root)
        click.echo(
            "pre-push: no refs on standard input; checking HEAD against "
            + (f"its upstream ({base[:12]})" if base else "the default branch"),
            err=True,
        )
        ranges = [(base, head)]
    for base, head in ranges:
        status = ExitCode(ctx.invoke(check, base=base or None, head=head, as_hook=True))
        if status != ExitCode.OK:
            return status  # the first range that fails ends the push
    return ExitCode.OK
