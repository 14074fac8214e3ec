"""What checking one file gave: its findings, the regions that could not be read, why it was
skipped, the validators that crashed, and the other files the verdict was read from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .crashes import Crash
    from .diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    # 1-based (first, last) line regions the checks could not read; the whole of a Python
    # file with a syntax error
    unparsed: tuple[tuple[int, int], ...] = ()
    syntax_error: bool = False
    skipped: str | None = None  # why the file was not checked (binary, minified, too large…)
    # the validators that failed here; one without a code when the checks did not finish
    # (the file is then not checked at all)
    crashes: tuple[Crash, ...] = ()
    suppressed: int = 0
    deps: tuple[str, ...] = ()  # other files the verdict was read from (WHOLE_WORKSPACE: all)

    @property
    def checked(self) -> bool:
        """Whether the checks ran to their end (a validator may still have crashed)."""
        return self.skipped is None and not any(c.not_checked for c in self.crashes)


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A file the checks could not read completely."""

    path: str
    regions: tuple[tuple[int, int], ...]  # 1-based (first line, last line)
    syntax_error: bool = False  # a Python file libcst rejects (it was not checked)
