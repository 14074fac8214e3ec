"""Scoped task plans: the pattern library, plans built from a request and the package graph,
the `tasks/` workspace, and the scope guard.

A *pattern* (``task-patterns.json``) lists phases. A phase either assigns named roles
(``kind: roles`` — analysis, review, testing) or makes one task per package of the scope
(``kind: packages``), each package mapped to an agent role by path globs and package facts.
Phases run one after another; inside the package phases, a task waits for the tasks on the
packages its package depends on, and for the roles its role comes ``after`` (the database
before the API, the API before the UIs that call it). Waves are the longest-path layers of
that graph: tasks in one wave can run in parallel. The same repository and request give a
byte-identical plan.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from .. import jsonc, names
from ..errors import InputError, UsageError
from ..workspace import Package, Workspace

if TYPE_CHECKING:
    from ..config import Config
    from ..engine.validator import ValidatorSpec

PATTERNS_FILE = "task-patterns.json"
REPO_PATTERNS = ".orchestrator/task-patterns.json"
TASKS_DIR = "tasks"
TASK_ENV = "ORCHESTRATOR_TASK"
PLAN_ENV = "ORCHESTRATOR_PLAN"
FORMAT = 1

# Every id that becomes part of a path under tasks/ (plan ids, task ids and their parts) is
# checked by names.check_path_id, whether it comes from the command line, a committed
# task-patterns.json or orchestrator.toml, or a plan.json read back.
PathId = Annotated[
    str,
    AfterValidator(names.check_path_id),
    WithJsonSchema(
        {"type": "string", "pattern": names.PATH_ID_PATTERN, "maxLength": names.MAX_PATH_ID}
    ),
]
IdPart = Annotated[
    str,
    AfterValidator(lambda v: names.check_path_id(v, names.MAX_ID_PART)),
    WithJsonSchema(
        {"type": "string", "pattern": names.PATH_ID_PATTERN, "maxLength": names.MAX_ID_PART}
    ),
]


# --------------------------------------------------------------------------- pattern models


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RoleMatch(_Model):
    """Which packages a role owns. A package matches when any list matches (first role wins)."""

    paths: list[str] = Field(
        default_factory=list, description="Globs on the package folder (`apps/api`, `apps/*`)."
    )
    names: list[str] = Field(
        default_factory=list, description="Globs on the package name (`*/database`)."
    )
    files: list[str] = Field(
        default_factory=list,
        description="Globs of files the package holds, relative to its folder "
        "(`prisma/schema.prisma`).",
    )
    depends_on: list[str] = Field(
        default_factory=list,
        alias="dependsOn",
        description="Dependency names declared in its package.json (`@prisma/client`).",
    )


class Role(_Model):
    """An agent role: what it owns and what it waits for."""

    id: IdPart = Field(description="kebab-case role name.")
    description: str = ""
    match: RoleMatch = Field(default_factory=RoleMatch)
    task_suffix: IdPart | None = Field(
        default=None,
        alias="taskSuffix",
        description="Task id suffix for this role's tasks (default: the package's short name); "
        "kebab-case, as it becomes part of a file name.",
    )
    after: list[str] = Field(
        default_factory=list,
        description="Roles whose tasks in the same plan come first (the API after the database).",
    )
    alongside: list[str] = Field(
        default_factory=list,
        description="Roles this role works next to: its task shares their wave, and their "
        "tasks do not wait for it through the package graph (styling next to the UIs).",
    )


class Selection(_Model):
    """When a pattern is suggested."""

    keywords: list[str] = Field(default_factory=list, description="Words of the request.")
    paths: list[str] = Field(
        default_factory=list, description="Globs of changed files (with --affected)."
    )


class Phase(_Model):
    """A step of a pattern: the tasks it makes, what they produce and the gate that closes it."""

    id: IdPart
    name: str
    kind: Literal["roles", "packages"] = Field(
        description="`roles`: one task per role; `packages`: one task per package of the scope."
    )
    mode: Literal["sequential", "parallel"] = Field(
        default="sequential",
        description="For `roles` phases: one role after another, or all at once. Package "
        "phases always run in parallel, ordered by the package graph.",
    )
    roles: list[str] = Field(
        default_factory=list,
        description="`roles`: the roles, in order. `packages`: only packages of these roles "
        "(empty: any).",
    )
    packages: Literal["scope", "dependents"] = Field(
        default="scope",
        description="`packages` phases: the plan's packages not yet assigned (`scope`), or the "
        "workspace packages that depend on the previous package phase's packages (`dependents`).",
    )
    scope: Literal["plan", "tasks"] = Field(
        default="tasks",
        description="`roles` phases: work in the plan's paths (`plan`), or only in the plan's "
        "tasks/ folder (`tasks`: documents).",
    )
    description: str = Field(
        description="Task description; {request}, {package} and {role} are filled in."
    )
    artifacts: list[str] = Field(default_factory=list)
    gate: str = Field(default="", description="The quality gate that closes the phase, in words.")
    gates: list[str] = Field(
        default_factory=list, description="Package scripts the task must pass (typecheck, test)."
    )
    validators: bool = Field(default=False, description="Run the validators on the task's scope.")
    companions: bool = Field(
        default=False,
        description="`packages` phases: add the packages of `alongside` roles that the "
        "phase's packages depend on (the design system next to the UIs).",
    )


class Pattern(_Model):
    id: IdPart
    description: str = ""
    select: Selection = Field(default_factory=Selection)
    phases: list[Phase] = Field(min_length=1)


class PatternLibrary(_Model):
    """task-patterns.json: roles and patterns. A repository's
    `.orchestrator/task-patterns.json` is merged into the built-in one by id."""

    schema_: str | None = Field(default=None, alias="$schema")
    version: int = 1
    roles: list[Role] = Field(default_factory=list)
    patterns: list[Pattern] = Field(default_factory=list)


# --------------------------------------------------------------------------- plan models


class GateRef(_Model):
    package: str = Field(description="Package name (or path when it has none).")
    path: str
    task: str = Field(description="The package script.")
    command: str = Field(description="The command, for a human to run.")


class Done(_Model):
    at: str = Field(description="UTC time, ISO 8601.")
    commit: str | None = Field(default=None, description="HEAD when the task was marked done.")


class Task(_Model):
    task_id: PathId = Field(alias="taskId")
    agent: str
    description: str
    scope: list[str] = Field(description="Paths (folders, files or globs) the task may change.")
    dependencies: list[str]
    phase: str
    wave: int = Field(description="Tasks of one wave can run in parallel (1-based).")
    packages: list[str] = Field(default_factory=list)
    gates: list[GateRef] = Field(default_factory=list)
    validators: list[str] = Field(default_factory=list)
    artifacts: list[str] = Field(default_factory=list)
    done: Done | None = None


class PhaseInfo(_Model):
    id: str
    name: str
    gate: str
    tasks: list[str]


class PatternChoice(_Model):
    id: str
    reason: str


class PlanScope(_Model):
    source: str = Field(description="`--scope` or the change range of --affected.")
    paths: list[str]
    packages: list[str]


class Plan(_Model):
    format: int = FORMAT
    plan_id: PathId = Field(alias="planId")
    request: str
    pattern: PatternChoice
    scope: PlanScope
    phases: list[PhaseInfo]
    waves: list[list[str]]
    tasks: list[Task]

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.task_id == task_id), None)

    def dump(self) -> str:
        data = self.model_dump(by_alias=True, mode="json", exclude_none=True)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def schemas() -> dict[str, object]:
    """JSON Schemas of task-patterns.json and plan.json."""
    out: dict[str, object] = {}
    for title, model in (("task-patterns.json", PatternLibrary), ("plan.json", Plan)):
        schema: dict[str, object] = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = title
        out[title] = schema
    return out


# --------------------------------------------------------------------------- loading


def _parse_library(text: str, path: Path | str) -> PatternLibrary:
    raw = jsonc.loads(text, path)
    try:
        return PatternLibrary.model_validate(raw)
    except ValidationError as exc:
        error = _model_error(exc, path, "task-patterns.json")
        err = exc.errors()[0]
        key, value = (err["loc"] or ("",))[-1], err.get("input")
        if isinstance(key, str) and isinstance(value, str):
            error.line, error.column = jsonc.key_position(text, key, value) or (None, None)
        raise error from None


def _model_error(
    exc: ValidationError, path: Path | str | None, schema: str = "", where: str = ""
) -> InputError:
    """The first of pydantic's errors as ours: `loc: message` (or `where: message`), naming
    the file."""
    err = exc.errors()[0]
    loc = where or ".".join(str(p) for p in err["loc"])
    hint = f"`orchestrator plan schema` prints the JSON Schema of {schema}" if schema else None
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(f"{loc}: {msg}", path=path, hint=hint)


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
        extra = []
        for role_id, raw in config.plan_roles.items():
            base = next((r for r in lib.roles if r.id == role_id), None)
            data: dict[str, object] = (
                base.model_dump(by_alias=True) if base is not None else {"id": role_id}
            )
            data.update({k: v for k, v in raw.items() if k != "match"})
            old_match, new_match = data.get("match"), raw.get("match")
            if isinstance(new_match, dict):
                data["match"] = {**(old_match if isinstance(old_match, dict) else {}), **new_match}
            try:
                extra.append(Role.model_validate(data))
            except ValidationError as exc:
                raise _model_error(exc, config.path, where=f"plan.roles.{role_id}") from None
        lib = PatternLibrary(
            version=lib.version,
            roles=_merge(lib.roles, extra, fallback_last=True),
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


# --------------------------------------------------------------------------- roles


def _holds(root: Path, pkg: Package, patterns: Sequence[str]) -> bool:
    base = root / pkg.path
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            if any(base.glob(pattern)):
                return True
        elif (base / pattern).exists():
            return True
    return False


def role_of(pkg: Package | None, roles: Sequence[Role], root: Path) -> Role:
    """The role that owns the package: first one whose `paths` name its folder (an app that
    also holds the Prisma schema is still the app), else the first whose names, files or
    dependencies match; the last role catches the rest, and a path outside every package."""
    if pkg is None:
        return roles[-1]
    specific = roles[:-1]
    for role in specific:
        if any(fnmatch.fnmatchcase(pkg.path, p) for p in role.match.paths):
            return role
    declared = {name for deps in pkg.dependencies.values() for name in deps}
    for role in specific:
        m = role.match
        if (
            (pkg.name is not None and any(fnmatch.fnmatchcase(pkg.name, n) for n in m.names))
            or any(d in declared for d in m.depends_on)
            or (m.files and _holds(root, pkg, m.files))
        ):
            return role
    return roles[-1]


# --------------------------------------------------------------------------- scope


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


# --------------------------------------------------------------------------- pattern choice

_WORD = re.compile(r"[a-z0-9]+")


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
    words = _WORD.findall(request.lower())
    best: tuple[int, int, str, str] | None = None
    for order, p in enumerate(lib.patterns):
        keywords = {k.lower() for k in p.select.keywords}
        hits = sorted({w for w in words if w in keywords})
        files = sorted(f for f in changed if any(fnmatch.fnmatchcase(f, g) for g in p.select.paths))
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


# --------------------------------------------------------------------------- building


def slug(text: str, limit: int = 48) -> str:
    words = _WORD.findall(text.lower())
    out = ""
    for w in words:
        nxt = f"{out}-{w}" if out else w
        if len(nxt) > limit:
            break
        out = nxt
    return out or "plan"


_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "the",
        "to",
        "of",
        "for",
        "in",
        "on",
        "with",
        "add",
        "adds",
        "adding",
        "implement",
        "implements",
        "create",
        "build",
        "complete",
        "full",
        "new",
        "fix",
        "fixes",
        "make",
        "support",
        "introduce",
        "improve",
        "update",
        "system",
        "feature",
        "features",
        "across",
        "all",
        "our",
    }
)
_SHORT = {
    "authentication": "auth",
    "authorization": "authz",
    "database": "db",
    "configuration": "config",
    "notifications": "notify",
    "notification": "notify",
    "performance": "perf",
    "internationalization": "i18n",
    "localization": "l10n",
}


def task_prefix(request: str) -> str:
    """The short name task ids start with: the first word of the request that says what it is
    about (`Add complete authentication system` → `auth`)."""
    for w in _WORD.findall(request.lower()):
        if w not in _STOP and not w.isdigit():
            return str(_SHORT.get(w, w[:12]))
    return "task"


def _short_name(unit: Unit) -> str:
    name = unit.package.name if unit.package and unit.package.name else unit.path
    return slug(name.rsplit("/", 1)[-1]) or "root"


def _package_command(ws: Workspace, pkg: Package, script: str) -> str:
    pm = ws.package_manager.name
    target = pkg.name or f"./{pkg.path}"
    if pm == "npm":
        return f"npm run {script} --workspace={pkg.path}"
    if pm == "yarn":
        return f"yarn workspace {target} run {script}"
    if pm == "bun":
        return f"bun run --cwd {pkg.path} {script}"
    return f"pnpm --filter {target} {script}"


def _gates(ws: Workspace, pkgs: Iterable[Package], scripts: Sequence[str]) -> list[GateRef]:
    out: list[GateRef] = []
    for script in scripts:
        for pkg in pkgs:
            if script in pkg.scripts:
                out.append(
                    GateRef(
                        package=pkg.label,
                        path=pkg.path,
                        task=script,
                        command=_package_command(ws, pkg, script),
                    )
                )
    return out


def _validators_for(
    paths: Sequence[str], files: Sequence[str], specs: Sequence[ValidatorSpec]
) -> list[str]:
    """The codes of the validators (of ``specs``) that apply to some file under ``paths``."""
    from ..engine.source import language_of

    inside = [f for f in files if in_scope(f, paths)]
    out: list[str] = []
    for spec in specs:
        if spec.scope == "workspace":
            out.append(spec.code)
            continue
        for f in inside:
            lang = language_of(f)
            if lang in spec.languages and (spec.paths is None or spec.paths.search(f)):
                out.append(spec.code)
                break
    return out


@dataclass
class _Draft:
    task_id: str
    agent: str
    description: str
    scope: list[str]
    phase: str
    role: Role | None
    units: list[Unit]
    deps: set[str]
    gates: list[GateRef]
    validators: list[str]
    artifacts: list[str]
    plan_wide: Phase | None = None  # scope, gates and validators: every package of the plan


def build_plan(
    ws: Workspace,
    request: str,
    units: Sequence[Unit],
    *,
    library: PatternLibrary,
    choice: PatternChoice,
    source: str,
    plan_id: str | None = None,
    validators: Sequence[ValidatorSpec] = (),
) -> Plan:
    """The plan for ``request`` over ``units`` with the chosen pattern; tasks list the
    ``validators`` (the run's enabled ones) that apply to their files."""
    pattern = next(p for p in library.patterns if p.id == choice.id)
    roles = library.roles
    pid = plan_id or slug(request)
    tasks_folder = f"{TASKS_DIR}/{pid}"
    prefix = task_prefix(request)
    files = _files(ws)
    plan_paths = sorted(u.path for u in units)
    unit_roles = {u.path: role_of(u.package, roles, ws.root) for u in units}

    drafts: list[_Draft] = []
    used_ids: set[str] = set()
    assigned: set[str] = set()  # unit paths given a task by a package phase
    previous: list[_Draft] = []  # the last phase's tasks
    last_package_units: list[Unit] = []

    def new_id(base: str) -> str:
        tid, n = base, 2
        while tid in used_ids:
            tid, n = f"{base}-{n}", n + 1
        used_ids.add(tid)
        return tid

    for phase in pattern.phases:
        made: list[_Draft] = []
        if phase.kind == "roles":
            chain: _Draft | None = None
            for role_id in phase.roles:
                suffix = phase.id if len(phase.roles) == 1 else f"{phase.id}-{slug(role_id)}"
                d = _Draft(
                    task_id=new_id(f"{prefix}-{suffix}"),
                    agent=role_id,
                    description=phase.description.format(
                        request=request, package=", ".join(plan_paths), role=role_id
                    ),
                    scope=[tasks_folder],
                    phase=phase.id,
                    role=None,
                    units=[],
                    deps={p.task_id for p in previous},
                    gates=[],
                    validators=[],
                    artifacts=list(phase.artifacts),
                    plan_wide=phase if phase.scope == "plan" else None,
                )
                if phase.mode == "sequential" and chain is not None:
                    d.deps = {chain.task_id}
                chain = d
                made.append(d)
        else:
            if phase.packages == "dependents":
                pool = _dependents(ws, last_package_units, assigned)
                pool_roles = {u.path: role_of(u.package, roles, ws.root) for u in pool}
            else:
                pool = [u for u in units if u.path not in assigned]
                pool_roles = dict(unit_roles)
            chosen = [u for u in pool if not phase.roles or pool_roles[u.path].id in phase.roles]
            if phase.companions:
                chosen += _companions(ws, chosen, pool_roles, assigned, roles)
            by_role: dict[str, int] = {}
            for u in chosen:
                by_role[pool_roles[u.path].id] = by_role.get(pool_roles[u.path].id, 0) + 1
            for u in chosen:
                role = pool_roles[u.path]
                suffix = role.task_suffix if role.task_suffix else _short_name(u)
                if by_role[role.id] > 1 and role.task_suffix:
                    suffix = f"{suffix}-{_short_name(u)}"
                d = _Draft(
                    task_id=new_id(f"{prefix}-{suffix}"),
                    agent=role.id,
                    description=phase.description.format(
                        request=request, package=u.key, role=role.id
                    ),
                    scope=[u.path],
                    phase=phase.id,
                    role=role,
                    units=[u],
                    deps={p.task_id for p in previous},
                    gates=_gates(ws, [u.package] if u.package else [], phase.gates),
                    validators=_validators_for([u.path], files, validators)
                    if phase.validators
                    else [],
                    artifacts=list(phase.artifacts),
                )
                made.append(d)
                assigned.add(u.path)
            _order_within(ws, made)
            last_package_units = [u for d in made for u in d.units]
        drafts.extend(made)
        if made:
            previous = made

    # plan-wide tasks (validation, testing) cover every package the plan works in
    work: dict[str, Unit] = {u.path: u for u in units}
    for d in drafts:
        work.update({u.path: u for u in d.units})
    work_paths = sorted(work)
    work_pkgs = [work[p].package for p in work_paths if work[p].package is not None]
    for d in drafts:
        if d.plan_wide is not None:
            d.scope = work_paths
            d.gates = _gates(ws, [p for p in work_pkgs if p is not None], d.plan_wide.gates)
            if d.plan_wide.validators:
                d.validators = _validators_for(work_paths, files, validators)
    _reduce(drafts)
    waves = _waves(drafts)
    position = {d.task_id: i for i, d in enumerate(drafts)}
    tasks = [
        Task(
            taskId=d.task_id,
            agent=d.agent,
            description=d.description,
            scope=d.scope,
            dependencies=sorted(d.deps, key=position.__getitem__),
            phase=d.phase,
            wave=waves[d.task_id],
            packages=sorted(u.package.label for u in d.units if u.package is not None),
            gates=d.gates,
            validators=d.validators,
            artifacts=d.artifacts,
        )
        for d in drafts
    ]
    tasks.sort(key=lambda t: (t.wave, position[t.task_id]))
    n_waves = max((t.wave for t in tasks), default=0)
    return Plan(
        planId=pid,
        request=request,
        pattern=choice,
        scope=PlanScope(
            source=source,
            paths=plan_paths,
            packages=sorted(u.package.label for u in units if u.package is not None),
        ),
        phases=[
            PhaseInfo(
                id=ph.id,
                name=ph.name,
                gate=ph.gate,
                tasks=[t.task_id for t in tasks if t.phase == ph.id],
            )
            for ph in pattern.phases
            if any(t.phase == ph.id for t in tasks)
        ],
        waves=[[t.task_id for t in tasks if t.wave == w] for w in range(1, n_waves + 1)],
        tasks=tasks,
    )


def _files(ws: Workspace) -> list[str]:
    from ..engine.files import workspace_files

    return workspace_files(ws.root, supported_only=True)


def _depends(ws: Workspace, a: Package, b: Package) -> bool:
    """Whether package ``a`` depends on ``b``, directly or transitively."""
    if a.name is None or b.name is None:
        return False
    return a.name in ws.dependents([b.name])


def _order_within(ws: Workspace, made: list[_Draft]) -> None:
    """Dependencies inside a package phase: the package graph (unless the dependency's role
    works alongside the dependent's), then the roles' `after` lists."""
    for d in made:
        for other in made:
            if other is d or d.role is None or other.role is None:
                continue
            alongside = d.role.id in other.role.alongside
            graph = any(
                u.package is not None
                and v.package is not None
                and _depends(ws, u.package, v.package)
                for u in d.units
                for v in other.units
            )
            if (graph and not alongside) or other.role.id in d.role.after:
                d.deps.add(other.task_id)
    # a cycle among them (mutual `after`, or a package cycle) is broken by dropping the edges
    # of the cycle's later tasks, in order
    order = [d.task_id for d in made]
    by_id = {d.task_id: d for d in made}
    for d in made:
        for dep in sorted(d.deps):
            if (
                dep in by_id
                and _reaches(by_id, dep, d.task_id)
                and order.index(dep) > order.index(d.task_id)
            ):
                d.deps.discard(dep)


def _reduce(drafts: Sequence[_Draft]) -> None:
    """Keep only direct dependencies: drop one that another dependency already waits for."""
    by_id = {d.task_id: d for d in drafts}
    for d in drafts:
        d.deps = {
            dep
            for dep in d.deps
            if not any(_reaches(by_id, other, dep) for other in d.deps if other != dep)
        }


def _reaches(by_id: Mapping[str, _Draft], start: str, goal: str) -> bool:
    stack, seen = [start], set()
    while stack:
        t = stack.pop()
        if t == goal:
            return True
        if t in seen or t not in by_id:
            continue
        seen.add(t)
        stack.extend(by_id[t].deps)
    return False


def _companions(
    ws: Workspace,
    chosen: Sequence[Unit],
    pool_roles: dict[str, Role],
    assigned: set[str],
    roles: Sequence[Role],
) -> list[Unit]:
    """Packages of an `alongside` role that the chosen packages depend on, added to the phase
    (the design system next to the UIs that use it)."""
    have = {u.path for u in chosen}
    chosen_roles = {pool_roles[u.path].id for u in chosen}
    out: list[Unit] = []
    companion_roles = [r for r in roles if r.alongside and set(r.alongside) & chosen_roles]
    if not companion_roles:
        return out
    for pkg in ws.packages:
        if pkg.path in have or pkg.path in assigned:
            continue
        role = role_of(pkg, roles, ws.root)
        if role not in companion_roles:
            continue
        users = [
            u
            for u in chosen
            if u.package is not None
            and pool_roles[u.path].id in role.alongside
            and _depends(ws, u.package, pkg)
        ]
        if users:
            unit = Unit(pkg.path, pkg)
            pool_roles[pkg.path] = role
            out.append(unit)
            have.add(pkg.path)
    return out


def _dependents(ws: Workspace, units: Sequence[Unit], assigned: set[str]) -> list[Unit]:
    names = [u.package.name for u in units if u.package is not None and u.package.name]
    chains = ws.dependents(names)
    out = []
    for name in sorted(chains):
        pkg = ws.by_name.get(name)
        if pkg is not None and pkg.path not in assigned and len(chains[name]) == 1:
            out.append(Unit(pkg.path, pkg))  # direct dependents only
    return out


def _waves(drafts: Sequence[_Draft]) -> dict[str, int]:
    """Longest-path layer of each task (1-based); a task of an `alongside` role moves to the
    wave of the first task of the roles it works next to, when that is later."""
    wave: dict[str, int] = {}
    by_id = {d.task_id: d for d in drafts}

    def depth(tid: str, trail: frozenset[str] = frozenset()) -> int:
        if tid in wave:
            return wave[tid]
        d = by_id[tid]
        deps = [x for x in d.deps if x in by_id and x not in trail]
        w = 1 + max((depth(x, trail | {tid}) for x in deps), default=0)
        wave[tid] = w
        return w

    for d in drafts:
        depth(d.task_id)
    for d in drafts:
        if d.role is None or not d.role.alongside:
            continue
        mates = [
            wave[o.task_id]
            for o in drafts
            if o.phase == d.phase and o.role is not None and o.role.id in d.role.alongside
        ]
        if mates and min(mates) > wave[d.task_id]:
            wave[d.task_id] = min(mates)
            # what waited for it in this phase moves along
            for o in drafts:
                if d.task_id in o.deps and wave[o.task_id] <= wave[d.task_id]:
                    wave[o.task_id] = wave[d.task_id] + 1
    # later phases start after the last wave of the earlier ones
    changed = True
    while changed:
        changed = False
        for d in drafts:
            need = 1 + max((wave[x] for x in d.deps if x in wave), default=0)
            if wave[d.task_id] < need:
                wave[d.task_id] = need
                changed = True
    return wave


# --------------------------------------------------------------------------- scope guard


def in_scope(path: str, scope: Sequence[str]) -> bool:
    """Whether ``path`` lies in one of ``scope``'s entries: a folder (everything under it), a
    file, or a glob, whose `*` also crosses folders (`apps/api/app/api/auth/*`,
    `**/*.prisma`)."""
    for entry in scope:
        e = entry.strip().rstrip("/")
        if e in ("", "."):
            return True
        if any(ch in e for ch in "*?["):
            if fnmatch.fnmatchcase(path, e):
                return True
        elif path == e or path.startswith(e + "/"):
            return True
    return False


# --------------------------------------------------------------------------- tasks/ workspace


def path_id(value: str, what: str) -> str:
    """``value`` when it may name a file or folder under tasks/ (a UsageError when not)."""
    problem = names.path_id_problem(value)
    if problem is not None:
        raise UsageError(f"{what} {value[:80]!r} {problem}", hint=names.PATH_ID_HINT)
    return value


def plan_dir(root: Path, plan_id: str) -> Path:
    return root / TASKS_DIR / path_id(plan_id, "plan id")


def write_plan(root: Path, plan: Plan, markdown: str, force: bool = False) -> list[Path]:
    """Create `tasks/<plan-id>/`: plan.json, plan.md, context.md, one brief per task and the
    synthesis template. An existing plan is kept unless ``force``."""
    folder = plan_dir(root, plan.plan_id)
    if (folder / "plan.json").exists() and not force:
        raise UsageError(
            f"{TASKS_DIR}/{plan.plan_id}/plan.json exists",
            hint="pass --force to overwrite it, or --id NAME for a new plan",
        )
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {
        "plan.json": plan.dump(),
        "plan.md": markdown,
        "context.md": context_document(plan),
        "synthesis.md": synthesis_template(plan),
    }
    for task in plan.tasks:
        files[f"{path_id(task.task_id, 'task id')}.md"] = task_brief(plan, task)
    written = []
    for name in sorted(files):
        path = folder / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(files[name], encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written


def context_document(plan: Plan) -> str:
    lines = [
        f"# Context: {plan.request}",
        "",
        f"Plan `{plan.plan_id}`, pattern `{plan.pattern.id}` ({plan.pattern.reason}).",
        "Every agent reads this first and records decisions, progress and blockers here.",
        "",
        "## Goal",
        "",
        plan.request,
        "",
        "## Scope",
        "",
        *[f"- `{p}`" for p in plan.scope.paths],
        "",
        "## Assumptions",
        "",
        "- ",
        "",
        "## Decisions",
        "",
        "- ",
        "",
        "## Progress and blockers",
        "",
        "| task | agent | wave | status | blockers |",
        "| --- | --- | --- | --- | --- |",
        *[f"| {t.task_id} | {t.agent} | {t.wave} | waiting | |" for t in plan.tasks],
        "",
    ]
    return "\n".join(lines)


def task_brief(plan: Plan, task: Task) -> str:
    lines = [
        f"# {task.task_id}",
        "",
        f"**Agent:** {task.agent}  ",
        f"**Phase:** {task.phase}, wave {task.wave}  ",
        f"**Plan:** {plan.plan_id} — {plan.request}",
        "",
        task.description,
        "",
        "## Scope",
        "",
        "Change only these paths (and this plan's folder); "
        f"`orchestrator plan check {task.task_id}` checks it.",
        "",
        *[f"- `{p}`" for p in task.scope],
        "",
        "## Dependencies",
        "",
        *([f"- {d}" for d in task.dependencies] or ["- none: this task can start now"]),
        "",
        "## Gates",
        "",
        *([f"- `{g.command}`" for g in task.gates] or ["- none"]),
        "",
        "## Validators",
        "",
        "- " + (", ".join(task.validators) if task.validators else "none"),
        "",
        "## Artifacts to produce",
        "",
        *[f"- {a}" for a in task.artifacts],
        "",
        "## Notes",
        "",
        "",
        f"Done when `orchestrator plan done {task.task_id}` passes.",
        "",
    ]
    return "\n".join(lines)


def synthesis_template(plan: Plan) -> str:
    lines = [
        f"# Synthesis: {plan.request}",
        "",
        "## Outcome",
        "",
        "",
        "## Tasks",
        "",
        "| task | agent | result |",
        "| --- | --- | --- |",
        *[f"| {t.task_id} | {t.agent} | |" for t in plan.tasks],
        "",
        "## Risks and open items",
        "",
        "",
        "## Metrics (tests, coverage, performance)",
        "",
        "",
        "## Follow-up work",
        "",
        "",
    ]
    return "\n".join(lines)


def markdown(plan: Plan) -> str:
    """The plan as Markdown: a Mermaid diagram of the waves, then the tasks."""
    out = [
        f"# Plan: {plan.request}",
        "",
        f"- plan id: `{plan.plan_id}`",
        f"- pattern: `{plan.pattern.id}` — {plan.pattern.reason}",
        f"- scope ({plan.scope.source}): " + ", ".join(f"`{p}`" for p in plan.scope.paths),
        "",
        "```mermaid",
        "flowchart LR",
    ]
    node = {t.task_id: f"t{i}" for i, t in enumerate(plan.tasks)}
    for w, ids in enumerate(plan.waves, 1):
        out.append(f'  subgraph w{w}["wave {w}"]')
        for tid in ids:
            task = plan.task(tid)
            assert task is not None
            out.append(f'    {node[tid]}["{tid}<br/>{task.agent}"]')
        out.append("  end")
    for t in plan.tasks:
        for dep in t.dependencies:
            out.append(f"  {node[dep]} --> {node[t.task_id]}")
    out += ["```", "", "| wave | task | agent | scope | depends on | gates |", "| --- " * 6 + "|"]
    for t in plan.tasks:
        scope = ", ".join(f"`{s}`" for s in t.scope)
        gates = ", ".join(f"`{g.command}`" for g in t.gates) or "—"
        deps = ", ".join(t.dependencies) or "—"
        out.append(f"| {t.wave} | {t.task_id} | {t.agent} | {scope} | {deps} | {gates} |")
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- finding plans


def load_plan(path: Path) -> Plan:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        return Plan.model_validate(jsonc.loads(text, path))
    except ValidationError as exc:
        raise _model_error(exc, path, "plan.json") from None


def plans(root: Path) -> list[Path]:
    return sorted((root / TASKS_DIR).glob("*/plan.json"))


def find_plan(root: Path, plan: str | None = None, task: str | None = None) -> Path:
    """The plan.json a command means: named (id or path), the one holding ``task``, or the
    only plan there is."""
    if plan:
        by_id = [plan_dir(root, plan)] if names.path_id_problem(plan) is None else []
        for given in (Path(plan), root / plan, *by_id):
            candidate = given / "plan.json" if given.is_dir() else given
            if candidate.is_file():
                return candidate
        raise UsageError(
            f"no plan {plan!r}",
            hint=f"plans live in {TASKS_DIR}/<plan-id>/plan.json; "
            + (", ".join(p.parent.name for p in plans(root)) or "there are none yet"),
        )
    found = plans(root)
    if task is not None:
        holding = [p for p in found if load_plan(p).task(task) is not None]
        if len(holding) == 1:
            return holding[0]
        if len(holding) > 1:
            raise UsageError(
                f"task {task!r} is in several plans: " + ", ".join(p.parent.name for p in holding),
                hint="name one with --plan",
            )
        raise UsageError(
            f"no plan has a task {task!r}",
            hint="`orchestrator plan status` lists the tasks",
        )
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(
            f"no plan under {TASKS_DIR}/",
            hint='create one with `orchestrator plan "REQUEST" --scope ... --write`',
        )
    raise UsageError("several plans: " + ", ".join(p.parent.name for p in found), hint="name one")


def status(plan: Plan) -> dict[str, str]:
    """done | ready (every dependency done) | waiting, per task."""
    done = {t.task_id for t in plan.tasks if t.done is not None}
    return {
        t.task_id: "done"
        if t.task_id in done
        else ("ready" if set(t.dependencies) <= done else "waiting")
        for t in plan.tasks
    }


def outside_scope(plan: Plan, task: Task, paths: Iterable[str]) -> list[str]:
    """The changed paths outside the task's scope (the plan's own folder is always allowed)."""
    allowed = [*task.scope, f"{TASKS_DIR}/{plan.plan_id}"]
    return sorted({p for p in paths if not in_scope(p, allowed)})
