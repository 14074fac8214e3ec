"""A task's gates, in its worktree: the packages its change affects (what `check` would run for
the same commits), a frozen install of the workspace's dependencies (a worktree has no
node_modules), then the gate scripts, as `check` runs them. Everything they print goes to the
task's log; the user's own tree is not involved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..affected import compute
from ..changes import changes_from_range, lockfile_texts
from ..errors import UsageError
from ..gates import GateResult, choose_runner, run_gates
from ..gates.install import install
from ..planning import GateRun
from ..workspace import Package, Workspace


@dataclass(frozen=True)
class GateSettings:
    """The gates' settings (orchestrator.toml's `[gates]`)."""

    tasks: tuple[str, ...] = ("typecheck", "test")
    runner: str = "auto"
    concurrency: int = 1
    timeout: float | None = 600.0


@dataclass(frozen=True)
class GatesRun:
    """The gates a task's change went through, and why it fails (None when they pass)."""

    gates: tuple[GateRun, ...] = ()
    problem: str | None = None


def affected_packages(ws: Workspace, base: str) -> list[Package]:
    """The packages the commits from ``base`` to HEAD affect, dependents included."""
    cs = changes_from_range(ws, base, "HEAD")
    return compute(ws, cs, lockfile_versions=lambda: lockfile_texts(ws, cs)).workspace_packages(ws)


def run_task_gates(ws: Workspace, base: str, settings: GateSettings, log: Path) -> GatesRun:
    """Install, then run the gates on the packages the change since ``base`` affects (``ws``:
    the workspace in the task's worktree); none when no affected package has a gate script."""
    packages = affected_packages(ws, base)
    if not any(t in p.scripts for p in packages for t in settings.tasks):
        return GatesRun()
    with open(log, "ab") as fh:
        try:
            problem = _install(ws, settings, fh)
        except UsageError as exc:  # the package manager is not installed
            problem = f"gate install: {exc}"
        if problem is not None:
            fh.write(f"orchestrator: {problem}\n".encode())
            return GatesRun(problem=problem)
        results = run_gates(
            ws,
            packages,
            settings.tasks,
            runner=settings.runner,
            concurrency=settings.concurrency,
            timeout=settings.timeout,
            on_result=lambda r: _log_result(fh, r),
        )
    gates = tuple(
        GateRun(
            package=r.package,
            path=r.path,
            task=r.task,
            status=r.status,
            duration=round(r.duration, 3),
        )
        for r in results
    )
    return GatesRun(gates, _problem(results))


def _install(ws: Workspace, settings: GateSettings, fh: BinaryIO) -> str | None:
    _, exe = choose_runner(ws, ws.package_manager.name)
    cmd, outcome = install(ws, exe, timeout=settings.timeout, log=_header(fh, "install"))
    if outcome.status == "passed":
        return None
    said = " ".join([Path(cmd[0]).name, *cmd[1:]])
    how = (
        f"exited with {outcome.exit_code}"
        if outcome.exit_code is not None
        else outcome.status.replace("-", " ")
    )
    return f"gate install ({said}) {how}"


def _header(fh: BinaryIO, what: str) -> BinaryIO:
    fh.write(f"\n== orchestrator: {what}\n".encode())
    fh.flush()
    return fh


def _log_result(fh: BinaryIO, result: GateResult) -> None:
    where = result.package or result.path
    _header(fh, f"gate {result.task} ({where}): {result.status} in {result.duration:.1f} s")
    if result.output:
        fh.write(result.output.encode("utf-8", "replace"))
    fh.flush()


def _problem(results: Sequence[GateResult]) -> str | None:
    failed = [r for r in results if not r.ok]
    if not failed:
        return None
    first = failed[0]
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    return f"gate {first.task} ({first.path}) {first.status}{more}"
