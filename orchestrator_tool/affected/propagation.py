"""Changed files → owning packages → dependents, each affected package with its reasons."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..changes.models import ChangeSet
from ..formats.globs import glob_to_regex
from ..reporting import count
from ..workspace import Workspace
from .models import Affected, AffectedPackage, Reason

ROOT_MANIFEST = "package.json"
# Root files that change what every task sees.
TURBO_FILES = ("turbo.json", "turbo.jsonc")


def _global_regex(pattern: str) -> re.Pattern[str]:
    return glob_to_regex(pattern.lstrip("/").removeprefix("./"), dot=True)


LockfileReader = Callable[[], "tuple[str | None, str | None]"]


def compute(
    ws: Workspace,
    changes: ChangeSet,
    *,
    dependents: bool = True,
    lockfile_versions: LockfileReader | None = None,
    everything_because: Reason | None = None,
) -> Affected:
    """Affected packages for ``changes``.

    ``lockfile_versions`` returns the lockfile's text before and after the change (None where
    the file does not exist); it is only called when the lockfile is among the changed files.
    ``everything_because`` marks every package affected with that reason (a missing base with
    the `all` fallback).
    """
    direct: dict[str, list[Reason]] = {}
    files_by_pkg: dict[str, list[str]] = {}
    global_reasons: list[Reason] = []
    unowned: list[str] = []
    notes: list[str] = list(changes.notes)
    global_patterns = ws.turbo.global_dependencies if ws.turbo else ()
    negated = [_global_regex(p[1:]) for p in global_patterns if p.startswith("!")]
    positive = [(p, _global_regex(p)) for p in global_patterns if not p.startswith("!")]
    global_hits: dict[str, list[str]] = {}
    lockfile_changed = False
    turbo_changed: list[str] = []
    has_workspaces = ws.workspace_source is not None

    for path in dict.fromkeys(changes.paths()):
        if path == ws.lockfile:
            lockfile_changed = True
            continue
        if path in TURBO_FILES:
            turbo_changed.append(path)
            continue
        # A submodule whose folder is a package changes as one path, the folder itself.
        owner = ws.by_path.get(path) or ws.owner_of(path)
        if owner is not None:
            files_by_pkg.setdefault(owner.path, []).append(path)
            continue
        # Outside every package. globalDependencies only count here, as in turbo: a match
        # inside a package is that package's own file.
        hit = False
        if positive and not any(n.match(path) for n in negated):
            for pattern, rx in positive:
                if rx.match(path):
                    global_hits.setdefault(pattern, []).append(path)
                    hit = True
                    break
        if not hit:
            unowned.append(path)

    for pkg_path, files in files_by_pkg.items():
        n = len(files)
        direct.setdefault(pkg_path, []).append(
            Reason(
                "changed-files",
                f"{count(n, 'changed file')} in {pkg_path}",
                files=tuple(files),
            )
        )

    if has_workspaces and ROOT_MANIFEST in unowned:
        notes.append(
            "the root package.json changed: its scripts and fields belong to the root alone; "
            "its dependency changes reach packages through the lockfile"
        )
    for path in turbo_changed:
        global_reasons.append(
            Reason(
                "turbo-json", f"{path} changed (task configuration of every package)", files=(path,)
            )
        )
    for pattern, files in global_hits.items():
        global_reasons.append(
            Reason(
                "global-dependency",
                f"turbo globalDependencies {pattern!r} matched {', '.join(files)}",
                files=tuple(files),
            )
        )
    root_deps = ws.root_dependencies
    by_path = ws.by_path
    for pkg_path, files in files_by_pkg.items():
        name = by_path[pkg_path].name
        if name in root_deps:
            global_reasons.append(
                Reason(
                    "root-dependency",
                    f"the root package.json depends on {name}, which changed "
                    "(root dependencies are shared by every package)",
                    files=tuple(files),
                    via=name,
                )
            )
    if lockfile_changed and ws.lockfile is not None:
        lock_global, lock_direct, lock_note = _attribute_lockfile(ws, lockfile_versions)
        if lock_note:
            notes.append(lock_note)
        if lock_global is not None:
            global_reasons.append(lock_global)
        for pkg_path, reason in lock_direct.items():
            direct.setdefault(pkg_path, []).append(reason)
            name = by_path[pkg_path].name
            if name in root_deps and lock_global is None:
                global_reasons.append(
                    Reason(
                        "root-dependency",
                        f"the root package.json depends on {name}, whose resolved dependencies "
                        "changed (root dependencies are shared by every package)",
                        files=(ws.lockfile,),
                        via=name,
                    )
                )
    if everything_because is not None:
        global_reasons.append(everything_because)

    reasons: dict[str, list[Reason]] = {p: list(r) for p, r in direct.items()}
    if dependents:
        changed_names = [nm for p in direct if (nm := by_path[p].name)]
        for name, chain in ws.dependents(changed_names).items():
            pkg = ws.by_name[name]
            first = chain[0].target
            via = chain[-1].target
            names = (first, *(e.source for e in chain))
            message = f"depends on {via} ({chain[-1].kind})"
            if len(chain) > 1:
                message += f"; chain: {' → '.join(names)}"
            reasons.setdefault(pkg.path, []).append(
                Reason("dependency", message, via=via, chain=names)
            )
    if global_reasons:
        for pkg in ws.packages:
            reasons.setdefault(pkg.path, []).extend(global_reasons)

    packages = tuple(
        AffectedPackage(pkg.name, pkg.path, tuple(reasons[pkg.path]))
        for pkg in ws.packages
        if pkg.path in reasons
    )
    return Affected(changes, packages, tuple(unowned), tuple(notes))


def _attribute_lockfile(
    ws: Workspace, versions: LockfileReader | None
) -> tuple[Reason | None, dict[str, Reason], str | None]:
    """(a reason for every package, or None; per-package reasons; a note)."""
    lock = ws.lockfile
    assert lock is not None
    if lock != "pnpm-lock.yaml" or versions is None:
        why = (
            f"{lock} changed and attribution to packages is only implemented for pnpm-lock.yaml"
            if lock != "pnpm-lock.yaml"
            else f"{lock} changed but its previous version is not available"
        )
        return (
            Reason("lockfile-unattributed", why + ": every package counts as affected", (lock,)),
            {},
            why,
        )
    from .lockfile import LockfileFormatError, attribute_pnpm

    old_text, new_text = versions()
    try:
        importer_changes = attribute_pnpm(old_text, new_text)
    except LockfileFormatError as exc:
        why = f"{lock} could not be read ({exc})"
        return (
            Reason("lockfile-unattributed", why + ": every package counts as affected", (lock,)),
            {},
            why,
        )
    global_reason: Reason | None = None
    per_pkg: dict[str, Reason] = {}
    for ch in importer_changes:
        parts = [_describe(*d) for d in ch.direct[:3]]
        if len(ch.direct) > 3:
            parts.append(f"{len(ch.direct) - 3} more direct")
        if ch.transitive_count:
            shown = ", ".join(_short(t) for t in ch.transitive[:3])
            more = ch.transitive_count - min(3, len(ch.transitive))
            parts.append(f"transitive: {shown}" + (f" and {more} more" if more > 0 else ""))
        detail = "; ".join(parts) or "its importer entry changed"
        if ch.importer == ".":
            global_reason = Reason(
                "lockfile",
                f"{lock}: the root's resolved dependencies changed ({detail}); root "
                "dependencies are shared by every package",
                files=(lock,),
            )
        elif ch.importer in ws.by_path:
            per_pkg[ch.importer] = Reason(
                "lockfile", f"{lock}: resolved dependencies changed ({detail})", files=(lock,)
            )
    return global_reason, per_pkg, None


def _describe(name: str, old: str | None, new: str | None) -> str:
    if old is None:
        return f"added {name} {_short(new or '')}"
    if new is None:
        return f"removed {name} {_short(old)}"
    if _short(old) == _short(new):
        return f"{name} {_short(new)} re-resolved with other peer dependencies"
    return f"{name} {_short(old)} → {_short(new)}"


def _short(text: str) -> str:
    # Drop pnpm's peer suffixes for display: "next@15.1.0(react@19.0.0)" → "next@15.1.0".
    return text.split("(", 1)[0]
