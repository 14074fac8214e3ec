"""Checking a validator against its own examples (the test suite and `orchestrator rules test`
run them): a file rule's VALID and INVALID snippets (positions, messages and the text its fixes
leave), a workspace rule's findings on the fixture monorepos it names."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from .diagnostics import Diagnostic
from .fixes import apply_fixes
from .languages import language_of
from .source import SourceFile
from .spec import ValidatorSpec

if TYPE_CHECKING:
    from ..formats.jsonc import OptionValue
    from ..workspace import Workspace

# The fixture monorepos some examples run in: only a source checkout has them.
FIXTURE_MONOREPOS = Path(__file__).resolve().parents[2] / "fixtures" / "monorepos"


@dataclass(frozen=True)
class ExampleResult:
    """One validator's examples: how many ran, and what failed."""

    spec: ValidatorSpec
    examples: int
    failures: tuple[str, ...]


def spec_named(name: str) -> ValidatorSpec:
    """The validator a code (``ANY001``) or an importable module (a plugin's
    ``my_pkg.my_rule``) names."""
    from .spec import load_specs
    from .validator import spec_from_module

    by_code = {s.code: s for s in load_specs()}
    if name.upper() in by_code:
        return by_code[name.upper()]
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


def check_examples(specs: Sequence[ValidatorSpec]) -> Iterator[ExampleResult]:
    """Each validator against its examples, one result as each is done (the fixture monorepos
    they run in are scanned once for the call)."""
    from .runner import check_source
    from .settings import Settings
    from .workspace_checks import check_workspace

    workspaces: dict[str, Workspace] = {}

    def fixture(name: str) -> Workspace:
        if name not in workspaces:
            from ..workspace import scan

            workspaces[name] = scan(FIXTURE_MONOREPOS / name)
        return workspaces[name]

    def run_one(
        spec: ValidatorSpec, src: SourceFile, options: Mapping[str, OptionValue]
    ) -> list[Diagnostic]:
        name = spec.workspace_fixture
        if name is not None and not (FIXTURE_MONOREPOS / name).is_dir():
            raise UsageError(
                f"{spec.code}'s examples run in the fixture monorepo {name!r}, "
                "which only a source checkout has",
                hint="run `orchestrator rules test` from a clone of orchestrator-tool",
            )
        settings = Settings((spec,), options={spec.code: options})
        ws = fixture(name) if name is not None else None
        found = check_source(src, settings, ws).diagnostics
        return [d for d in found if d.code == spec.code]

    for spec in specs:
        if spec.scope == "workspace":
            failures = []
            for name, expected in spec.fixture_examples:
                if not (FIXTURE_MONOREPOS / name).is_dir():
                    continue
                found, _ = check_workspace(Settings((spec,)), fixture(name))
                got = [(d.path, d.line, d.column) for d in found]
                if got != list(expected):
                    failures.append(f"{spec.code} on {name}: expected {list(expected)}, got {got}")
            yield ExampleResult(spec, len(spec.fixture_examples), tuple(failures))
        else:
            n = len(spec.valid) + len(spec.invalid)
            yield ExampleResult(spec, n, tuple(run_examples(spec, run_one)))


def run_examples(
    spec: ValidatorSpec,
    run: Callable[[ValidatorSpec, SourceFile, Mapping[str, OptionValue]], list[Diagnostic]],
) -> list[str]:
    """Check a validator against its own VALID/INVALID examples; returns the failures."""
    failures: list[str] = []
    for ex in spec.valid:
        src = SourceFile(ex.filename, ex.code.encode(), language_of(ex.filename) or "typescript")
        found = run(spec, src, {**spec.options, **ex.options})
        if found:
            failures.append(
                f"{spec.code} VALID example flagged at "
                f"{[(d.line, d.column) for d in found]}:\n{ex.code}"
            )
    for bad in spec.invalid:
        src = SourceFile(bad.filename, bad.code.encode(), language_of(bad.filename) or "typescript")
        found = run(spec, src, {**spec.options, **bad.options})
        got = tuple((d.line, d.column) for d in found)
        if got != bad.positions:
            failures.append(
                f"{spec.code} INVALID example: expected {bad.positions}, got {got}:\n{bad.code}"
            )
            continue
        if bad.message is not None and any(d.message != bad.message for d in found):
            failures.append(f"{spec.code} INVALID example: messages {[d.message for d in found]}")
        if bad.fixed is not None:
            fixed, _ = apply_fixes(src.data, found, unsafe=True)
            if fixed.decode() != bad.fixed:
                failures.append(
                    f"{spec.code} INVALID example: fixed text\n{fixed.decode()}\n"
                    f"expected\n{bad.fixed}"
                )
    return failures
