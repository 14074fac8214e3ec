"""Applying fixes: non-overlapping edits, applied back to front."""

from __future__ import annotations

from collections.abc import Sequence

from .diagnostics import Diagnostic, Fix


def apply_fixes(
    data: bytes, diagnostics: Sequence[Diagnostic], *, unsafe: bool
) -> tuple[bytes, list[Diagnostic]]:
    """The text with every applicable fix applied, and the diagnostics whose fix was used.
    A fix that overlaps one applied before it is left for the next run."""
    chosen: list[tuple[Fix, Diagnostic]] = []
    last_end = -1
    candidates = sorted(
        ((d.fix, d) for d in diagnostics if d.fix is not None and (d.fix.safe or unsafe)),
        key=lambda pair: (pair[0].start, pair[0].end),
    )
    for fix, diag in candidates:
        if fix.start < last_end:
            continue
        chosen.append((fix, diag))
        last_end = fix.end
    out = data
    for fix, _ in reversed(chosen):
        out = out[: fix.start] + fix.replacement.encode() + out[fix.end :]
    return out, [d for _, d in chosen]
