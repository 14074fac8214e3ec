"""Errors that end a run with a clear one-line message and a distinct exit code."""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    # the run could not check everything (a validator crash, a file not checked): like an
    # internal error, a failure of the tool's own, which no finding option turns green
    INCOMPLETE = 3
    INTERRUPTED = 130


class OrchestratorError(Exception):
    """An expected failure: bad input, bad usage, a git problem.

    Rendered as ``path:line:col: message`` plus an optional ``hint:`` line, never a traceback.
    """

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    def location(self) -> str:
        if self.path is None:
            return ""
        loc = _display_path(self.path)
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def render(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def _display_path(path: str) -> str:
    """``path`` relative to the current folder when it is inside it (shorter, clickable)."""
    p = Path(path)
    if not p.is_absolute():
        return path
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path


class InputError(OrchestratorError):
    """A file in the user's repository cannot be read or makes no sense."""


class UsageError(OrchestratorError):
    """The command line asks for something impossible."""


class GitError(OrchestratorError):
    """git failed or the repository is not in the state the command needs."""


class MissingRefError(GitError):
    """A ref the command needs does not exist locally (shallow clone, unfetched branch)."""
