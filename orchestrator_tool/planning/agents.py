"""The pattern library's roles as agent definitions: per role what it is for, where it works
in this workspace, the scope rule and the checks its changes must pass, and those definitions
as Claude Code subagent files (`.claude/agents/<role>.md`: YAML front matter with `name` and
`description`, the body is the subagent's system prompt)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..fsio import write_atomic
from ..workspace import Package, Workspace
from .build import RunValidators, gate_refs, validators_for
from .library import role_of
from .models import TASKS_DIR, PatternLibrary, Phase, Role

CLAUDE_AGENTS_DIR = ".claude/agents"
# A role that owns many packages (the catch-all) lists this many of their gate commands; its
# task's brief lists the exact ones.
_MAX_GATE_LINES = 12


@dataclass(frozen=True)
class AgentRole:
    """One role as an agent sees it in this workspace."""

    id: str
    description: str
    # `packages`: one package per task (the implementation phases); `plan`: the plan's
    # packages (validation, testing); `tasks`: only the plan's tasks/ folder (documents).
    works_in: str
    packages: tuple[str, ...]  # the workspace packages the role owns: `path` (name)
    stack: tuple[str, ...]
    gates: tuple[str, ...]  # commands for a human (or an agent) to run
    scripts: tuple[str, ...]  # the package scripts of a plan-wide role's gates
    validators: tuple[str, ...]


def _owns_packages(role: Role, roles: Sequence[Role]) -> bool:
    """Whether the planner gives the role package tasks: it matches packages, or it is the
    catch-all last role."""
    m = role.match
    return bool(m.paths or m.names or m.files or m.depends_on) or role is roles[-1]


def _package_phases(lib: PatternLibrary, role_id: str) -> list[Phase]:
    return [
        ph
        for p in lib.patterns
        for ph in p.phases
        if ph.kind == "packages" and (not ph.roles or role_id in ph.roles)
    ]


def _role_phases(lib: PatternLibrary, role_id: str) -> list[Phase]:
    return [
        ph for p in lib.patterns for ph in p.phases if ph.kind == "roles" and role_id in ph.roles
    ]


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def agent_roles(
    ws: Workspace, lib: PatternLibrary, validators: RunValidators | None
) -> list[AgentRole]:
    """Every role of the library, and every role a `roles` phase names that the library does
    not define (the analysis, review and testing roles), in the library's order."""
    roles = lib.roles
    owner = {p.path: role_of(p, roles, ws.root).id for p in ws.packages}
    out: list[AgentRole] = []
    for role in roles:
        owned: list[Package] = [p for p in ws.packages if owner[p.path] == role.id]
        if _owns_packages(role, roles):
            phases = _package_phases(lib, role.id)
            gates = gate_refs(ws, owned, _unique([s for ph in phases for s in ph.gates]))
            codes: list[str] = []
            if owned and any(ph.validators for ph in phases):
                codes = validators_for([p.path for p in owned], validators)
            out.append(
                AgentRole(
                    id=role.id,
                    description=role.description,
                    works_in="packages",
                    packages=tuple(
                        f"`{p.path}` ({p.name})" if p.name else f"`{p.path}`" for p in owned
                    ),
                    stack=tuple(role.stack),
                    gates=tuple(g.command for g in gates),
                    scripts=(),
                    validators=tuple(codes),
                )
            )
        else:
            out.append(_plan_role(lib, role.id, role.description, tuple(role.stack), validators))
    known = {r.id for r in roles}
    named = _unique(
        [r for p in lib.patterns for ph in p.phases if ph.kind == "roles" for r in ph.roles]
    )
    for role_id in named:
        if role_id not in known:
            first = _role_phases(lib, role_id)[0]
            out.append(_plan_role(lib, role_id, _phase_text(first, role_id), (), validators))
    return out


def _package_line(pkg: Package) -> str:
    return f"`{pkg.path}` ({pkg.name})" if pkg.name else f"`{pkg.path}`"


def _phase_text(phase: Phase, role_id: str) -> str:
    """What a role that only a phase names is for: the phase's name and description, its
    placeholders said in words."""
    text = phase.description.format(
        request="the plan's request", package="the plan's packages", role=role_id
    )
    return f"{phase.name}. {text}"


def _plan_role(
    lib: PatternLibrary,
    role_id: str,
    description: str,
    stack: tuple[str, ...],
    validators: RunValidators | None,
) -> AgentRole:
    """A role of `roles` phases: it works over the plan's packages (a plan-wide phase) or in
    the plan's tasks/ folder, with the gates and validators its phases ask for."""
    phases = _role_phases(lib, role_id)
    wide = [ph for ph in phases if ph.scope == "plan"]
    codes: list[str] = []
    if validators is not None and any(ph.validators for ph in wide):
        codes = validators.codes_for(validators.files())
    return AgentRole(
        id=role_id,
        description=description,
        works_in="plan" if wide else "tasks",
        packages=(),
        stack=stack,
        gates=(),
        scripts=_unique([s for ph in wide for s in ph.gates]),
        validators=tuple(codes),
    )


# --------------------------------------------------------------------------- Claude Code


def _yaml_string(text: str) -> str:
    """A YAML scalar that reads back as ``text`` whatever it holds (`:`, `#`, quotes): a JSON
    string is a YAML double-quoted scalar."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def claude_agent(role: AgentRole) -> str:
    """The Claude Code subagent file of ``role``: front matter with `name` and `description`
    (no `tools`: the subagent inherits the session's tools; what it may change is held by the
    scope guard, not by a tool list), and a body that says its purpose, its scope and its
    checks."""
    purpose = role.description or f"The {role.id} of an orchestrator plan."
    summary = (
        f"{purpose} Use for the orchestrator plan tasks assigned to {role.id} "
        "(ORCHESTRATOR_TASK names the task)."
    )
    lines = [
        "---",
        f"name: {role.id}",
        f"description: {_yaml_string(summary)}",
        "---",
        "",
        f"You are the `{role.id}` of an orchestrator task plan. {purpose}",
        "",
        "## Your task",
        "",
        "Your task's id is in the `ORCHESTRATOR_TASK` environment variable (and in the request "
        f"that started you). Its brief is `{TASKS_DIR}/<plan-id>/<task-id>.md`: read it and the "
        f"plan's `{TASKS_DIR}/<plan-id>/context.md` first, and record your decisions, progress "
        "and blockers in `context.md`.",
        "",
        *_where(role),
        "## Scope",
        "",
        "Only edit files inside your task's scope: the paths the brief's Scope section lists, "
        f"and the plan's `{TASKS_DIR}/<plan-id>/` folder. Before you finish, run "
        '`orchestrator plan check "$ORCHESTRATOR_TASK"`: it names every changed file outside '
        "the scope, and exits 1 when there is one. `orchestrator plan run` runs the same guard "
        "on your task's branch and does not merge a change that leaves the scope.",
        "",
        "## Checks your change must pass",
        "",
        *_checks(role),
        "",
    ]
    return "\n".join(lines)


def _where(role: AgentRole) -> list[str]:
    if role.works_in == "packages":
        stack = (
            f" It takes only packages that declare {' or '.join(f'`{s}`' for s in role.stack)}."
            if role.stack
            else ""
        )
        owned = [f"- {p}" for p in role.packages] or ["- none yet"]
        return [
            "## Where you work",
            "",
            f"Each of your tasks is one package.{stack} In this workspace the role owns:",
            "",
            *owned,
            "",
        ]
    if role.works_in == "plan":
        return [
            "## Where you work",
            "",
            "Over every package of the plan (your brief's Scope lists them).",
            "",
        ]
    return [
        "## Where you work",
        "",
        f"In the plan's `{TASKS_DIR}/<plan-id>/` folder: you write documents, not code.",
        "",
    ]


def _checks(role: AgentRole) -> list[str]:
    out: list[str] = []
    if role.validators:
        out.append(
            "- `orchestrator validate <your scope's paths>` reports no error; the validators "
            "that apply here: " + ", ".join(f"`{c}`" for c in role.validators) + "."
        )
    gates = list(role.gates[:_MAX_GATE_LINES])
    out += [f"- `{g}`" for g in gates]
    if len(role.gates) > len(gates):
        out.append(
            f"- and {len(role.gates) - len(gates)} more package script(s): your brief's Gates "
            "section lists your task's own"
        )
    if role.scripts:
        out.append(
            "- the "
            + " and ".join(f"`{s}`" for s in role.scripts)
            + " scripts of every package of the plan (your brief's Gates section lists them)"
        )
    out.append(
        '- `orchestrator plan done "$ORCHESTRATOR_TASK"` runs the task\'s gates and validators '
        "and records it done when they pass. Under `orchestrator plan run`, leave that step to "
        "the run: after you exit it commits your change, checks it and merges it."
    )
    return out


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def write_agent_files(folder: Path, files: dict[str, str], *, force: bool) -> list[Path]:
    """Write ``files`` (name → text) into ``folder``, each atomically. Without ``force`` a file
    that exists is refused before anything is written, and the refusal names them all."""
    paths = {name: folder / name for name in sorted(files)}
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        raise UsageError(
            f"{len(existing)} agent file(s) exist: " + ", ".join(_shown(p) for p in existing),
            hint="pass --force to overwrite them",
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in paths.items():
        write_atomic(path, files[name])
    return list(paths.values())
