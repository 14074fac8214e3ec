"""The `orchestrator` command line: a thin click layer over :mod:`orchestrator_tool.api`.

Exit codes: 0 clean, 1 findings, 2 usage/config/input error, 3 internal error or a
`validate`/`check` run that could not check everything (a validator crash, a file not
checked), 128 + the signal when stopped by one (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
Colour, the progress line and the exit status of a run are :mod:`orchestrator_tool.console`'s.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click

from . import __version__
from .console import Console, color_alone, color_options, run_options
from .errors import ExitCode, OrchestratorError, UsageError
from .reporting import count
from .signals import exit_status, stop_on_signals

if TYPE_CHECKING:
    from .gates import GateResult
    from .reporting.outputs import Styles
    from .workspace import Workspace


class _Ctx:
    def __init__(self, root: Path | None, console: Console) -> None:
        self.root = root
        self.console = console
        self.echo = console.echo

    def style(self, kind: str) -> Callable[[str], str]:
        return self.console.style(kind)


class _Group(click.Group):
    """Maps outcomes to exit codes in one place: no traceback for expected errors."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, color_alone(args, self.commands))

    def invoke(self, ctx: click.Context) -> object:
        try:
            with stop_on_signals():
                return super().invoke(ctx)
        except OrchestratorError as exc:
            click.echo(f"orchestrator: {exc.render()}", err=True)
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt as exc:
            # by then the processes it started (gates, validator workers) are gone
            status = exit_status(exc)
            said = "interrupted" if status == ExitCode.INTERRUPTED else f"terminated ({exc})"
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                click.echo(f"orchestrator: {said}", err=True)
            sys.exit(status)
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
@click.version_option(__version__, "--version", "-V", prog_name="orchestrator")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="ORCHESTRATOR_ROOT",
    help="Monorepo root (default: found from the current folder upwards).",
)
@color_options
@click.pass_context
def cli(ctx: click.Context, root: Path | None, color: str | None, no_color: bool) -> None:
    """Map a JS/TS monorepo, find what a change affects, plan and check the work.

    Shell completion: eval "$(_ORCHESTRATOR_COMPLETE=bash_source orchestrator)" in ~/.bashrc
    (zsh_source, fish_source for zsh and fish)."""
    ctx.obj = _Ctx(root, Console("never" if no_color else color))


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

        obj.echo(scan_text(ws, obj.style("bold"), obj.style("dim")), nl=False)
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
@click.option(
    "--matrix",
    is_flag=True,
    help="Print a GitHub Actions strategy.matrix of affected packages by gate tasks.",
)
@click.option("--tasks", default="", help="With --matrix: gate scripts (default: config).")
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
    matrix: bool,
    tasks: str,
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
    from .printable import refuse_unprintable

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
    if matrix:
        import json

        from .gates import matrix as gate_matrix

        wanted = [t.strip() for t in tasks.split(",") if t.strip()] or list(
            api.load_config(ws.root).gate_tasks
        )
        by_path = ws.by_path
        pkgs = [by_path[p.path] for p in result.packages if p.path in by_path]
        doc = gate_matrix(ws, pkgs, wanted)
        refuse_unprintable(
            ((by_path[e["path"]].name, e["path"]) for e in doc["include"]),
            what="a CI matrix",
            prints="both",
        )
        click.echo(json.dumps(doc))
        return
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
        return
    if as_json:
        from .reporting.jsonout import affected_document, dumps

        click.echo(dumps(affected_document(ws, result)))
        return
    from .reporting.text import affected_text

    obj.echo(affected_text(result, len(ws.packages), obj.style("bold"), obj.style("dim")), nl=False)


def _new_from_options(f: Callable[..., None]) -> Callable[..., None]:
    """--new-from-rev and --as-hook: which findings of a validate or check run count."""
    f = click.option(
        "--as-hook",
        is_flag=True,
        help="Judge as the hooks do: with [hook] new-only (the default), only the findings "
        "the change adds to HEAD (to the merge base for a range).",
    )(f)
    return click.option(
        "--new-from-rev",
        metavar="REV",
        default=None,
        help="Report (and fail on) only the findings not present at REV, a git revision "
        "(default: [validate] new-from-rev; '' for none).",
    )(f)


def _report_options(f: Callable[..., None]) -> Callable[..., None]:
    """--format, -o and --report: the reports of a validate or check run."""
    f = click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT[:FILE]",
        help="Write a report: text, json, sarif, github or junit, to FILE or (no FILE, '-') "
        "standard output. Repeatable: one run, every report; at most one to standard output.",
    )(f)
    f = click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the --format report to this file ('-': standard output).",
    )(f)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "sarif", "github", "junit"]),
        default=None,
        help="The report's format (default: text); shorthand for one --report.",
    )(f)


def _styles(obj: _Ctx) -> Styles:
    """Colours for the text report on standard output (plain when colour is off)."""
    from .reporting.outputs import Styles

    s = obj.style
    return Styles(bold=s("bold"), dim=s("dim"), red=s("red"), green=s("green"))


def _echo(obj: _Ctx) -> Callable[[str], None]:
    """Writes a report to standard output, keeping its colour through a pipe when asked."""
    return lambda text: obj.echo(text, nl=False)


@cli.command()
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
@_report_options
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
@_new_from_options
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
    obj: _Ctx,
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
) -> None:
    """Run the techstack validators. Exits 1 when any error-severity finding remains, 3 when
    a file could not be checked.

    Default: every TS/TSX/JS file of the workspace (git's view: tracked and untracked files
    that are not ignored), without generated output (dist/, .next/, *.gen.ts, ...); run in a
    folder below the root, the files of that folder (--all: the whole workspace). Projects
    nested outside the workspace (a folder with its own package.json no workspace glob
    names) are checked against their own package.json and tsconfig.
    """
    from . import __version__, api, console
    from .reporting import diagnostics as render
    from .reporting import outputs

    plan = outputs.parse(reports, fmt, output)
    console.check_usage(exit_zero, max_warnings)
    selecting = bool(paths or files_from or staged or base or affected_only)
    if files_from is not None:
        raw = files_from.read()
        sep = b"\0" if b"\0" in raw else b"\n"
        paths = (
            *paths,
            *(p.decode("utf-8", "surrogateescape") for p in raw.split(sep) if p.strip()),
        )
    ws: Workspace = _workspace(obj)
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
        styles=_styles(obj),
        echo=_echo(obj),
        text=outputs.TextOptions(where=where, quiet=quiet, closing=closing),
    )
    if (update_baseline or grow_baseline) and baseline is None:
        raise UsageError("--update-baseline and --grow-baseline need --baseline FILE")
    if report.baseline_written and not quiet:
        click.echo(f"baseline {baseline}: {report.baseline_written}", err=True)
    notes = console.fix_notes(report, fix=fix, unsafe_fixes=unsafe_fixes, where=where)
    for note in () if quiet else notes:
        click.echo(note, err=True)
    if not plan.text_on_stdout:
        for crash in report.crashes:
            click.echo(f"orchestrator: {render.crash_line(crash)}", err=True)
    console.finish(
        *console.validation_status(report, exit_zero=exit_zero, max_warnings=max_warnings)
    )


@cli.command()
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
@_report_options
@run_options
@_new_from_options
@click.pass_obj
def check(
    obj: _Ctx,
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
) -> None:
    """The whole pipeline: what changed → affected packages → validators on the changed
    files → gates (typecheck, test, ...) on the affected packages. One exit code."""
    from . import __version__, api, console
    from .gates import parse_shard
    from .reporting import diagnostics as render
    from .reporting import outputs

    plan = outputs.parse(reports, fmt, output)
    console.check_usage(exit_zero, max_warnings)
    ws: Workspace = _workspace(obj)
    if staged and base is None and head is None and not files:
        pushed = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
        if pushed[0] and pushed[1]:
            # the pre-commit framework's pre-push stage: nothing is staged, the pushed commits
            # are the change
            staged, (base, head) = False, pushed
    on_stdout = plan.text_on_stdout
    text = outputs.CheckText(
        _styles(obj) if on_stdout else outputs.Styles(),
        _echo(obj) if on_stdout else None,
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
    outputs.write_check(plan, report, text, ws.root, __version__, echo=_echo(obj), footer=footer)
    if not on_stdout and report.validation is not None:
        for crash in report.validation.crashes:
            click.echo(f"orchestrator: {render.crash_line(crash)}", err=True)
    if report.gates_error is not None:
        raise report.gates_error  # after the validators' results: a one-line error, exit 2
    console.finish(*console.check_status(report, exit_zero=exit_zero, max_warnings=max_warnings))


@cli.group(invoke_without_command=True)
@click.option("--markdown", is_flag=True, help="Print the README's validator table.")
@click.pass_context
def rules(ctx: click.Context, markdown: bool) -> None:
    """List the validators (also: `rules explain CODE`, `rules test [MODULE]`)."""
    if ctx.invoked_subcommand is not None:
        return
    from . import api

    specs = api.select_specs()
    if markdown:
        from .reporting.diagnostics import validator_table

        click.echo(validator_table(specs), nl=False)
        return
    width = max((len(s.name) for s in specs), default=4)
    for s in specs:
        default = s.severity if s.default_enabled else "off"
        if s.tiered:
            default += "*"  # an error with --strict
        click.echo(f"{s.code}  {s.name.ljust(width)}  {default:<8}  {s.summary()}")
    if any(s.tiered for s in specs):
        click.echo(
            "* a warning by default for its measured precision (under 95%); an error with --strict"
        )


@rules.command("explain")
@click.argument("code")
def rules_explain(code: str) -> None:
    """Print a validator's documentation."""
    from . import api
    from .errors import UsageError

    matches = [s for s in api.select_specs() if s.code == code.upper() or s.name == code]
    if not matches:
        raise UsageError(f"no validator {code!r}", hint="`orchestrator rules` lists them")
    s = matches[0]
    from .engine.validator import precision_text

    click.echo(
        f"{s.code} {s.name} ({s.severity}"
        + (f"; {s.strict_severity} with --strict" if s.tiered else "")
        + ("" if s.default_enabled else "; off by default: `--select " + s.code + "` runs it")
        + ")\n"
    )
    click.echo(s.doc.strip())
    if s.options:
        click.echo("\nOptions (defaults): " + ", ".join(f"{k}={v!r}" for k, v in s.options.items()))
    if s.eslint_equivalents:
        click.echo("Honours eslint-disable comments for: " + ", ".join(s.eslint_equivalents))
    if s.biome_equivalents:
        click.echo("Honours biome-ignore comments for: " + ", ".join(s.biome_equivalents))
    if s.precision is not None:
        click.echo(
            "Precision on the held-out corpus (right/judged, share, Wilson 95% lower bound): "
            + precision_text(s.precision)
        )


@rules.command("test")
@click.argument("modules", nargs=-1)
def rules_test(modules: tuple[str, ...]) -> None:
    """Run validators' own VALID/INVALID examples (all, or the given modules, e.g. a plugin's
    `my_pkg.my_rule`). Exits 1 on any failure."""
    import importlib

    from .engine.diagnostics import Diagnostic
    from .engine.examples import run_examples
    from .engine.runner import Settings, check_source
    from .engine.source import SourceFile
    from .engine.validator import OptionValue, ValidatorSpec, load_specs, spec_from_module
    from .errors import UsageError

    def spec_of(name: str) -> ValidatorSpec:
        by_code = {s.code: s for s in load_specs()}
        if name.upper() in by_code:
            return by_code[name.upper()]  # a code names a validator too: `rules test ANY001`
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
                raise UsageError(f"{name} cannot be imported: {exc}") from None
            raise UsageError(
                f"no validator code or module named {name!r}",
                hint="give a code (`orchestrator rules` lists them) or an importable module",
            ) from None
        except Exception as exc:  # the module's own code failed
            raise UsageError(f"{name} cannot be imported: {type(exc).__name__}: {exc}") from None
        try:
            return spec_from_module(module)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"{name} is not a validator module: {exc}") from None

    specs = [spec_of(m) for m in modules] if modules else load_specs()

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "monorepos"
    workspaces: dict[str, Workspace | None] = {}

    def workspace_for(spec: ValidatorSpec) -> Workspace | None:
        name = spec.workspace_fixture
        if name is None:
            return None
        if name not in workspaces:
            from .workspace import scan

            folder = fixtures / name
            if not folder.is_dir():
                raise UsageError(
                    f"{spec.code}'s examples run in the fixture monorepo {name!r}, "
                    "which only a source checkout has",
                    hint="run `orchestrator rules test` from a clone of orchestrator-tool",
                )
            workspaces[name] = scan(folder)
        return workspaces[name]

    def run_one(
        spec: ValidatorSpec, src: SourceFile, options: Mapping[str, OptionValue]
    ) -> list[Diagnostic]:
        settings = Settings((spec,), options={spec.code: options})
        found = check_source(src, settings, workspace_for(spec)).diagnostics
        return [d for d in found if d.code == spec.code]

    failed = 0
    for spec in specs:
        if spec.scope == "workspace":
            failures = []
            for fixture, expected in spec.fixture_examples:
                folder = fixtures / fixture
                if not folder.is_dir():
                    continue
                from .engine.runner import check_workspace
                from .workspace import scan

                found, _ = check_workspace(Settings((spec,)), scan(folder))
                got = [(d.path, d.line, d.column) for d in found]
                if got != list(expected):
                    failures.append(
                        f"{spec.code} on {fixture}: expected {list(expected)}, got {got}"
                    )
            n = len(spec.fixture_examples)
        else:
            failures = run_examples(spec, run_one)
            n = len(spec.valid) + len(spec.invalid)
        status = "ok" if not failures else f"{len(failures)} failed"
        click.echo(f"{spec.code} {spec.name}: {n} examples, {status}")
        for f in failures:
            click.echo("  " + f.replace("\n", "\n  "))
        failed += len(failures)
    if failed:
        sys.exit(int(ExitCode.FINDINGS))


@cli.group()
def hook() -> None:
    """Native git hooks: install, uninstall, and what they run."""


@hook.command("install")
@click.option("--pre-push", is_flag=True, help="Also install the pre-push hook (check + gates).")
@click.option(
    "--force", is_flag=True, help="Replace a hook orchestrator did not write (backed up)."
)
@click.pass_obj
def hook_install(obj: _Ctx, pre_push: bool, force: bool) -> None:
    """Write a pre-commit hook that validates the staged content (respects core.hooksPath)."""
    from . import hooks

    ws: Workspace = _workspace(obj)
    wanted = ("pre-commit", "pre-push") if pre_push else ("pre-commit",)
    for change in hooks.install(ws.root, wanted, force=force):
        click.echo(f"{change.hook}: {change.action} ({change.path})")


@hook.command("uninstall")
@click.option("--pre-push", is_flag=True, hidden=True)  # both hooks are removed anyway
@click.pass_obj
def hook_uninstall(obj: _Ctx, pre_push: bool) -> None:
    """Remove the hooks orchestrator wrote, pre-commit and pre-push (restoring a backed-up
    hook); a hook it did not write is left alone."""
    from . import hooks

    ws: Workspace = _workspace(obj)
    for change in hooks.uninstall(ws.root, ("pre-commit", "pre-push")):
        click.echo(f"{change.hook}: {change.action} ({change.path})")


@hook.command("run", context_settings={"ignore_unknown_options": True})
@click.argument("name", type=click.Choice(["pre-commit", "pre-push"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def hook_run(ctx: click.Context, name: str, args: tuple[str, ...]) -> None:
    """What the installed hooks run: pre-commit validates the staged content; pre-push runs
    the validators and gates on the commits being pushed."""
    if name == "pre-commit":
        ctx.invoke(check, staged=True, only="validate", as_hook=True)
        return
    from . import hooks

    stdin_text = sys.stdin.read() if not sys.stdin.isatty() else ""
    ranges = hooks.push_ranges(stdin_text)
    if not stdin_text.strip():
        # No refs given at all (not a push of deletions only): never let that pass unchecked.
        obj: _Ctx = ctx.obj
        base, head = hooks.unannounced_push_range(_workspace(obj).root)
        click.echo(
            "pre-push: no refs on standard input; checking HEAD against "
            + (f"its upstream ({base[:12]})" if base else "the default branch"),
            err=True,
        )
        ranges = [(base, head)]
    for base, head in ranges:
        ctx.invoke(check, base=base or None, head=head, as_hook=True)


@cli.command("config")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of orchestrator.toml.")
@click.pass_obj
def config_cmd(obj: _Ctx, schema: bool) -> None:
    """Show the effective orchestrator.toml settings (or its JSON Schema)."""
    import json

    if schema:
        from .config import json_schema

        click.echo(json.dumps(json_schema(), indent=2))
        return
    from . import api
    from .reporting.jsonout import dumps

    ws: Workspace = _workspace(obj)
    click.echo(dumps(api.load_config(ws.root)))


class _PlanGroup(click.Group):
    """`orchestrator plan "REQUEST" ...` makes a plan; `plan status|done|check|patterns|schema`
    are subcommands. `--scope a b c` takes every word up to the next option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = list(args)
        if rest and rest[0] not in self.commands and rest[0] not in ("-h", "--help"):
            rest.insert(0, "new")
        out: list[str] = []
        taking = False
        for arg in rest:
            if arg == "--scope":
                taking = True
                continue
            if arg.startswith("-"):
                taking = False
            elif taking:
                out += ["--scope", arg]
                continue
            out.append(arg)
        return super().parse_args(ctx, out)


@cli.group(cls=_PlanGroup)
def plan() -> None:
    """Scoped task plans: `plan "REQUEST" --scope ...`, `plan status`, `plan done TASK`,
    `plan check TASK` (the scope guard)."""


@plan.command("new")
@click.argument("request")
@click.option(
    "--scope", "scope", multiple=True, help="Paths or package names the work covers (several)."
)
@click.option("--affected", "affected_only", is_flag=True, help="Plan over what a change affects.")
@click.option("--base", default=None, help="With --affected: the base ref (merge base).")
@click.option("--head", default=None, help="With --affected: the tip (default: the work tree).")
@click.option("--pattern", default=None, help="Use this pattern instead of choosing one.")
@click.option("--id", "plan_id", default=None, help="The plan id (default: from the request).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
)
@click.option("--write", is_flag=True, help="Create tasks/<plan-id>/ with the plan and briefs.")
@click.option("--force", is_flag=True, help="With --write: overwrite an existing plan.")
@click.pass_obj
def plan_new(
    obj: _Ctx,
    request: str,
    scope: tuple[str, ...],
    affected_only: bool,
    base: str | None,
    head: str | None,
    pattern: str | None,
    plan_id: str | None,
    fmt: str,
    write: bool,
    force: bool,
) -> None:
    """Break REQUEST into tasks over the scope, in waves that can run in parallel."""
    from . import api, planning

    if (base or head) and not affected_only:
        raise UsageError("--base and --head go with --affected")
    ws: Workspace = _workspace(obj)
    made = api.make_plan(
        ws,
        request,
        scope=scope,
        affected_base=base,
        affected_head=head,
        affected_only=affected_only,
        pattern=pattern,
        plan_id=plan_id,
        cwd=Path.cwd(),
    )
    md = planning.markdown(made)
    if write:
        written = planning.write_plan(ws.root, made, md, force=force)
        for path in written:
            click.echo(f"wrote {path.relative_to(ws.root).as_posix()}", err=True)
    click.echo(made.dump() if fmt == "json" else md, nl=False)


@plan.command("status")
@click.argument("plan_name", metavar="[PLAN]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print {taskId: status} as JSON.")
@click.pass_obj
def plan_status(obj: _Ctx, plan_name: str | None, as_json: bool) -> None:
    """Which tasks are done, ready (dependencies done) or waiting."""
    from . import planning

    ws: Workspace = _workspace(obj)
    the_plan = planning.load_plan(planning.find_plan(ws.root, plan_name))
    state = planning.status(the_plan)
    if as_json:
        click.echo(json.dumps(state, indent=2))
        return
    bold = obj.style("bold")
    width = max((len(t.task_id) for t in the_plan.tasks), default=0)
    obj.echo(bold(f"{the_plan.plan_id}: {the_plan.request}"))
    for t in the_plan.tasks:
        extra = ""
        if state[t.task_id] == "waiting":
            extra = " (after " + ", ".join(d for d in t.dependencies if state[d] != "done") + ")"
        elif t.done is not None:
            extra = f" ({t.done.at}{', ' + t.done.commit[:10] if t.done.commit else ''})"
        click.echo(
            f"  {state[t.task_id]:<8} w{t.wave:<2} {t.task_id.ljust(width)}  {t.agent}{extra}"
        )
    counts = {k: sum(1 for v in state.values() if v == k) for k in ("done", "ready", "waiting")}
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@plan.command("done")
@click.argument("task")
@click.option("--plan", "plan_name", default=None, help="The plan (default: the one with TASK).")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Accept the findings this validate baseline records (the scope's old ones).",
)
@click.pass_obj
def plan_done(obj: _Ctx, task: str, plan_name: str | None, baseline: Path | None) -> None:
    """Run TASK's gates and validators; mark it done only if they pass."""
    from . import api, console
    from .reporting import diagnostics as vrender

    ws: Workspace = _workspace(obj)
    if baseline is not None and not baseline.is_file():
        from .errors import UsageError

        raise UsageError(
            f"{baseline}: no such baseline",
            hint="write one with `orchestrator validate --baseline FILE --update-baseline`",
        )
    check = api.plan_done(ws, task, plan=plan_name, on_gate=_echo_gate, baseline=baseline)
    if check.waiting_for:
        click.echo(f"{task}: waiting for " + ", ".join(check.waiting_for), err=True)
        sys.exit(int(ExitCode.FINDINGS))
    if check.validation is not None and check.validation.diagnostics:
        where = console.path_display(ws.root, Path.cwd())
        text = vrender.text(
            check.validation, obj.style("bold"), obj.style("red"), obj.style("dim"), where=where
        )
        obj.echo(text, nl=False)
    if not check.ok:
        click.echo(f"{task}: not done — a gate or a validator failed", err=True)
        sys.exit(int(ExitCode.FINDINGS))
    rel = check.plan_path.relative_to(ws.root).as_posix()
    click.echo(f"{task}: done (recorded in {rel})")


@plan.command("check")
@click.argument("task", required=False, envvar="ORCHESTRATOR_TASK")
@click.option("--plan", "plan_name", default=None, envvar="ORCHESTRATOR_PLAN", help="The plan.")
@click.option("--staged", is_flag=True, help="Check the staged changes (pre-commit).")
@click.option("--base", default=None, help="Check the changes since REF (merge base).")
@click.option("--head", default=None, help="With --base: the tip (default: the work tree).")
@click.pass_obj
def plan_check(
    obj: _Ctx,
    task: str | None,
    plan_name: str | None,
    staged: bool,
    base: str | None,
    head: str | None,
) -> None:
    """The scope guard: fail when the changes touch files outside TASK's scope (default: the
    task named by ORCHESTRATOR_TASK; none named passes)."""
    from . import api

    if (base or head) and staged:
        raise UsageError("--staged does not combine with --base/--head")
    if task is None:
        click.echo("no task named (argument or ORCHESTRATOR_TASK): scope guard skipped", err=True)
        return
    ws: Workspace = _workspace(obj)
    result = api.plan_check(
        ws, task, plan=plan_name, staged=staged, base=base, head=head, cwd=Path.cwd()
    )
    if result.outside:
        click.echo(
            f"{task}: {count(len(result.outside), 'changed file')} outside the task's scope "
            f"({', '.join(result.scope)}):",
            err=True,
        )
        for path in result.outside:
            click.echo(f"  {path}", err=True)
        sys.exit(int(ExitCode.FINDINGS))
    n = len(result.changed)
    click.echo(f"{task}: {count(n, 'changed file')}, all inside the scope")


@plan.command("patterns")
@click.pass_obj
def plan_patterns(obj: _Ctx) -> None:
    """List the patterns and roles (built-in merged with the repository's)."""
    from . import api, planning

    ws: Workspace = _workspace(obj)
    lib = planning.load_library(ws.root, api.load_config(ws.root))
    for p in lib.patterns:
        click.echo(f"{p.id}: " + " → ".join(ph.id for ph in p.phases))
    click.echo("roles: " + ", ".join(r.id for r in lib.roles))


@plan.command("schema")
@click.argument("which", type=click.Choice(["patterns", "plan"]))
def plan_schema(which: str) -> None:
    """Print the JSON Schema of task-patterns.json or plan.json."""
    from . import planning

    name = "task-patterns.json" if which == "patterns" else "plan.json"
    click.echo(json.dumps(planning.schemas()[name], indent=2))


def _echo_gate(result: GateResult) -> None:
    from .reporting import gates as grender

    click.echo(grender.line(result), err=True)
    if not result.ok:
        click.echo("\n".join(grender.details(result)), err=True)


def _print_schema(kind: str) -> None:
    import json

    from .reporting.jsonout import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2))


def main() -> None:
    cli(prog_name="orchestrator")


if __name__ == "__main__":
    main()
