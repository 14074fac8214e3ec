"""Gates: package scripts (typecheck, test, ...) run for the affected packages, through turbo
when the repository uses it, else through its package manager, in dependency order."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import printable
from ..errors import UsageError
from ..formats import names
from ..signals import forwarded
from ..workspace import GRAPH_KINDS, Package, Workspace, manifest_rel
from .process import DEFAULT_MAX_OUTPUT, Outcome, interrupt, run
from .redact import redact, secret_values
from .tree import ProcessTree

DEFAULT_TASKS = ("typecheck", "test")
RUNNERS = ("auto", "turbo", "pnpm", "npm", "yarn", "bun")
INSTALL_HINTS = {
    "turbo": "install it in the repository (`pnpm add -Dw turbo`) or with `npm install -g turbo`",
    "pnpm": "install it with `npm install -g pnpm` or `corepack enable pnpm`",
    "npm": "install Node.js, which ships npm",
    "yarn": "install it with `corepack enable yarn` or `npm install -g yarn`",
    "bun": "install it from https://bun.sh",
}


@dataclass(frozen=True, slots=True)
class GateResult:
    task: str
    package: str | None
    path: str
    # passed | failed | skipped | refused | timeout | not-found | signal | interrupted
    status: str
    duration: float = 0.0
    exit_code: int | None = None
    signal: int | None = None
    command: tuple[str, ...] = ()
    output: str = ""  # the tail of what it printed
    output_bytes: int = 0
    truncated: bool = False
    reason: str = ""  # why it was skipped

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "skipped")


@dataclass(frozen=True, slots=True)
class GateJob:
    task: str
    package: Package


def waves(ws: Workspace, packages: Sequence[Package]) -> list[list[Package]]:
    """``packages`` in dependency order: each wave depends only on earlier waves."""
    chosen = {p.name or p.path: p for p in packages}
    deps: dict[str, set[str]] = {k: set() for k in chosen}
    for e in ws.edges:
        if e.kind in GRAPH_KINDS and e.source in chosen and e.target in chosen:
            deps[e.source].add(e.target)
    done: set[str] = set()
    out: list[list[Package]] = []
    while len(done) < len(chosen):
        ready = sorted(k for k in chosen if k not in done and deps[k] <= done)
        if not ready:  # a cycle: run what is left together
            ready = sorted(k for k in chosen if k not in done)
        out.append([chosen[k] for k in ready])
        done.update(ready)
    return out


def _local_bin(ws: Workspace, name: str) -> str | None:
    local = ws.root / "node_modules" / ".bin" / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name)


def choose_runner(ws: Workspace, wanted: str = "auto") -> tuple[str, str]:
    """(runner name, executable). turbo when the repository has a turbo.json and turbo is
    installed (the repository's node_modules/.bin, else PATH); else the package manager. A
    missing executable is a clear error. A task turbo.json does not define runs through the
    package manager (see ``turbo_defines``)."""
    if wanted not in RUNNERS:
        raise UsageError(f"unknown gate runner {wanted!r}", hint="one of: " + ", ".join(RUNNERS))
    if wanted == "auto":
        if ws.turbo is not None and _local_bin(ws, "turbo"):
            wanted = "turbo"
        else:
            wanted = ws.package_manager.name
    exe = _local_bin(ws, wanted)
    if exe is None:
        raise UsageError(
            f"{wanted} is not installed (needed to run the gates)", hint=INSTALL_HINTS[wanted]
        )
    return wanted, exe


def turbo_defines(ws: Workspace, task: str, pkg: Package) -> bool:
    """Whether turbo can run ``task`` for ``pkg``: the root turbo.json defines it (as `task` or
    `pkg#task`), or the package has a turbo.json of its own that names it. turbo refuses a
    task it does not know ("Could not find task"), even when the package has the script."""
    if ws.turbo is None:
        return False
    if any(t.task == task and t.package in (None, pkg.name) for t in ws.turbo.tasks):
        return True
    from ..errors import InputError
    from ..formats.jsonc import load

    own_path = ws.root / pkg.path / "turbo.json"
    if not own_path.is_file():
        return False
    try:
        own = load(own_path, jsonc=True, what="turbo.json")
    except InputError:
        return False  # turbo will say what is wrong with it
    tasks = own.get("tasks") if isinstance(own, dict) else None
    return isinstance(tasks, dict) and task in tasks


def target_problem(pkg: Package) -> str | None:
    """Why ``pkg`` cannot be named on a runner's command line (None: it can). Its name goes
    into `--filter`, where pnpm and turbo read `...x`, `x...`, `{dir}` and `!x` as selectors
    that match other packages or none (pnpm then runs nothing and exits 0); a package without
    a name goes as `./path`."""
    return printable.problem(pkg.name, pkg.path, prints="name")


# What pnpm prints, exiting 0, when a --filter matches no package: nothing ran.
_PNPM_NO_MATCH = "No projects matched the filters"


def command(runner: str, exe: str, task: str, pkg: Package) -> list[str]:
    target = pkg.name or f"./{pkg.path}"
    if runner == "turbo":
        # turbo applies its own cache and dependsOn; one package per call keeps results apart.
        return [exe, "run", task, f"--filter={target}", "--output-logs=errors-only"]
    if runner == "pnpm":
        return [exe, "--filter", target, "run", task]
    if runner == "npm":
        return [exe, "run", task, f"--workspace={pkg.path}"]
    if runner == "yarn":
        return [exe, "workspace", target, "run", task]
    return [exe, "run", "--cwd", pkg.path, task]  # bun


def run_gates(
    ws: Workspace,
    packages: Sequence[Package],
    tasks: Sequence[str] = DEFAULT_TASKS,
    *,
    runner: str = "auto",
    concurrency: int = 1,
    timeout: float | None = 600.0,
    fail_fast: bool = False,
    max_output: int = DEFAULT_MAX_OUTPUT,
    shard: tuple[int, int] | None = None,
    on_result: Callable[[GateResult], None] | None = None,
) -> list[GateResult]:
    """Run each task for each package, dependency order first (all packages of a wave run
    ``concurrency`` at a time). A package without the script is reported as skipped."""
    # Task by task; within a task, wave by wave, so dependencies finish before dependents.
    plan = [[GateJob(t, p) for p in wave] for t in tasks for wave in waves(ws, packages)]
    if shard is not None:
        k, n = shard
        flat = sorted((j.task, j.package.path) for group in plan for j in group)
        keep = {key for pos, key in enumerate(flat) if pos % n == k - 1}
        plan = [[j for j in group if (j.task, j.package.path) in keep] for group in plan]
    ordered = [group for group in plan if group]
    results: list[GateResult] = []
    if not ordered:
        return results
    needs_runner = any(j.task in j.package.scripts for group in ordered for j in group)
    name, exe = choose_runner(ws, runner) if needs_runner else ("", "")
    # A task turbo.json does not define goes to the package manager (resolved now, so a
    # missing one is an error before any gate runs).
    via_pm = {
        (j.task, j.package.path)
        for group in ordered
        for j in group
        if name == "turbo"
        and runner == "auto"
        and j.task in j.package.scripts
        and not turbo_defines(ws, j.task, j.package)
    }
    pm = choose_runner(ws, ws.package_manager.name) if via_pm else ("", "")

    def runner_for(job: GateJob) -> tuple[str, str]:
        return pm if (job.task, job.package.path) in via_pm else (name, exe)

    env = {**os.environ, "FORCE_COLOR": "0"}
    secrets = secret_values(env)
    stop = False
    active: set[ProcessTree] = set()

    def one(job: GateJob) -> GateResult:
        pkg = job.package
        if job.task not in pkg.scripts:
            return GateResult(
                job.task, pkg.name, pkg.path, "skipped", reason=f"no `{job.task}` script"
            )
        refusal = target_problem(pkg)
        if refusal is not None:
            return GateResult(
                job.task,
                pkg.name,
                pkg.path,
                "refused",
                reason="invalid package name" if pkg.name else "unsafe folder name",
                output=f"{manifest_rel(pkg.path)}: not run: {refusal}\n"
                + (f"  hint: {names.PACKAGE_NAME_HINT}\n" if pkg.name else ""),
            )
        cmd = command(*runner_for(job), job.task, pkg)
        outcome: Outcome = run(
            cmd, ws.root, timeout=timeout, env=env, max_output=max_output, active=active
        )
        status, output = outcome.status, outcome.output
        if status == "passed" and _PNPM_NO_MATCH in output:
            status = "failed"
            output += f"\norchestrator: the filter matched no package: {pkg.path} did not run\n"
        return GateResult(
            job.task,
            pkg.name,
            pkg.path,
            status,
            outcome.duration,
            outcome.exit_code,
            outcome.signal,
            tuple(cmd),
            redact(output, secrets),
            outcome.output_bytes,
            outcome.truncated,
        )

    pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
    try:
        for group in ordered:
            if stop:
                break
            for result in pool.map(one, group):
                results.append(result)
                if on_result is not None:
                    on_result(result)
                if fail_fast and not result.ok:
                    stop = True
    except KeyboardInterrupt as exc:
        # Ctrl-C (SIGTERM, SIGHUP) lands in this thread; the gates run in workers: reach their
        # processes.
        interrupt(active, forwarded(exc))
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def parse_shard(text: str) -> tuple[int, int]:
    try:
        k_text, n_text = text.split("/", 1)
        k, n = int(k_text), int(n_text)
    except ValueError:
        raise UsageError(f"--shard {text!r}: expected K/N, e.g. 1/4") from None
    if not 1 <= k <= n:
        raise UsageError(f"--shard {text!r}: K must be between 1 and N")
    return k, n


def matrix(
    ws: Workspace, packages: Sequence[Package], tasks: Sequence[str]
) -> dict[str, list[dict[str, str]]]:
    """A GitHub Actions `strategy.matrix` of the (package, task) pairs that have a script."""
    include = [
        {"package": p.name or p.path, "path": p.path, "task": t}
        for t in tasks
        for wave in waves(ws, packages)
        for p in wave
        if t in p.scripts
    ]
    return {"include": include}
