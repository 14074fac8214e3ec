"""Findings as data: a frozen, slotted Diagnostic per finding."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace bytes [start, end) of the file with ``replacement``."""

    start: int
    end: int
    replacement: str
    safe: bool  # safe fixes apply with --fix; unsafe ones need --unsafe-fixes
    description: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    message: str
    path: str  # POSIX, relative to the monorepo root
    line: int  # 1-based
    column: int  # 1-based, UTF-16 code units (as eslint and SARIF count)
    end_line: int
    end_column: int
    severity: str
    package: str | None = None
    fix: Fix | None = None
    fingerprint: str = ""  # stable across unrelated edits: code + path + offending text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
