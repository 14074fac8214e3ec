"""The plan as documents: its Markdown (a Mermaid diagram of the waves and a table of the
tasks), the shared context document, one brief per task and the synthesis template."""

from __future__ import annotations

from .models import Plan, Task


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
        *[f"- {a}" for a in plan.assumptions],
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
        *[f"- assumed: {a}" for a in plan.assumptions],
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
