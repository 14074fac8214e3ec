"""What a run tells the plan's documents: the progress lines of `context.md` (one per event
that matters, written as it happens) and the final report that `synthesis.md` becomes when a
run ends. Text only, from the plan and its run state: no clock, so the same run gives the same
text (durations are the only times)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .models import Plan, Task
from .runs import FINAL_FAILURES, PlanRun, TaskRun

PROGRESS = "## Progress and blockers"
# The artifact that names the plan's security checklist: "security checklist ... (security.md)".
_CHECKLIST = re.compile(r"checklist.*\((?P<name>[\w.-]+\.md)\)", re.I)
_BOX = re.compile(r"^\s*[-*] \[(?P<mark>[ xX])\]\s+(?P<item>.+?)\s*$")


@dataclass(frozen=True)
class Checklist:
    """The plan's security checklist as the integration branch holds it: where it is, and its
    unticked items (None when the file is not there)."""

    path: str
    task: str
    open: list[str] | None


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _duration(rec: TaskRun | None) -> str:
    return "—" if rec is None or rec.duration is None else f"{rec.duration:.1f} s"


def waiting_on(plan: Plan, task_id: str, done: set[str]) -> list[str]:
    """The tasks not done that wait, directly or through others, for ``task_id``."""
    out: list[str] = []
    blocked = {task_id}
    for t in plan.tasks:  # plan order puts a task after its dependencies
        if t.task_id not in done and blocked & set(t.dependencies):
            blocked.add(t.task_id)
            out.append(t.task_id)
    return out


def _gates(rec: TaskRun) -> str:
    """``; gates: typecheck `apps/web` passed, ...`` (nothing when no gate ran)."""
    if not rec.gates:
        return ""
    return "; gates: " + ", ".join(f"{g.task} `{g.path}` {g.status}" for g in rec.gates)


def progress_line(task_id: str, rec: TaskRun, waiting: Sequence[str]) -> str:
    """One line for context.md about what ``task_id`` ended with."""
    after = "" if rec.duration is None else f" after {_duration(rec)}"
    head = f"- `{task_id}` {rec.status}{after}"
    if rec.status == "done":
        files = ", ".join(f"`{f}`" for f in rec.files) or "none"
        commit = (rec.commit or "")[:12]
        merge = f", merged as `{rec.merge[:12]}`" if rec.merge else ""
        return (
            f"{head}: commit `{commit}`{merge}; {len(rec.files)} file(s) changed: {files}"
            + _gates(rec)
        )
    line = f"{head}: {rec.detail or rec.status}{_gates(rec)}; log `{rec.log}`"
    if waiting:
        line += "; waiting on it: " + ", ".join(f"`{w}`" for w in waiting)
    return line


def with_progress(text: str, rows: Mapping[str, tuple[str, str]], line: str | None) -> str:
    """``text`` (context.md) with the progress table's rows of ``rows`` (task -> status,
    blockers) updated and ``line`` added at the end of the progress section (made when the
    document has none)."""
    lines = text.rstrip("\n").split("\n")
    if PROGRESS not in lines:
        lines += ["", PROGRESS, ""]
    start = lines.index(PROGRESS) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    for i in range(start, end):
        cells = lines[i].split(" | ")
        task = cells[0].removeprefix("| ")
        if len(cells) == 5 and task in rows:
            status, blockers = rows[task]
            cells[3], cells[4] = _cell(status), (_cell(blockers) + " |").lstrip()
            lines[i] = " | ".join(cells)
    if line is not None:
        last = end
        while last > start and not lines[last - 1].strip():
            last -= 1
        gap = [""] if lines[last - 1].startswith("|") else []
        lines[last:end] = [*gap, line, ""]
    return "\n".join(lines) + "\n"


def checklist_path(plan: Plan) -> tuple[Task, str] | None:
    """The task that writes the plan's security checklist and the checklist's file name."""
    for task in plan.tasks:
        for artifact in task.artifacts:
            found = _CHECKLIST.search(artifact)
            if found:
                return task, found.group("name")
    return None


def open_items(text: str) -> list[str]:
    """The unticked items (`- [ ] ...`) of a Markdown checklist."""
    return [m.group("item") for m in map(_BOX.match, text.splitlines()) if m and m["mark"] == " "]


def _outcome(task: Task, rec: TaskRun | None) -> str:
    if rec is None:
        return "done (marked by hand)" if task.done is not None else "not run"
    return rec.status


def synthesis(
    plan: Plan,
    state: PlanRun,
    commits: Mapping[str, list[tuple[str, str]]],
    checklist: Checklist | None,
) -> str:
    """The final report: the run's outcome, per task its outcome, duration, commits, files
    changed, findings and gate results, the open risks of the security checklist, the
    follow-up work."""
    recs = state.tasks
    done = {t.task_id for t in plan.tasks if _outcome(t, recs.get(t.task_id)).startswith("done")}
    failed = [t for t in plan.tasks if t.task_id in recs and recs[t.task_id].status != "done"]
    failed = [t for t in failed if t.task_id not in done]
    left = [t for t in plan.tasks if t.task_id not in done and t.task_id not in recs]
    out = [
        f"# Synthesis: {plan.request}",
        "",
        f"Plan `{plan.plan_id}`; integration branch `{state.integration}` "
        f"from `{state.start[:12]}`.",
        "",
        "## Outcome",
        "",
        f"{len(done)} of {len(plan.tasks)} tasks done"
        + (
            ": the integration branch holds every task's change."
            if len(done) == len(plan.tasks)
            else f"; {len(failed)} stopped, {len(left)} not run."
        ),
        "",
        "## Tasks",
        "",
        "| task | agent | outcome | duration | commits | files changed | findings | gates |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in plan.tasks:
        rec = recs.get(t.task_id)
        findings = "—" if rec is None or rec.findings is None else str(rec.findings)
        out.append(
            f"| {t.task_id} | {t.agent} | {_outcome(t, rec)} | {_duration(rec)} "
            f"| {len(commits.get(t.task_id, []))} | {len(rec.files) if rec else 0} "
            f"| {findings} | {_gate_counts(rec)} |"
        )
    for t in plan.tasks:
        rec = recs.get(t.task_id)
        if rec is None:
            continue
        out += ["", f"### {t.task_id}", "", f"- outcome: {rec.status}"]
        if rec.detail:
            out.append(f"- why: {rec.detail}")
        if rec.merge:
            out.append(f"- merged as `{rec.merge[:12]}`")
        out += [f"- commit `{h[:12]}` {s}" for h, s in commits.get(t.task_id, [])]
        out += [f"- changed `{f}`" for f in rec.files]
        out += [f"- gate {g.task} `{g.path}`: {g.status} in {g.duration:.1f} s" for g in rec.gates]
        out.append(f"- log `{rec.log}`")
    out += ["", "## Risks and open items", ""]
    out += _risks(plan, state, checklist, failed, left)
    out += [
        "",
        "## Metrics (tests, coverage, performance)",
        "",
        f"- agent time: {sum(r.duration or 0.0 for r in recs.values()):.1f} s",
        f"- findings added by the tasks' changes: {sum(r.findings or 0 for r in recs.values())}",
        "",
        "## Follow-up work",
        "",
    ]
    retry = [t.task_id for t in failed if recs[t.task_id].status in FINAL_FAILURES]
    if retry:
        out.append(
            f"- fix what stopped, then `orchestrator plan run {plan.plan_id} "
            f"--retry {' '.join(retry)}`"
        )
    elif failed or left:
        out.append(f"- `orchestrator plan run {plan.plan_id}` runs the tasks left")
    else:
        out.append(f"- review and merge `{state.integration}`")
    return "\n".join(out) + "\n"


def _gate_counts(rec: TaskRun | None) -> str:
    """`2 passed, 1 failed` (— when no gate ran)."""
    if rec is None or not rec.gates:
        return "—"
    statuses = [g.status for g in rec.gates]
    return ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))


def _risks(
    plan: Plan,
    state: PlanRun,
    checklist: Checklist | None,
    failed: Sequence[Task],
    left: Sequence[Task],
) -> list[str]:
    out: list[str] = []
    if checklist is None:
        out.append("- the plan has no security checklist")
    elif checklist.open is None:
        out.append(
            f"- no security checklist: `{checklist.path}` is not on `{state.integration}` "
            f"(task `{checklist.task}`)"
        )
    else:
        where = f"`{checklist.path}`"
        out += [f"- open in {where}: {item}" for item in checklist.open]
        if not checklist.open:
            out.append(f"- none open in {where}")
    for t in failed:
        rec = state.tasks[t.task_id]
        out.append(f"- `{t.task_id}` {rec.status}: {rec.detail or rec.status}")
    for t in left:
        deps = ", ".join(f"`{d}`" for d in t.dependencies) or "nothing"
        out.append(f"- `{t.task_id}` not run (depends on {deps})")
    return out
