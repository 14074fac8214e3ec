"""Which of a run's validators apply to which files: what a plan lists on each task."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .files import workspace_files
from .languages import language_of

if TYPE_CHECKING:
    from .spec import ValidatorSpec


class ApplicableValidators:
    """The enabled ``specs`` over the workspace at ``root`` (planning's RunValidators). The
    workspace's files are listed on the first ask, once."""

    def __init__(self, root: Path, specs: Sequence[ValidatorSpec]) -> None:
        self.root = root
        self.specs = specs
        self._files: list[str] | None = None

    def files(self) -> Sequence[str]:
        if self._files is None:
            self._files = workspace_files(self.root, supported_only=True)
        return self._files

    def codes_for(self, files: Sequence[str]) -> list[str]:
        """The codes of the specs that apply to some of ``files``: a workspace rule always,
        a file rule when one of them is in its languages and paths."""
        out: list[str] = []
        for spec in self.specs:
            if spec.scope == "workspace":
                out.append(spec.code)
                continue
            for f in files:
                lang = language_of(f)
                if lang in spec.languages and (spec.paths is None or spec.paths.search(f)):
                    out.append(spec.code)
                    break
        return out
