"""`orchestrator rules`: the validators, each one's documentation, and their own examples
run as tests."""

from __future__ import annotations

import click

from ..errors import ExitCode, UsageError


@click.group(invoke_without_command=True)
@click.option("--markdown", is_flag=True, help="Print the README's validator table.")
@click.pass_context
def rules(ctx: click.Context, markdown: bool) -> ExitCode:
    """List the validators (also: `rules explain CODE`, `rules test [MODULE]`)."""
    if ctx.invoked_subcommand is not None:
        return ExitCode.OK
    from .. import api

    specs = api.select_specs()
    if markdown:
        from ..reporting.diagnostics import validator_table

        click.echo(validator_table(specs), nl=False)
        return ExitCode.OK
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
    return ExitCode.OK


@rules.command("explain")
@click.argument("code")
def rules_explain(code: str) -> ExitCode:
    """Print a validator's documentation."""
    from .. import api

    matches = [s for s in api.select_specs() if s.code == code.upper() or s.name == code]
    if not matches:
        raise UsageError(f"no validator {code!r}", hint="`orchestrator rules` lists them")
    s = matches[0]
    from ..engine.spec import precision_text

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
    return ExitCode.OK


@rules.command("test")
@click.argument("modules", nargs=-1)
def rules_test(modules: tuple[str, ...]) -> ExitCode:
    """Run validators' own VALID/INVALID examples (all, or the given modules, e.g. a plugin's
    `my_pkg.my_rule`). Exits 1 on any failure."""
    from ..engine.examples import check_examples, spec_named
    from ..engine.spec import load_specs

    # a code names a validator too: `rules test ANY001`
    specs = [spec_named(m) for m in modules] if modules else load_specs()
    failed = 0
    for result in check_examples(specs):
        spec, failures = result.spec, result.failures
        status = "ok" if not failures else f"{len(failures)} failed"
        click.echo(f"{spec.code} {spec.name}: {result.examples} examples, {status}")
        for f in failures:
            click.echo("  " + f.replace("\n", "\n  "))
        failed += len(failures)
    return ExitCode.FINDINGS if failed else ExitCode.OK


@rules.command("new")
@click.argument("name")
@click.option(
    "--code", required=True, metavar="CODE", help="The validator's code: capitals and 3 digits."
)
def rules_new(name: str, code: str) -> ExitCode:
    """Start a validator NAME (kebab-case) in a source checkout: its module in validators/
    and its fixture folder, which pass the test suite as written. Nothing else to register."""
    from .. import api
    from ..engine import scaffold
    from ..reporting.diagnostics import validator_table

    scaffold.refuse_taken(name, code, {s.code: s.name for s in api.select_specs()})
    where = scaffold.project()
    for path in scaffold.write_validator(where, name, code):
        click.echo(f"wrote {path.relative_to(where.root).as_posix()}")
    if scaffold.refresh_table(where.readme, validator_table(api.select_specs())):
        click.echo("wrote README.md's validator table (`orchestrator rules --markdown`)")
    module = f"validators/{name.replace('-', '_')}.py"
    click.echo(
        f"next: the rule and its examples in {module}, realistic cases in "
        f"fixtures/validators/{code}/ (UPDATE_EXPECTED=1 python -m pytest "
        f"tests/test_validators.py -k {code} rewrites expected.txt), then "
        f"`orchestrator rules test {code}` and `orchestrator rules --markdown` for the README"
    )
    return ExitCode.OK
