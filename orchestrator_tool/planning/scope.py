"""The plan's scope: `--scope` items resolved to units of work, and the scope guard (whether
a changed path lies in a task's scope)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..formats.globs import GlobSyntaxError, glob_to_regex
from ..workspace import Package, Workspace
from .models import TASKS_DIR, Plan, Task


@dataclass(frozen=True)
class Unit:
    """A piece of the plan's scope: a package (or a folder inside one, or a root path)."""

    path: str  # as in the plan: "apps/api", "packages/database/prisma"
    package: Package | None

    @property
    def key(self) -> str:
        return self.package.name or self.package.path if self.package else self.path


def resolve_scope(ws: Workspace, items: Sequence[str], cwd: Path | None = None) -> list[Unit]:
    """`--scope` items (package names, or paths relative to the current folder or the root)
    as units of work, one per package; an unknown item is an error naming it."""
    units: dict[str, Unit] = {}
    by_name = ws.by_name
    for item in items:
        text = item.strip().rstrip("/")
        if not text:
            continue
        if text in by_name:
            named = by_name[text]
            units.setdefault(named.path, Unit(named.path, named))
            continue
        rel = _relative(ws.root, text, cwd)
        if rel is None or not (ws.root / rel).exists():
            names = ", ".join(sorted(by_name)[:12])
            raise UsageError(
                f"--scope {item!r} is neither a workspace package nor a path in the repository",
                hint=f"packages: {names}{', …' if len(by_name) > 12 else ''}",
            )
        pkg = ws.by_path.get(rel) or ws.owner_of(rel + "/x")
        key = pkg.path if pkg is not None else rel
        old = units.get(key)
        if old is None or (pkg is not None and rel == pkg.path):
            units[key] = Unit(rel, pkg)
        elif old.path != rel:  # two folders of one package: the package as a whole
            units[key] = Unit(pkg.path if pkg is not None else key, pkg)
    if not units:
        raise UsageError("the plan needs a scope", hint="--scope PATH|PACKAGE ... or --affected")
    return [units[k] for k in sorted(units)]


def _relative(root: Path, text: str, cwd: Path | None) -> str | None:
    candidates = [Path(text)] if Path(text).is_absolute() else []
    if cwd is not None and not candidates:
        candidates.append(cwd / text)
    candidates.append(root / text)
    for c in candidates:
        try:
            rel = c.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            continue
        if c.exists():
            return "." if rel == "" else rel
    return None


_MAGIC = re.compile(r"[*?\[{]")


def in_scope(path: str, scope: Sequence[str]) -> bool:
    """Whether ``path`` lies in one of ``scope``'s entries: a folder (everything under it), a
    file, or a glob of the one dialect (formats.globs, dot files included) naming files or
    folders: `*` stays in one folder and `**` crosses any number, and a path under a folder
    the glob matches is in scope (`apps/api/app/api/auth/*` holds `auth/login/route.ts`).
    An entry is read as the path it spells first, so a Next.js folder such as
    `app/[locale]` is itself; in a glob, a `[...]` is a set or those characters."""
    for entry in scope:
        e = entry.strip().rstrip("/")
        if e in ("", "."):
            return True
        if path == e or path.startswith(e + "/"):
            return True
        if _MAGIC.search(e) and any(rx.match(path) for rx in _scope_regexes(e)):
            return True
    return False


def _scope_regexes(entry: str) -> list[re.Pattern[str]]:
    """The entry as a glob (with everything below what it matches), and, when it holds a
    `[`, as a glob whose brackets are the characters (`app/[locale]/(auth)/*`). A reading
    that is no glob (an unclosed `{`) is left out: the entry is then the path it spells."""
    readings = [entry]
    if "[" in entry:
        readings.append(entry.replace("[", "[[]"))
    out: list[re.Pattern[str]] = []
    for glob in readings:
        try:
            out += (glob_to_regex(glob, dot=True), glob_to_regex(glob + "/**", dot=True))
        except GlobSyntaxError:
            continue
    return out


def outside_scope(plan: Plan, task: Task, paths: Iterable[str]) -> list[str]:
    """The changed paths outside the task's scope (the plan's own folder is always allowed)."""
    allowed = [*task.scope, f"{TASKS_DIR}/{plan.plan_id}"]
    return sorted({p for p in paths if not in_scope(p, allowed)})
