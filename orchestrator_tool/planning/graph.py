"""The dependency graph of a plan's tasks while it is built: the order inside a package phase,
the reduction to direct dependencies, and the waves (longest-path layers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..workspace import Package, Workspace
from .models import GateRef, Phase, Role
from .scope import Unit


@dataclass
class Draft:
    """A task while the plan is built: its dependencies grow and shrink as phases are ordered."""

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


def depends(ws: Workspace, a: Package, b: Package) -> bool:
    """Whether package ``a`` depends on ``b``, directly or transitively."""
    if a.name is None or b.name is None:
        return False
    return a.name in ws.dependents([b.name])


def order_within(ws: Workspace, made: list[Draft]) -> list[str]:
    """Dependencies inside a package phase: the package graph (unless the dependency's role
    works alongside the dependent's), then the roles' `after` lists. A companion (a role
    `alongside` others) shares its mates' wave, so a task they wait for cannot wait for it:
    that package edge is set aside, and the returned notes say so for the plan's
    assumptions."""
    graph_only: list[tuple[Draft, Draft]] = []  # (dependent, companion) edges of the graph
    for d in made:
        for other in made:
            if other is d or d.role is None or other.role is None:
                continue
            alongside = d.role.id in other.role.alongside
            after = other.role.id in d.role.after
            graph = any(
                u.package is not None
                and v.package is not None
                and depends(ws, u.package, v.package)
                for u in d.units
                for v in other.units
            )
            if (graph and not alongside) or after:
                d.deps.add(other.task_id)
            if graph and not alongside and not after and other.role.alongside:
                graph_only.append((d, other))
    by_id = {d.task_id: d for d in made}
    notes = []
    for d, companion in graph_only:
        assert companion.role is not None
        mates = [
            m.task_id
            for m in made
            if m.role is not None
            and m.role.id in companion.role.alongside
            and reaches(by_id, m.task_id, d.task_id)
        ]
        if mates:
            d.deps.discard(companion.task_id)
            notes.append(
                f"{d.task_id} does not wait for {companion.task_id}, though {_label(d)} "
                f"depends on {_label(companion)}: {companion.role.id} works alongside "
                f"{', '.join(sorted(mates))}, which wait for {d.task_id}"
            )
    # a cycle among them (mutual `after`, or a package cycle) is broken by dropping the edges
    # of the cycle's later tasks, in order
    order = [d.task_id for d in made]
    for d in made:
        for dep in sorted(d.deps):
            if (
                dep in by_id
                and reaches(by_id, dep, d.task_id)
                and order.index(dep) > order.index(d.task_id)
            ):
                d.deps.discard(dep)
    return notes


def _label(d: Draft) -> str:
    return ", ".join(u.key for u in d.units)


def reduce(drafts: Sequence[Draft]) -> None:
    """Keep only direct dependencies: drop one that another dependency already waits for."""
    by_id = {d.task_id: d for d in drafts}
    for d in drafts:
        d.deps = {
            dep
            for dep in d.deps
            if not any(reaches(by_id, other, dep) for other in d.deps if other != dep)
        }


def reaches(by_id: Mapping[str, Draft], start: str, goal: str) -> bool:
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


def waves(drafts: Sequence[Draft]) -> dict[str, int]:
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
    # moving a companion can leave a wave with no task: number the waves without gaps (the
    # order, and so every dependency, stays)
    rank = {w: i for i, w in enumerate(sorted(set(wave.values())), 1)}
    return {tid: rank[w] for tid, w in wave.items()}
