"""Native git hooks for teams without the pre-commit framework.

`orchestrator hook install` writes `pre-commit` (and with `--pre-push`, `pre-push`) into the
hooks folder git uses — `core.hooksPath` included (husky, lefthook) — and refuses to replace
a hook it did not write unless asked. The hooks only read: they validate the staged content
(pre-commit) or the pushed commits (pre-push) and never touch the work tree or the index. They
run with `--as-hook`: unless `[hook] new-only = false`, only the findings the commit adds to
HEAD (the push to its merge base) count.
"""

from __future__ import annotations

import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from . import git
from .errors import GitError, UsageError

MARKER = "# orchestrator-tool hook"
# The tool is on no package index: a hook that cannot find it says how to install it from its
# repository (pyproject.toml's Source URL).
REPOSITORY = "https://github.com/orchestrator-tool/orchestrator-tool"
INSTALL_HINT = f"pip install 'git+{REPOSITORY}', then orchestrator hook install"
HOOKS = ("pre-commit", "pre-push")
ZERO = "0" * 40

# `-I`: the hook runs inside the repository, whose top level holds files anyone can commit; an
# isolated interpreter puts neither the working folder nor PYTHON* variables on its path, so a
# committed `click.py` is never imported in place of the library.
TEMPLATE = """#!/bin/sh
{marker}: written by `orchestrator hook install`; `orchestrator hook uninstall` removes it.
INSTALL_PYTHON={python}
ROOT="$(git rev-parse --show-toplevel)"/{root}
if [ -x "$INSTALL_PYTHON" ]; then
  exec "$INSTALL_PYTHON" -I -m orchestrator_tool --root "$ROOT" hook run {hook} "$@"
elif command -v orchestrator >/dev/null 2>&1; then
  exec orchestrator --root "$ROOT" hook run {hook} "$@"
else
  echo "orchestrator: not installed ({install})" >&2
  exit 1
fi
"""


@dataclass(frozen=True)
class HookChange:
    hook: str
    path: Path
    action: str  # installed | replaced (backup kept) | unchanged | removed | restored | absent


def hooks_dir(root: Path) -> Path:
    top = git.toplevel(root)
    if top is None:
        raise GitError(f"{root} is not inside a git repository", hint="hooks need git")
    out = git.run(["rev-parse", "--git-path", "hooks"], top).stdout.decode().strip()
    path = Path(out)
    return path if path.is_absolute() else (top / path)


def _ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def install(root: Path, hooks: tuple[str, ...], force: bool = False) -> list[HookChange]:
    folder = hooks_dir(root)
    top = git.toplevel(root)
    assert top is not None
    rel_root = git.repo_prefix(root, top).removesuffix("/")
    changes: list[HookChange] = []
    for hook in hooks:
        path = folder / hook
        text = TEMPLATE.format(
            marker=MARKER,
            python=shlex.quote(sys.executable),
            root=shlex.quote(rel_root) if rel_root else '""',
            hook=hook,
            install=INSTALL_HINT,
        )
        action = "installed"
        if path.exists():
            if _ours(path):
                if path.read_text(encoding="utf-8") == text:
                    changes.append(HookChange(hook, path, "unchanged"))
                    continue
            elif not force:
                raise UsageError(
                    f"{path} exists and was not written by orchestrator",
                    hint=f"run `orchestrator hook run {hook}` from your existing hook (husky: add "
                    f"it to .husky/{hook}), or pass --force to replace it (a backup is kept)",
                )
            else:
                path.replace(path.with_name(path.name + ".orchestrator-backup"))
                action = "replaced (backup kept)"
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        changes.append(HookChange(hook, path, action))
    return changes


def uninstall(root: Path, hooks: tuple[str, ...]) -> list[HookChange]:
    folder = hooks_dir(root)
    changes: list[HookChange] = []
    for hook in hooks:
        path = folder / hook
        backup = path.with_name(path.name + ".orchestrator-backup")
        if not path.exists():
            changes.append(HookChange(hook, path, "absent"))
            continue
        if not _ours(path):
            changes.append(HookChange(hook, path, "not written by orchestrator: left alone"))
            continue
        path.unlink()
        if backup.exists():
            backup.replace(path)
            changes.append(HookChange(hook, path, "restored"))
        else:
            changes.append(HookChange(hook, path, "removed"))
    return changes


def push_ranges(stdin_text: str) -> list[tuple[str, str]]:
    """(base, head) for each pushed ref, from the lines git gives pre-push on stdin:
    `<local ref> <local sha> <remote ref> <remote sha>`. Deleted refs are skipped; a new
    branch has no remote sha and is compared with the default branch by the caller (base "")."""
    ranges: list[tuple[str, str]] = []
    for line in stdin_text.splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        _, local_sha, _, remote_sha = parts
        if local_sha == ZERO:
            continue  # deleting a ref: nothing to check
        ranges.append(("" if remote_sha == ZERO else remote_sha, local_sha))
    return ranges


def unannounced_push_range(root: Path) -> tuple[str, str]:
    """The range to check when pre-push is given no refs on standard input (lefthook and
    some wrappers pass none): what HEAD has beyond its upstream, or beyond the default
    branch when it has no upstream yet (base "")."""
    upstream = git.resolve("@{upstream}", root)
    return (upstream or "", "HEAD")
