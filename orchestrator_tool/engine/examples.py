"""Checking a validator against its own VALID and INVALID examples (the test suite and
`orchestrator rules test` run them): positions, messages and the text its fixes leave."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .diagnostics import Diagnostic
from .fixes import apply_fixes
from .source import SourceFile, language_of
from .validator import OptionValue, ValidatorSpec


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
