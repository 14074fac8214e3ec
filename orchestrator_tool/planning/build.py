"""Plans built from a request and the package graph.

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

from collections.abc import Iterable, Sequence
from typing import Protocol

from ..workspace import Package, Workspace
from .graph import Draft, depends, order_within, reduce, waves
from .library import role_of, stack_present, words
from .models import (
    TASKS_DIR,
    GateRef,
    PatternChoice,
    PatternLibrary,
    Phase,
    PhaseInfo,
    Plan,
    PlanScope,
    Role,
    Task,
)
from .scope import Unit, in_scope


class RunValidators(Protocol):
    """The run's enabled validators, as a plan asks about them: the api builds it from the
    engine (engine.applicable), which knows the rules and the languages."""

    def files(self) -> Sequence[str]:
        """The workspace's files a validator could read."""
        ...

    def codes_for(self, files: Sequence[str]) -> list[str]:
        """The codes of the validators that apply to some of ``files``."""
        ...


def slug(text: str, limit: int = 48) -> str:
    out = ""
    for w in words(text):
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
    for w in words(request):
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


def gate_refs(ws: Workspace, pkgs: Iterable[Package], scripts: Sequence[str]) -> list[GateRef]:
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


def validators_for(paths: Sequence[str], validators: RunValidators | None) -> list[str]:
    """The codes of the ``validators`` that apply to some file under ``paths``."""
    if validators is None:
        return []
    return validators.codes_for([f for f in validators.files() if in_scope(f, paths)])


def build_plan(
    ws: Workspace,
    request: str,
    units: Sequence[Unit],
    *,
    library: PatternLibrary,
    choice: PatternChoice,
    source: str,
    plan_id: str | None = None,
    validators: RunValidators | None = None,
) -> Plan:
    """The plan for ``request`` over ``units`` with the chosen pattern; tasks list the
    ``validators`` (the run's enabled ones) that apply to their files."""
    pattern = next(p for p in library.patterns if p.id == choice.id)
    pid = plan_id or slug(request)
    builder = _PhaseBuilder(ws, request, units, library.roles, pid, validators)
    drafts: list[Draft] = []
    for phase in pattern.phases:
        drafts.extend(builder.phase(phase))
    builder.cover_plan_wide(drafts)
    reduce(drafts)
    tasks = _tasks(drafts)
    n_waves = max((t.wave for t in tasks), default=0)
    return Plan(
        planId=pid,
        request=request,
        pattern=choice,
        scope=PlanScope(
            source=source,
            paths=builder.plan_paths,
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
        assumptions=builder.assumptions,
    )


class _PhaseBuilder:
    """The drafts of one plan, phase by phase: what earlier phases made (their tasks, the
    packages they assigned, the ids taken) decides what the next one makes and waits for."""

    def __init__(
        self,
        ws: Workspace,
        request: str,
        units: Sequence[Unit],
        roles: Sequence[Role],
        plan_id: str,
        validators: RunValidators | None,
    ) -> None:
        self.ws = ws
        self.request = request
        self.units = units
        self.roles = roles
        self.validators = validators
        self.tasks_folder = f"{TASKS_DIR}/{plan_id}"
        self.prefix = task_prefix(request)
        self.plan_paths = sorted(u.path for u in units)
        self.unit_roles = {u.path: role_of(u.package, roles, ws.root) for u in units}
        self.used_ids: set[str] = set()
        self.assigned: set[str] = set()  # unit paths given a task by a package phase
        self.previous: list[Draft] = []  # the last phase's tasks
        self.last_package_units: list[Unit] = []
        self.work: dict[str, Unit] = {u.path: u for u in units}  # and what phases add
        self.assumptions: list[str] = []

    def new_id(self, base: str) -> str:
        tid, n = base, 2
        while tid in self.used_ids:
            tid, n = f"{base}-{n}", n + 1
        self.used_ids.add(tid)
        return tid

    def phase(self, phase: Phase) -> list[Draft]:
        made = self.roles_phase(phase) if phase.kind == "roles" else self.packages_phase(phase)
        if made:
            self.previous = made
        return made

    def roles_phase(self, phase: Phase) -> list[Draft]:
        """One task per role of the phase, in the plan's tasks/ folder (or, for a plan-wide
        phase, over every package of the plan once it is known)."""
        made: list[Draft] = []
        chain: Draft | None = None
        role_ids = self._present(phase)
        for role_id in role_ids:
            suffix = phase.id if len(role_ids) == 1 else f"{phase.id}-{slug(role_id)}"
            d = Draft(
                task_id=self.new_id(f"{self.prefix}-{suffix}"),
                agent=role_id,
                description=phase.description.format(
                    request=self.request, package=", ".join(self.plan_paths), role=role_id
                ),
                scope=[self.tasks_folder],
                phase=phase.id,
                role=None,
                units=[],
                deps={p.task_id for p in self.previous},
                gates=[],
                validators=[],
                artifacts=list(phase.artifacts),
                plan_wide=phase if phase.scope == "plan" else None,
            )
            if phase.mode == "sequential" and chain is not None:
                d.deps = {chain.task_id}
            chain = d
            made.append(d)
        return made

    def _present(self, phase: Phase) -> list[str]:
        """The roles of a roles phase whose stack the plan's packages hold (with `first`, the
        first of them); a role left out is said in the plan's assumptions."""
        known = {r.id: r for r in self.roles}
        pkgs = [u.package for u in self.work.values() if u.package is not None]
        out: list[str] = []
        for role_id in phase.roles:
            role = known.get(role_id)
            if role is not None and not stack_present(role, pkgs):
                self.assumptions.append(
                    f"no {role_id} in the {phase.id} phase: no package of the plan declares "
                    + " or ".join(role.stack)
                )
            elif not (phase.mode == "first" and out):
                out.append(role_id)
        return out

    def packages_phase(self, phase: Phase) -> list[Draft]:
        """One task per package of the phase's pool (and its companions), ordered by the
        package graph and the roles' `after` lists."""
        chosen, pool_roles = self._chosen(phase)
        by_role: dict[str, int] = {}
        for u in chosen:
            by_role[pool_roles[u.path].id] = by_role.get(pool_roles[u.path].id, 0) + 1
        made: list[Draft] = []
        for u in chosen:
            role = pool_roles[u.path]
            suffix = role.task_suffix if role.task_suffix else _short_name(u)
            if by_role[role.id] > 1 and role.task_suffix:
                suffix = f"{suffix}-{_short_name(u)}"
            d = Draft(
                task_id=self.new_id(f"{self.prefix}-{suffix}"),
                agent=role.id,
                description=phase.description.format(
                    request=self.request, package=u.key, role=role.id
                ),
                scope=[u.path],
                phase=phase.id,
                role=role,
                units=[u],
                deps={p.task_id for p in self.previous},
                gates=gate_refs(self.ws, [u.package] if u.package else [], phase.gates),
                validators=validators_for([u.path], self.validators) if phase.validators else [],
                artifacts=list(phase.artifacts),
            )
            made.append(d)
            self.assigned.add(u.path)
            self.work[u.path] = u
        self.assumptions += order_within(self.ws, made)
        self.last_package_units = [u for d in made for u in d.units]
        return made

    def _chosen(self, phase: Phase) -> tuple[list[Unit], dict[str, Role]]:
        """The units a package phase makes tasks for, with the role of each."""
        if phase.packages == "dependents":
            pool = _dependents(self.ws, self.last_package_units, self.assigned)
            pool_roles = {u.path: role_of(u.package, self.roles, self.ws.root) for u in pool}
        else:
            pool = [u for u in self.units if u.path not in self.assigned]
            pool_roles = dict(self.unit_roles)
        chosen = [u for u in pool if not phase.roles or pool_roles[u.path].id in phase.roles]
        if phase.companions:
            chosen += _companions(self.ws, chosen, pool_roles, self.assigned, self.roles)
        return chosen, pool_roles

    def cover_plan_wide(self, drafts: Sequence[Draft]) -> None:
        """Plan-wide tasks (validation, testing) cover every package the plan works in."""
        work: dict[str, Unit] = {u.path: u for u in self.units}
        for d in drafts:
            work.update({u.path: u for u in d.units})
        work_paths = sorted(work)
        work_pkgs = [work[p].package for p in work_paths if work[p].package is not None]
        for d in drafts:
            if d.plan_wide is not None:
                d.scope = work_paths
                d.gates = gate_refs(
                    self.ws, [p for p in work_pkgs if p is not None], d.plan_wide.gates
                )
                if d.plan_wide.validators:
                    d.validators = validators_for(work_paths, self.validators)


def _tasks(drafts: Sequence[Draft]) -> list[Task]:
    """The drafts as the plan's tasks, by wave, then in the order they were made."""
    wave_of = waves(drafts)
    position = {d.task_id: i for i, d in enumerate(drafts)}
    tasks = [
        Task(
            taskId=d.task_id,
            agent=d.agent,
            description=d.description,
            scope=d.scope,
            dependencies=sorted(d.deps, key=position.__getitem__),
            phase=d.phase,
            wave=wave_of[d.task_id],
            packages=sorted(u.package.label for u in d.units if u.package is not None),
            gates=d.gates,
            validators=d.validators,
            artifacts=d.artifacts,
        )
        for d in drafts
    ]
    tasks.sort(key=lambda t: (t.wave, position[t.task_id]))
    return tasks


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
            and depends(ws, u.package, pkg)
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
