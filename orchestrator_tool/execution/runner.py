"""Running a plan: each ready task's agent in a worktree of its own, on a branch from the
integration branch's tip; when the agent succeeds, its changes are committed, held to the task's
scope and checked, then merged into the integration branch. The user's work tree, index and
stash are never touched: the integration branch moves by `git merge-tree` and `update-ref`.

The agents run in worker threads (each one a process group of its own, see gates.process); the
main thread schedules, checks, merges and records the state, so the checks and the merges run
one at a time, in the order the tasks finish, which respects the dependencies: a task starts
only once every task it depends on is merged."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from ..errors import OrchestratorError, UsageError
from ..formats.words import count
from ..gates.process import Outcome, interrupt
from ..gates.process import run as run_process
from ..gates.tree import ProcessTree
from ..planning import (
    FINAL_FAILURES,
    Plan,
    PlanRun,
    Task,
    TaskRun,
    load_run,
    log_path,
    plan_dir,
    write_run,
)
from ..signals import forwarded
from . import report
from .agents import expand, template
from .integrate import (
    Checks,
    Repo,
    first_line,
    integrate,
    now,
    reason,
    recover,
    refuse_checked_out,
)
from .lock import plan_lock

# The variables that would point an agent's git at the user's repository, not its worktree.
_REDIRECTING = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX")


@dataclass(frozen=True)
class RunOptions:
    agent: str | None = None  # --agent: the command template for every task
    agents: Mapping[str, str] = field(default_factory=dict)  # role (or "default") -> template
    max_parallel: int = 3
    timeout: float | None = 3600.0
    retry: tuple[str, ...] = ()  # task ids, or "all"
    keep_worktrees: bool = False


@dataclass(frozen=True)
class Event:
    """Something that happened to a task: `started`, or the status it ended with."""

    task: str
    kind: str
    detail: str = ""
    elapsed: float | None = None


def task_branch(plan_id: str, task_id: str) -> str:
    # Not under orchestrator/<plan-id>/: a branch cannot also be a folder of branches.
    return f"orchestrator-tasks/{plan_id}/{task_id}"


def start_state(root: Path, plan: Plan) -> PlanRun:
    """The run state to go on from: the recorded one while its integration branch exists, else
    a new one with the integration branch at HEAD."""
    state = load_run(root, plan.plan_id)
    integration = f"orchestrator/{plan.plan_id}"
    if state is not None and git.resolve(integration, root) is not None:
        return state
    head = git.resolve("HEAD", root)
    if head is None:
        Repo.of(root, plan.plan_id)  # says why: not a git repository, or no commit yet
    assert head is not None
    return PlanRun(planId=plan.plan_id, integration=integration, start=head)


def ensure_integration(root: Path, state: PlanRun) -> None:
    """Create the integration branch where the run state says it starts, when it is missing;
    refuse one that a worktree has checked out (the run moves it)."""
    if git.resolve(state.integration, root) is None:
        git.set_branch(state.integration, state.start, root)
    else:
        refuse_checked_out(root, state.integration)


def to_run(plan: Plan, state: PlanRun, retry: tuple[str, ...]) -> list[str]:
    """The tasks this run works on, in plan order: not done, and not failed unless retried."""
    known = {t.task_id for t in plan.tasks}
    unknown = [r for r in retry if r != "all" and r not in known]
    if unknown:
        raise UsageError(f"--retry {unknown[0]!r}: plan {plan.plan_id} has no such task")
    out = []
    for t in plan.tasks:
        rec = state.tasks.get(t.task_id)
        if t.done is not None or (rec is not None and rec.status == "done"):
            continue
        if (
            rec is not None
            and rec.status in FINAL_FAILURES
            and "all" not in retry
            and t.task_id not in retry
        ):
            continue
        out.append(t.task_id)
    return out


def done_tasks(plan: Plan, state: PlanRun) -> set[str]:
    return {
        t.task_id
        for t in plan.tasks
        if t.done is not None
        or (t.task_id in state.tasks and state.tasks[t.task_id].status == "done")
    }


def agent_command(repo: Repo, plan: Plan, task: Task, text: str) -> str:
    """The command line of ``task``'s agent: the template ``text`` with the task's brief, id
    and scope and the folder the agent works in (the workspace in the task's worktree) put in."""
    brief = plan_dir(repo.root, plan.plan_id) / f"{task.task_id}.md"
    return expand(
        text,
        brief=brief.resolve(),
        task=task.task_id,
        scope=task.scope,
        worktree=repo.workspace_in(repo.worktrees / task.task_id),
    )


def schedule(plan: Plan, state: PlanRun, retry: tuple[str, ...]) -> list[list[str]]:
    """The waves this run would start, when every task succeeds (`--dry-run`); a task whose
    dependency stays failed is left out."""
    pending = to_run(plan, state, retry)
    done = done_tasks(plan, state)
    waves: list[list[str]] = []
    while pending:
        wave = [tid for tid in pending if ready(plan, tid, done)]
        if not wave:
            break
        waves.append(wave)
        done |= set(wave)
        pending = [tid for tid in pending if tid not in wave]
    return waves


def ready(plan: Plan, task_id: str, done: set[str]) -> bool:
    """Whether the task can start: its dependencies are done, and, for a companion (a task
    the plan puts in a later wave than its dependencies need, as styling next to the UIs),
    the other tasks of its wave can start too, so that it works alongside them."""
    task = _task(plan, task_id)
    if not set(task.dependencies) <= done:
        return False
    deps_wave = max((_task(plan, d).wave for d in task.dependencies), default=0)
    if task.wave <= deps_wave + 1:
        return True
    mates = [t for t in plan.tasks if t.wave == task.wave and t.task_id != task_id]
    return all(t.task_id in done or set(t.dependencies) <= done for t in mates)


def _task(plan: Plan, task_id: str) -> Task:
    task = plan.task(task_id)
    assert task is not None
    return task


def agent_env(plan_path: Path, task_id: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING}
    env["ORCHESTRATOR_TASK"] = task_id
    env["ORCHESTRATOR_PLAN"] = str(plan_path)  # the scope-guard hook finds the plan by it
    return env


class _Run:
    """One `plan run`: the state it records and the agents it has started."""

    def __init__(
        self,
        repo: Repo,
        plan_path: Path,
        plan: Plan,
        options: RunOptions,
        checks: Checks,
        on_event: Callable[[Event], None],
    ) -> None:
        root = repo.root
        self.repo = repo
        self.plan_path = plan_path.resolve()
        self.plan = plan
        self.options = options
        self.checks = checks
        self.on_event = on_event
        self.state = start_state(root, plan)
        recover(self.repo, self.plan_path, plan, self.state)
        self.active: set[ProcessTree] = set()
        self.commands = {
            t.task_id: template(t, options.agent, options.agents)
            for t in plan.tasks
            if t.task_id in to_run(plan, self.state, options.retry)
        }

    def save(self) -> None:
        write_run(self.repo.root, self.state)

    def _done(self) -> set[str]:
        return done_tasks(self.plan, self.state)

    # ------------------------------------------------------------------ the loop

    def run(self) -> PlanRun:
        ensure_integration(self.repo.root, self.state)
        pending = to_run(self.plan, self.state, self.options.retry)
        running: dict[Future[Outcome], str] = {}
        pool = ThreadPoolExecutor(max_workers=max(1, self.options.max_parallel))
        try:
            while True:
                done = done_tasks(self.plan, self.state)
                for tid in [t for t in pending if ready(self.plan, t, done)]:
                    if len(running) >= self.options.max_parallel:
                        break
                    pending.remove(tid)
                    started = self._start_or_fail(pool, tid)
                    if started is not None:
                        running[started] = tid
                if not running:
                    break
                finished, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in finished:
                    # still `running` while its checks and merge go on: Ctrl-C records it too
                    tid = running[fut]
                    self._finish(tid, fut.result())
                    del running[fut]
        except KeyboardInterrupt as exc:
            self._stop(pool, running, forwarded(exc))
            self._report()
            raise
        except BaseException:
            # a fault of the tool itself: no agent outlives the run, the state says where
            self._stop(pool, running, signal.SIGTERM)
            self._report()
            raise
        pool.shutdown(wait=True)
        self._report()
        return self.state

    def _report(self) -> None:
        report.run_ended(self.repo.root, self.repo.prefix, self.plan, self.state)

    def _stop(
        self, pool: ThreadPoolExecutor, running: dict[Future[Outcome], str], sig: int
    ) -> None:
        """Ctrl-C (SIGTERM, SIGHUP): stop every agent's processes, wait for them, and record
        the tasks as interrupted (a new run starts them again)."""
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + 30.0
        while any(not f.done() for f in running) and time.monotonic() < deadline:
            # an agent whose process started after the first signal is reached by the next
            interrupt(self.active, sig)
            wait(list(running), timeout=0.1)
        stopped = []
        for tid in running.values():
            rec = self.state.tasks[tid]
            # a task that ended, or whose merge was recorded (the next run settles that one by
            # the integration branch: see integrate's docstring), is left as it is
            if rec.status != "running" or rec.merge is not None:
                continue
            rec.status = "interrupted"
            rec.finished = now()
            rec.detail = "stopped by a signal"
            stopped.append(tid)
            self.on_event(Event(tid, "interrupted"))
        self.save()
        for tid in stopped:
            report.task_ended(self.repo.root, self.plan, self.state, tid, self._done())

    # ------------------------------------------------------------------ one task

    def _start_or_fail(self, pool: ThreadPoolExecutor, task_id: str) -> Future[Outcome] | None:
        """Start the task's agent; a task that cannot start (its worktree cannot be made, its
        log cannot be written) is recorded failed, with git's or the system's reason."""
        try:
            return self._start(pool, task_id)
        except (OrchestratorError, OSError) as exc:
            root = self.repo.root
            rec = self.state.tasks.get(task_id)
            if rec is None or rec.status != "running":  # it failed before it was recorded
                rec = self.state.tasks[task_id] = TaskRun(
                    status="failed",
                    branch=task_branch(self.plan.plan_id, task_id),
                    base=git.resolve(self.state.integration, root) or self.state.start,
                    started=now(),
                    log=log_path(root, self.plan.plan_id, task_id).relative_to(root).as_posix(),
                )
            rec.status = "failed"
            rec.finished = now()
            rec.detail = f"could not start: {reason(exc)}"
            self.save()
            report.task_ended(self.repo.root, self.plan, self.state, task_id, self._done())
            self.on_event(Event(task_id, rec.status, rec.detail))
            return None

    def _start(self, pool: ThreadPoolExecutor, task_id: str) -> Future[Outcome]:
        task = _task(self.plan, task_id)
        root = self.repo.root
        tip = git.resolve(self.state.integration, root)
        assert tip is not None
        branch = task_branch(self.plan.plan_id, task_id)
        worktree = self.repo.worktrees / task_id
        git.remove_worktree(worktree, root)  # what an earlier attempt left (a retry)
        worktree.parent.mkdir(parents=True, exist_ok=True)
        git.add_worktree(worktree, branch, tip, root)
        cwd = self.repo.workspace_in(worktree)
        log = log_path(root, self.plan.plan_id, task_id)
        self.state.tasks[task_id] = TaskRun(
            status="running",
            branch=branch,
            worktree=str(worktree),
            base=tip,
            started=now(),
            log=log.relative_to(root).as_posix(),
        )
        self.save()
        report.task_started(root, self.plan, task_id)
        command = agent_command(self.repo, self.plan, task, self.commands[task_id])
        env = agent_env(self.plan_path, task_id)
        self.on_event(Event(task_id, "started", command))

        def agent() -> Outcome:
            with open(log, "wb") as fh:
                fh.write(f"$ {command}\n".encode())
                fh.flush()
                return run_process(
                    ["/bin/sh", "-c", command],
                    cwd,
                    timeout=self.options.timeout,
                    env=env,
                    active=self.active,
                    log=fh,
                )

        return pool.submit(agent)

    def _finish(self, task_id: str, outcome: Outcome) -> None:
        rec = self.state.tasks[task_id]
        rec.finished = now()
        rec.duration = round(outcome.duration, 3)
        rec.exit_code = outcome.exit_code
        if outcome.status != "passed":
            rec.status = "timeout" if outcome.status == "timeout" else "failed"
            rec.detail = _agent_failure(outcome, self.options.timeout)
        else:
            try:
                self._integrate(_task(self.plan, task_id), rec)
            except (OrchestratorError, OSError) as exc:
                # the change could not be committed, checked or merged (a manifest the agent
                # broke, a worktree removed under it): the task fails, the run goes on
                rec.status = "failed"
                rec.merge = None
                rec.detail = reason(exc)
        self.save()
        report.task_ended(self.repo.root, self.plan, self.state, task_id, self._done())
        self.on_event(Event(task_id, rec.status, _said(rec), rec.duration))

    def _integrate(self, task: Task, rec: TaskRun) -> None:
        """Commit what the agent left on the task branch, then hold the change to the scope,
        check it and merge it (`integrate`); a merged task's worktree is removed unless kept."""
        assert rec.worktree is not None
        worktree = Path(rec.worktree)
        git.commit_everything(f"{task.task_id}: {first_line(task)}", worktree)
        rec.commit = git.resolve("HEAD", worktree)
        assert rec.commit is not None
        integrate(self.repo, self.plan_path, self.plan, self.state, task, worktree, self.checks)
        if rec.status == "done" and not self.options.keep_worktrees:
            git.remove_worktree(worktree, self.repo.root)
            rec.worktree = None


def _said(rec: TaskRun) -> str:
    """What a finished task's event line adds: why it failed, or where it was merged and the
    gates it passed."""
    if rec.status != "done" or rec.merge is None:
        return rec.detail or ""
    passed = f", {count(len(rec.gates), 'gate')} passed" if rec.gates else ""
    return f"merged as {rec.merge[:10]}{passed}"


def _agent_failure(outcome: Outcome, timeout: float | None) -> str:
    if outcome.status == "timeout":
        return f"no result after {timeout:g} s: its processes were stopped"
    if outcome.status == "not-found":
        return outcome.output.strip()
    if outcome.signal is not None:
        return f"the agent was killed by signal {outcome.signal}"
    return f"the agent exited with {outcome.exit_code}"


def run_plan(
    root: Path,
    plan_path: Path,
    plan: Plan,
    options: RunOptions,
    *,
    checks: Checks,
    on_event: Callable[[Event], None] = lambda e: None,
) -> PlanRun:
    """Run the plan's tasks that are not done (see the module's docstring); the state is
    recorded in tasks/<plan-id>/run.json as it changes and returned at the end. The plan's
    lock is held throughout: a second run or merge of the plan is refused meanwhile."""
    repo = Repo.of(root, plan.plan_id)  # a repository with a commit, said before the lock
    with plan_lock(root, plan.plan_id):
        return _Run(repo, plan_path, plan, options, checks, on_event).run()
