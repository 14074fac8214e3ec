"""What the runs report, as data: the api returns these, the renderers read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.crashes import Crash
    from ..engine.diagnostics import Diagnostic
    from ..engine.fixes import Withheld
    from ..engine.results import Unparsed


@dataclass(frozen=True)
class ValidationReport:
    """What `orchestrator validate` found."""

    diagnostics: tuple[Diagnostic, ...]
    files_checked: int
    cached: int
    unparsed: tuple[Unparsed, ...]  # files with regions the checks could not read, by path
    crashes: tuple[Crash, ...]  # validators that failed, files not checked
    skipped: tuple[tuple[str, str], ...]  # (path, why)
    excluded: int
    suppressed: int
    fixed: tuple[tuple[str, int], ...] = ()  # (path, fixes applied)
    withheld: tuple[Withheld, ...] = ()  # unsafe fixes not applied: they would add findings
    source: str = "workspace"
    codes: tuple[str, ...] = ()
    baselined: int = 0  # findings the baseline accepts (not in `diagnostics`)
    baseline_written: str | None = None  # "created", "shrunk", "grown", "unchanged"
    nested_projects: tuple[str, ...] = ()  # folders checked as projects of their own
    new_from_rev: str | None = None  # only findings not present at this revision are reported
    preexisting: int = 0  # findings present at new_from_rev (not in `diagnostics`)
    checked_paths: tuple[str, ...] = ()  # the files counted in files_checked (CI reports)

    @property
    def complete(self) -> bool:
        """Whether every validator ran to its end on every file (a crash, or a file not
        checked, makes the run incomplete: it fails, with exit code 3, whatever the findings)."""
        return not self.crashes

    @property
    def parse_errors(self) -> tuple[str, ...]:
        """The paths in ``unparsed`` (what the report held before it held regions)."""
        return tuple(u.path for u in self.unparsed)

    @property
    def passed(self) -> bool:
        """No error-severity finding, and every file was checked: a validator that crashed,
        or a file too deeply nested to analyse, leaves the run incomplete, never green."""
        return not self.crashes and not any(d.severity == "error" for d in self.diagnostics)
