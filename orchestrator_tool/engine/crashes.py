"""What a run could not check, as data: a validator that raised on a file (or on the
workspace), or a file whose checks did not finish.

The reports show a crash as one line, ``path: CODE: Error: message`` or ``path: not checked:
why``; the renderers read its fields, never that line.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a file the checks did not finish is reported ("not checked: timed out after 5s",
# "not checked: parser crashed (killed by SIGSEGV)").
NOT_CHECKED = "not checked"
# Where a workspace-scope validator's crash is said to be (it has no file).
WORKSPACE = "(workspace)"


@dataclass(frozen=True)  # not slotted: a slotted dataclass costs twice the start-up
class Crash:
    """A validator that raised (``code`` names it), or checks that did not finish (``code``
    is None: the file was not checked at all). ``path`` is None for a workspace-scope
    validator's crash."""

    path: str | None
    code: str | None
    message: str  # "RuntimeError: boom", "timed out after 5s"

    @classmethod
    def raised(cls, path: str | None, code: str, exc: BaseException) -> Crash:
        """Validator ``code`` raised ``exc``."""
        return cls(path, code, f"{type(exc).__name__}: {exc}")

    @property
    def not_checked(self) -> bool:
        """Whether the file's checks did not finish (rather than one validator failing)."""
        return self.code is None

    @property
    def where(self) -> str:
        """The file, or ``(workspace)``."""
        return WORKSPACE if self.path is None else self.path

    @property
    def what(self) -> str:
        """What happened there: ``CODE: Error: message`` or ``not checked: why``."""
        return f"{self.code or NOT_CHECKED}: {self.message}"

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"
