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

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

NAME = ".eslintignore"
MAX_BYTES = 256 * 1024  # an ignore file is a few lines; a larger one is not read


_NESTED = "/" + NAME


def is_ignore_file(rel: str) -> bool:
    return rel == NAME or rel.endswith(_NESTED)


class EslintIgnore:
    """Which files the `.eslintignore` files leave out. ``known``: every `.eslintignore` of the
    repository, when the caller has listed the repository anyway; without it each folder a
    file sits in is looked at once (a few files: a hook, a change). Parsed files are kept by
    the instance, so one run reads each once."""

    def __init__(self, root: Path, known: Iterable[str] | None = None) -> None:
        self.root = root
        self._real_root = os.path.realpath(root)
        self._specs: dict[str, GitIgnoreSpec | None] = {}  # folder ("" = root) -> spec
        self._known: list[str] | None = None
        if known is not None:
            folders = {rel[: -len(NAME)].rstrip("/") for rel in known if is_ignore_file(rel)}
            # Deepest first: the first folder with a matching pattern decides.
            self._known = sorted(folders, key=lambda f: (-f.count("/"), f))
            if "" in folders:
                self._known.remove("")
                self._known.append("")

    def excluded(self, rel: str) -> bool:
        for folder in self._folders(rel):
            spec = self._spec(folder)
            if spec is None:
                continue
            verdict = spec.check_file(rel[len(folder) + 1 :] if folder else rel).include
            if verdict is not None:
                return verdict
        return False

    def _folders(self, rel: str) -> Iterable[str]:
        """The folders above ``rel`` that may hold an ignore file, deepest first."""
        if self._known is not None:
            return [f for f in self._known if not f or rel.startswith(f + "/")]
        parts = rel.split("/")[:-1]
        return ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]

    def _spec(self, folder: str) -> GitIgnoreSpec | None:
        if folder in self._specs:
            return self._specs[folder]
        spec = None
        lines = self._read(folder)
        if lines:
            from pathspec import GitIgnoreSpec

            spec = GitIgnoreSpec.from_lines(lines)
        self._specs[folder] = spec
        return spec

    def _read(self, folder: str) -> list[str]:
        path = os.path.join(self.root, folder, NAME)
        if not os.path.isfile(path):
            return []
        # A symlink must not lead a read outside the repository.
        real = os.path.realpath(path)
        if not real.startswith(self._real_root + os.sep):
            return []
        try:
            with open(real, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError:
            return []
        if len(data) > MAX_BYTES:
            return []
        return data.decode("utf-8", "replace").splitlines()
