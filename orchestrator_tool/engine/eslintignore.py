"""The repository's `.eslintignore` files, as excludes.

The root one and nested ones: in a turbo monorepo `eslint` usually runs inside each package,
and reads that package's `.eslintignore`, whose patterns are relative to its folder. Each file
applies to the files under its folder, with gitignore semantics (pathspec's GitIgnoreSpec, as
eslint's `ignore` package follows gitignore); when several apply, as with nested
`.gitignore` files, the deepest one with a pattern matching the file decides, so a package can
re-include (`!pattern`) what the root's leaves out.

eslint's flat config (`eslint.config.js`) lists its ignores in JavaScript, which the tool does
not run; `ignorePatterns` of the older `.eslintrc` files cascade through `extends` (mostly
JavaScript modules too), so neither is read: name such folders in `[validate] exclude`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..formats import globs
from .reading import NotRead, read_inside

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

NAME = ".eslintignore"
_NESTED = "/" + NAME
MAX_BYTES = 256 * 1024  # an ignore file is a few lines; a larger one is not read


def is_ignore_file(rel: str) -> bool:
    return rel == NAME or rel.endswith(_NESTED)


class EslintIgnore:
    """Which files the `.eslintignore` files leave out. ``known``: every `.eslintignore` of the
    repository, when the caller has listed the repository anyway; without it each folder a
    file sits in is looked at once (a few files: a hook, a change). Parsed files, and which
    apply in each folder, are kept by the instance: one run reads each file once."""

    def __init__(self, root: Path, known: Iterable[str] | None = None) -> None:
        self.root = root
        self._known: set[str] | None = None
        if known is not None:
            self._known = {rel[: -len(NAME)].rstrip("/") for rel in known if is_ignore_file(rel)}
        # folder ("" = the root) -> the ignore files that apply in it, deepest first
        self._applying: dict[str, list[tuple[str, GitIgnoreSpec]]] = {}

    def excluded(self, rel: str) -> bool:
        for folder, spec in self._applicable(rel.rpartition("/")[0]):
            # The deepest file with a pattern matching the file decides.
            verdict = spec.check_file(rel[len(folder) + 1 :] if folder else rel).include
            if verdict is not None:
                return verdict
        return False

    def _applicable(self, folder: str) -> list[tuple[str, GitIgnoreSpec]]:
        found = self._applying.get(folder)
        if found is None:
            outer = self._applicable(folder.rpartition("/")[0]) if folder else []
            spec = self._spec(folder)
            found = [(folder, spec), *outer] if spec is not None else outer
            self._applying[folder] = found
        return found

    def _spec(self, folder: str) -> GitIgnoreSpec | None:
        if self._known is not None and folder not in self._known:
            return None
        lines = self._read(folder)
        if not lines:
            return None
        from pathspec import GitIgnoreSpec

        try:
            return GitIgnoreSpec.from_lines(lines)
        except (ValueError, re.error):
            # Name the line that does not compile (a reversed range, a trailing backslash).
            for lineno, line in enumerate(lines, 1):
                try:
                    globs.check_gitignore(line)
                except globs.GlobSyntaxError as exc:
                    raise globs.located_error(
                        exc,
                        what="pattern",
                        glob=line,
                        path=Path(self.root, folder, NAME),
                        position=(lineno, 1),
                    ) from None
            raise

    def _read(self, folder: str) -> list[str]:
        rel = f"{folder}/{NAME}" if folder else NAME
        try:
            data = read_inside(self.root, rel, MAX_BYTES)  # no link leads out of the repository
        except (OSError, NotRead):
            return []
        if len(data) > MAX_BYTES:
            return []
        return data.decode("utf-8", "replace").splitlines()
