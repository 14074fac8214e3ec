"""The pattern library: the built-in task-patterns.json with the repository's patterns and
orchestrator.toml's roles merged in, the role that owns a package, and the pattern a request
asks for."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import ValidationError

from ..errors import InputError, UsageError
from ..formats import jsonc
from ..formats.globs import glob_to_regex
from ..workspace import Package
from .models import Pattern, PatternChoice, PatternLibrary, Role, model_error

if TYPE_CHECKING:
    from ..config import Config

PATTERNS_FILE = "task-patterns.json"
REPO_PATTERNS = ".orchestrator/task-patterns.json"

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The lowercase words of ``text`` (a request), as patterns and task ids read them."""
    return _WORD.findall(text.lower())


def _parse_library(text: str, path: Path | str) -> PatternLibrary:
    raw = jsonc.loads(text, path)
    try:
        return PatternLibrary.model_validate(raw)
    except ValidationError as exc:
        error = model_error(exc, path, "task-patterns.json")
        err = exc.errors()[0]
        key, value = (err["loc"] or ("",))[-1], err.get("input")
        if isinstance(key, str) and isinstance(value, str):
            error.line, error.column = jsonc.key_position(text, key, value) or (None, None)
        raise error from None


def builtin_library() -> PatternLibrary:
    from importlib import resources

    text = resources.files("orchestrator_tool.planning").joinpath(PATTERNS_FILE).read_text("utf-8")
    return _parse_library(text, PATTERNS_FILE)


def load_library(root: Path, config: Config | None = None) -> PatternLibrary:
    """The built-in library, with the repository's patterns and roles merged in by id, and the
    roles of orchestrator.toml's `[plan.roles.*]` on top."""
    lib = builtin_library()
    configured = config.plan_patterns if config and config.plan_patterns else None
    override = root / (configured or REPO_PATTERNS)
    if configured and not override.is_file():
        raise InputError(
            f"[plan] patterns = {configured!r}: no such file",
            path=config.path if config is not None else None,
            hint=f"create {configured} or fix the path (relative to the monorepo root)",
        )
    if override.is_file():
        try:
            text = override.read_text("utf-8")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=override) from None
        mine = _parse_library(text, override)
        lib = PatternLibrary(
            version=lib.version,
            roles=_merge(lib.roles, mine.roles, fallback_last=True),
            patterns=_merge(lib.patterns, mine.patterns),
        )
    if config is not None and config.plan_roles:
        lib = PatternLibrary(
            version=lib.version,
            roles=_merge(lib.roles, _configured_roles(lib.roles, config), fallback_last=True),
            patterns=lib.patterns,
        )
    known = {r.id for r in lib.roles}
    for role in lib.roles:
        for other in (*role.after, *role.alongside):
            if other not in known:
                raise InputError(
                    f"role {role.id} names an unknown role {other!r}",
                    path=override if override.is_file() else PATTERNS_FILE,
                    hint="known roles: " + ", ".join(sorted(known)),
                )
    return lib


def _configured_roles(roles: Sequence[Role], config: Config) -> list[Role]:
    """orchestrator.toml's `[plan.roles.*]`, each over the library's role of that id (its
    `match` merged key by key), or a new role."""
    out = []
    for role_id, raw in config.plan_roles.items():
        base = next((r for r in roles if r.id == role_id), None)
        data: dict[str, object] = (
            base.model_dump(by_alias=True) if base is not None else {"id": role_id}
        )
        data.update({k: v for k, v in raw.items() if k != "match"})
        old_match, new_match = data.get("match"), raw.get("match")
        if isinstance(new_match, dict):
            data["match"] = {**(old_match if isinstance(old_match, dict) else {}), **new_match}
        try:
            out.append(Role.model_validate(data))
        except ValidationError as exc:
            raise model_error(exc, config.path, where=f"plan.roles.{role_id}") from None
    return out


_M = TypeVar("_M", Role, Pattern)


def _merge(base: list[_M], mine: list[_M], fallback_last: bool = False) -> list[_M]:
    """``base`` with the entries of ``mine`` replacing those of the same id in place; new ones
    are added at the end (roles: before the catch-all last role, which stays last)."""
    by_id: dict[str, _M] = {m.id: m for m in mine}
    out: list[_M] = [by_id.pop(b.id, b) for b in base]
    new: list[_M] = [m for m in mine if m.id in by_id]
    if fallback_last and out:
        return out[:-1] + new + out[-1:]
    return out + new


def _holds(root: Path, pkg: Package, patterns: Sequence[str]) -> bool:
    base = root / pkg.path
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            if any(base.glob(pattern)):
                return True
        elif (base / pattern).exists():
            return True
    return False


def declared(pkg: Package) -> set[str]:
    """The dependency names the package's package.json declares, of every kind."""
    return {name for deps in pkg.dependencies.values() for name in deps}


def stack_present(role: Role, pkgs: Iterable[Package]) -> bool:
    """Whether one of ``pkgs`` declares a dependency of the role's stack (any, with none)."""
    return not role.stack or any(set(role.stack) & declared(p) for p in pkgs)


def role_of(pkg: Package | None, roles: Sequence[Role], root: Path) -> Role:
    """The role that owns the package: first one whose `paths` name its folder (an app that
    also holds the Prisma schema is still the app), else the first whose names, files or
    dependencies match; a role with a `stack` only takes a package that declares one of its
    names (a Vite app in `apps/web` is no Next.js app). The last role catches the rest, and a
    path outside every package."""
    if pkg is None:
        return roles[-1]
    deps = declared(pkg)
    specific = [r for r in roles[:-1] if not r.stack or set(r.stack) & deps]
    for role in specific:
        if any(glob_to_regex(p, dot=True).match(pkg.path) for p in role.match.paths):
            return role
    for role in specific:
        m = role.match
        if (
            (
                pkg.name is not None
                and any(glob_to_regex(n, dot=True).match(pkg.name) for n in m.names)
            )
            or any(d in deps for d in m.depends_on)
            or (m.files and _holds(root, pkg, m.files))
        ):
            return role
    return roles[-1]


def choose_pattern(
    lib: PatternLibrary, request: str, changed: Sequence[str], wanted: str | None = None
) -> PatternChoice:
    """``wanted``, or the pattern whose keywords the request uses most (a changed file that a
    pattern's `paths` name counts double); ties go to the library's order."""
    ids = [p.id for p in lib.patterns]
    if wanted is not None:
        if wanted not in ids:
            raise UsageError(f"no pattern {wanted!r}", hint="patterns: " + ", ".join(ids))
        return PatternChoice(id=wanted, reason="chosen with --pattern")
    request_words = words(request)
    best: tuple[int, int, str, str] | None = None
    for order, p in enumerate(lib.patterns):
        keywords = {k.lower() for k in p.select.keywords}
        hits = sorted({w for w in request_words if w in keywords})
        rxs = [glob_to_regex(g, dot=True) for g in p.select.paths]
        files = sorted(f for f in changed if any(rx.match(f) for rx in rxs))
        score = len(hits) + 2 * bool(files)
        if score == 0:
            continue
        why = []
        if files:
            more = f" and {len(files) - 1} more" if len(files) > 1 else ""
            why.append(f"the change touches {files[0]}{more}")
        if hits:
            why.append("the request says " + ", ".join(f"“{h}”" for h in hits))
        if best is None or (score, -order) > (best[0], -best[1]):
            best = (score, order, p.id, "; ".join(why))
    if best is None:
        first = lib.patterns[0].id
        return PatternChoice(
            id=first, reason=f"no pattern's keywords match; {first} is the default"
        )
    return PatternChoice(id=best[2], reason=best[3])
