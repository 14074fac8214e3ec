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
class Location:
    """Another place a finding occurs (an import that needs the same manifest line)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)


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
    # The finding this one is a place of, when one fix resolves them all (one missing line in
    # a package.json): `<manifest>:<what>`. Diagnostics of a code with the same group are
    # merged after the run (engine.aggregate) into one, keyed `CODE:<group>`.
    group: str = ""
    related: tuple[Location, ...] = ()  # the merged finding's other places, in order

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def location(self) -> Location:
        return Location(self.path, self.line, self.column, self.end_line, self.end_column)
