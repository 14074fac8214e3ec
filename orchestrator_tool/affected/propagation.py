"""Changed files → owning packages → dependents, each affected package with its reasons."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..changes.models import ChangeSet
from ..formats.globs import glob_to_regex
from ..formats.words import count
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
    sorted_paths = _sort_paths(ws, changes)
    files_by_pkg = sorted_paths.files_by_pkg
    direct: dict[str, list[Reason]] = {
        pkg_path: [
            Reason(
                "changed-files",
                f"{count(len(files), 'changed file')} in {pkg_path}",
                files=tuple(files),
            )
        ]
        for pkg_path, files in files_by_pkg.items()
    }
    notes: list[str] = list(changes.notes)
    if ws.workspace_source is not None and ROOT_MANIFEST in sorted_paths.unowned:
        notes.append(
            "the root package.json changed: its scripts and fields belong to the root alone; "
            "its dependency changes reach packages through the lockfile"
        )
    global_reasons = _root_file_reasons(sorted_paths)
    global_reasons.extend(_root_dependency_reasons(ws, files_by_pkg))
    if sorted_paths.lockfile_changed and ws.lockfile is not None:
        global_reasons.extend(_lockfile_reasons(ws, lockfile_versions, direct, notes))
    if everything_because is not None:
        global_reasons.append(everything_because)

    reasons: dict[str, list[Reason]] = {p: list(r) for p, r in direct.items()}
    if dependents:
        _add_dependent_reasons(ws, direct, reasons)
    if global_reasons:
        for pkg in ws.packages:
            reasons.setdefault(pkg.path, []).extend(global_reasons)

    packages = tuple(
        AffectedPackage(pkg.name, pkg.path, tuple(reasons[pkg.path]))
        for pkg in ws.packages
        if pkg.path in reasons
    )
    return Affected(changes, packages, tuple(sorted_paths.unowned), tuple(notes))


@dataclass
class _SortedPaths:
    """The changed paths by what they touch."""

    files_by_pkg: dict[str, list[str]] = field(default_factory=dict)  # package path -> files
    global_hits: dict[str, list[str]] = field(default_factory=dict)  # globalDependencies glob
    unowned: list[str] = field(default_factory=list)
    turbo_changed: list[str] = field(default_factory=list)
    lockfile_changed: bool = False


def _sort_paths(ws: Workspace, changes: ChangeSet) -> _SortedPaths:
    out = _SortedPaths()
    global_patterns = ws.turbo.global_dependencies if ws.turbo else ()
    negated = [_global_regex(p[1:]) for p in global_patterns if p.startswith("!")]
    positive = [(p, _global_regex(p)) for p in global_patterns if not p.startswith("!")]
    for path in dict.fromkeys(changes.paths()):
        if path == ws.lockfile:
            out.lockfile_changed = True
            continue
        if path in TURBO_FILES:
            out.turbo_changed.append(path)
            continue
        # A submodule whose folder is a package changes as one path, the folder itself.
        owner = ws.by_path.get(path) or ws.owner_of(path)
        if owner is not None:
            out.files_by_pkg.setdefault(owner.path, []).append(path)
            continue
        # Outside every package. globalDependencies only count here, as in turbo: a match
        # inside a package is that package's own file.
        pattern = None
        if positive and not any(n.match(path) for n in negated):
            pattern = next((p for p, rx in positive if rx.match(path)), None)
        if pattern is None:
            out.unowned.append(path)
        else:
            out.global_hits.setdefault(pattern, []).append(path)
    return out


def _root_file_reasons(sorted_paths: _SortedPaths) -> list[Reason]:
    """turbo.json and globalDependencies changes: every package's task inputs changed."""
    out = [
        Reason("turbo-json", f"{path} changed (task configuration of every package)", files=(path,))
        for path in sorted_paths.turbo_changed
    ]
    for pattern, files in sorted_paths.global_hits.items():
        out.append(
            Reason(
                "global-dependency",
                f"turbo globalDependencies {pattern!r} matched {', '.join(files)}",
                files=tuple(files),
            )
        )
    return out


def _root_dependency_reasons(ws: Workspace, files_by_pkg: dict[str, list[str]]) -> list[Reason]:
    """A changed package the root package.json depends on reaches every package."""
    out: list[Reason] = []
    for pkg_path, files in files_by_pkg.items():
        name = ws.by_path[pkg_path].name
        if name in ws.root_dependencies:
            out.append(
                Reason(
                    "root-dependency",
                    f"the root package.json depends on {name}, which changed "
                    "(root dependencies are shared by every package)",
                    files=tuple(files),
                    via=name,
                )
            )
    return out


def _lockfile_reasons(
    ws: Workspace,
    versions: LockfileReader | None,
    direct: dict[str, list[Reason]],
    notes: list[str],
) -> list[Reason]:
    """The lockfile's change: its per-package reasons go to ``direct``, a note to ``notes``;
    returns the reasons that reach every package."""
    assert ws.lockfile is not None
    lock_global, lock_direct, lock_note = _attribute_lockfile(ws, versions)
    if lock_note:
        notes.append(lock_note)
    out = [lock_global] if lock_global is not None else []
    for pkg_path, reason in lock_direct.items():
        direct.setdefault(pkg_path, []).append(reason)
        name = ws.by_path[pkg_path].name
        if name in ws.root_dependencies and lock_global is None:
            out.append(
                Reason(
                    "root-dependency",
                    f"the root package.json depends on {name}, whose resolved dependencies "
                    "changed (root dependencies are shared by every package)",
                    files=(ws.lockfile,),
                    via=name,
                )
            )
    return out


def _add_dependent_reasons(
    ws: Workspace, direct: dict[str, list[Reason]], reasons: dict[str, list[Reason]]
) -> None:
    """The packages that depend on a directly affected one, each with its chain."""
    changed_names = [nm for p in direct if (nm := ws.by_path[p].name)]
    for name, chain in ws.dependents(changed_names).items():
        pkg = ws.by_name[name]
        first = chain[0].target
        via = chain[-1].target
        names = (first, *(e.source for e in chain))
        message = f"depends on {via} ({chain[-1].kind})"
        if len(chain) > 1:
            message += f"; chain: {' → '.join(names)}"
        reasons.setdefault(pkg.path, []).append(Reason("dependency", message, via=via, chain=names))


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
