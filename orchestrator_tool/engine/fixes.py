"""Applying fixes: non-overlapping edits, applied back to front; an unsafe fix only when it
adds no finding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Fix

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .results import FileResult
    from .settings import Settings


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


@dataclass(frozen=True)
class Withheld:
    """Unsafe fixes not applied to a file: with them, it would have findings it did not have."""

    path: str
    fixes: int
    adds: tuple[str, ...]  # the codes of the findings they would add ("crash": a validator's)


@dataclass(frozen=True)
class FixRun:
    results: list[FileResult]  # every result, the fixed files' from their new content
    fixed: list[tuple[str, int]]  # (path, fixes applied)
    withheld: list[Withheld]


def fix_files(
    root: Path,
    results: Sequence[FileResult],
    settings: Settings,
    workspace: Workspace | None,
    *,
    unsafe: bool,
) -> FixRun:
    """Apply the fixes of ``results`` to their files and check the fixed files again.

    An unsafe fix is applied only when the file it leaves has no finding the file did not have
    before (compared by code and message: a fix moves lines): a rewrite that trades one finding
    for others (a relative import turned into an import of a package nobody declared) is
    withheld, with the codes it would add, and the file gets its safe fixes alone."""
    from .runner import run

    planned: dict[str, tuple[bytes, bytes, list[Diagnostic]]] = {}  # path: (old, new, used)
    for r in results:
        if not any(d.fix and (d.fix.safe or unsafe) for d in r.diagnostics):
            continue
        target = root / r.path
        if target.is_symlink():
            continue  # never written through: the link may lead anywhere
        original = target.read_bytes()
        new, used = apply_fixes(original, r.diagnostics, unsafe=unsafe)
        if used and new != original:
            planned[r.path] = (original, new, used)
    before = {r.path: r for r in results}
    risky = [p for p, (_, _, used) in planned.items() if any(not d.fix.safe for d in used if d.fix)]
    withheld: list[Withheld] = []
    # files whose fixed content was checked already (in memory, before it was written)
    checked: dict[str, FileResult] = {}
    if risky:
        trial = run(root, [(p, planned[p][1]) for p in risky], settings, workspace, 1)
        for after in trial:
            adds = _added(before[after.path], after)
            if not adds:
                checked[after.path] = after
                continue
            original, _, used = planned.pop(after.path)
            n_unsafe = sum(1 for d in used if d.fix and not d.fix.safe)
            withheld.append(Withheld(after.path, n_unsafe, adds))
            new, used = apply_fixes(original, before[after.path].diagnostics, unsafe=False)
            if used and new != original:
                planned[after.path] = (original, new, used)
    fixed: list[tuple[str, int]] = []
    for r in results:  # in the order of the results
        if r.path in planned:
            _, new, used = planned[r.path]
            (root / r.path).write_bytes(new)
            fixed.append((r.path, len(used)))
    if not fixed:
        return FixRun(list(results), [], withheld)
    # Report what is left, from the fixed files' new content (checked once: a file whose
    # unsafe fixes were tried has its result from the trial).
    todo = [(p, None) for p, _ in fixed if p not in checked]
    again = {r.path: r for r in run(root, todo, settings, workspace, 1)} if todo else {}
    again.update(checked)
    return FixRun([again.get(r.path, r) for r in results], fixed, withheld)


def _added(before: FileResult, after: FileResult) -> tuple[str, ...]:
    """The codes of the findings ``after`` has more of than ``before`` ("crash" for a new
    validator crash or a file no longer checked)."""
    grown = Counter((d.code, d.message) for d in after.diagnostics)
    grown.subtract(Counter((d.code, d.message) for d in before.diagnostics))
    codes = {code for (code, _), n in grown.items() if n > 0}
    if set(after.crashes) - set(before.crashes):
        codes.add("crash")
    return tuple(sorted(codes))
