"""The public Python API: what the CLI (and any plugin or script) calls.

>>> from orchestrator_tool import api
>>> ws = api.load_workspace()
>>> result = api.affected(ws, base="origin/main")
>>> [p.name for p in result.packages]
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import git
from ..affected import Affected, ChangeSet, Reason, compute
from ..changes import lockfile_texts, resolve_change_source
from ..engine.selection import enabled_specs, select_specs
from ..errors import GitError, MissingRefError, UsageError
from ..workspace import Workspace, find_root, scan

if TYPE_CHECKING:
    from ..config import Config
    from ..engine.crashes import Crash
    from ..engine.diagnostics import Diagnostic
    from ..engine.files import Selection
    from ..engine.fixes import Withheld
    from ..engine.runner import Settings, Unparsed
    from ..engine.validator import OptionValue
    from ..gates import GateResult
    from ..planning import Plan

__all__ = [
    "affected",
    "enabled_specs",
    "load_workspace",
    "select_specs",
]


def load_workspace(root: Path | None = None, cwd: Path | None = None) -> Workspace:
    """Scan the monorepo at ``root`` (default: found from ``cwd`` upwards)."""
    if root is None:
        root = find_root(cwd or Path.cwd())
    elif not root.is_dir():
        raise UsageError(f"--root {root} is not a folder")
    return scan(root)


# --------------------------------------------------------------------------- affected


def affected(
    ws: Workspace,
    *,
    base: str | None = None,
    head: str | None = None,
    staged: bool = False,
    uncommitted: bool = False,
    files: Sequence[str] = (),
    dependents: bool = True,
    on_missing_base: str = "error",
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Affected:
    """The packages a change affects, each with the reasons why.

    ``on_missing_base="all"`` turns a base that does not exist locally into "every package is
    affected", announced in the result's notes, instead of an error.
    """
    if on_missing_base not in ("error", "all"):
        raise UsageError("--on-missing-base must be `error` or `all`")
    try:
        cs = resolve_change_source(
            ws,
            base=base,
            head=head,
            staged=staged,
            uncommitted=uncommitted,
            files=files,
            cwd=cwd,
            env=env,
        )
    except MissingRefError as exc:
        if on_missing_base != "all":
            raise
        note = f"{exc.message}; every package counts as affected (--on-missing-base=all)"
        cs = ChangeSet("range", (), base=base, head=head, notes=(note,))
        return compute(
            ws,
            cs,
            dependents=False,
            everything_because=Reason("missing-base", note),
        )

    def reader() -> tuple[str | None, str | None]:
        try:
            return lockfile_texts(ws, cs)
        except GitError:
            return None, None

    return compute(ws, cs, dependents=dependents, lockfile_versions=reader)


# --------------------------------------------------------------------------- validate


@dataclass(frozen=True)
class ValidationReport:
    """What `orchestrator validate` found."""

    diagnostics: tuple[Diagnostic, ...]
    files_checked: int
    cached: int
    unparsed: tuple[Unparsed, ...]  # files with regions the checks could not read, by path
    crashes: tuple[Crash, ...]  # validators that failed, files not checked
    skipped: tuple[tuple[str, str], ...]  # (path, why)
    excluded: int
    suppressed: int
    fixed: tuple[tuple[str, int], ...] = ()  # (path, fixes applied)
    withheld: tuple[Withheld, ...] = ()  # unsafe fixes not applied: they would add findings
    source: str = "workspace"
    codes: tuple[str, ...] = ()
    baselined: int = 0  # findings the baseline accepts (not in `diagnostics`)
    baseline_written: str | None = None  # "created", "shrunk", "grown", "unchanged"
    nested_projects: tuple[str, ...] = ()  # folders checked as projects of their own
    new_from_rev: str | None = None  # only findings not present at this revision are reported
    preexisting: int = 0  # findings present at new_from_rev (not in `diagnostics`)
    checked_paths: tuple[str, ...] = ()  # the files counted in files_checked (CI reports)

    @property
    def complete(self) -> bool:
        """Whether every validator ran to its end on every file (a crash, or a file not
        checked, makes the run incomplete: it fails, with exit code 3, whatever the findings)."""
        return not self.crashes

    @property
    def parse_errors(self) -> tuple[str, ...]:
        """The paths in ``unparsed`` (what the report held before it held regions)."""
        return tuple(u.path for u in self.unparsed)

    @property
    def passed(self) -> bool:
        """No error-severity finding, and every file was checked: a validator that crashed,
        or a file too deeply nested to analyse, leaves the run incomplete, never green."""
        return not self.crashes and not any(d.severity == "error" for d in self.diagnostics)


def _at_commit(ws: Workspace, selection: Selection, rev: str) -> Selection:
    """The selection's files with their content at ``rev`` (those missing there left out)."""
    top = git.toplevel(ws.root)
    if top is None:
        raise GitError(f"{ws.root} is not inside a git repository", hint="a commit needs git")
    prefix = git.repo_prefix(ws.root, top)
    blobs = git.read_blobs([prefix + rel for rel, _ in selection.files], top, rev)
    return replace(
        selection,
        files=tuple(
            (rel, blobs[prefix + rel]) for rel, _ in selection.files if prefix + rel in blobs
        ),
    )


def load_config(root: Path) -> Config:
    """The monorepo's orchestrator.toml, resolved (defaults when there is none)."""
    from ..config import load

    return load(root)


def _cache_key(ws: Workspace, settings: Settings, config_digest: str = "") -> str:
    import hashlib

    from .. import __version__
    from ..reporting.jsonout import to_jsonable

    facts = to_jsonable(
        {
            "packages": ws.packages,
            "root": ws.root_package,
            "catalogs": ws.catalogs,
        }
    )
    config = [
        sorted(s.code for s in settings.specs),
        {s.code: [settings.severity_for(s), settings.options_for(s)] for s in settings.specs},
        settings.honour_eslint_disable,
        settings.max_bytes,
        config_digest,  # covers per-path overrides
    ]
    code = _code_fingerprint(tuple(sorted({s.module for s in settings.specs})))
    parsers = _parser_versions()
    blob = json.dumps(
        [__version__, code, parsers, config, facts], sort_keys=True, default=str
    ).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


# The parsers' distributions: another version may read the same file into another tree.
_PARSERS = ("tree-sitter", "tree-sitter-typescript", "libcst")


@functools.lru_cache(maxsize=1)
def _parser_versions() -> dict[str, str]:
    from importlib import metadata

    out: dict[str, str] = {}
    for dist in _PARSERS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


@functools.lru_cache(maxsize=8)
def _code_fingerprint(modules: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Size and mtime of the tool's own sources and of the validator modules (plugins too):
    an edited or reinstalled validator, even under the same version number, misses the
    cache instead of returning the old findings."""
    import sys

    files = sorted(Path(__file__).parents[1].rglob("*.py"))
    for name in modules:
        module_file = getattr(sys.modules.get(name), "__file__", None)
        if module_file:
            files.append(Path(module_file))
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f), st.st_size, st.st_mtime_ns))
    return out


def validate(
    ws: Workspace,
    *,
    paths: Sequence[str] = (),
    staged: bool = False,
    base: str | None = None,
    affected_only: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    use_cache: bool = True,
    jobs: int | None = None,
    fix: bool = False,
    unsafe_fixes: bool = False,
    force_exclude: bool = False,
    honour_eslint_disable: bool = True,
    strict: bool = False,
    baseline: Path | None = None,
    update_baseline: bool = False,
    grow_baseline: bool = False,
    options: Mapping[str, Mapping[str, OptionValue]] | None = None,
    severity: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    at: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    new_from_rev: str | None = None,
    as_hook: bool = False,
) -> ValidationReport:
    """Run the validators over the workspace, some paths, the staged content, or the files a
    change touched (``base``) or the affected packages hold (``affected_only``). With ``at``
    (a commit), the selected files are judged as they are in it, not in the work tree. With
    ``strict``, rules that are warnings by default for their measured precision are errors.
    With ``new_from_rev`` (default: ``[validate] new-from-rev``; ``""``: none), only the
    findings not present at that revision are reported; ``as_hook`` (as the hooks run it),
    with ``[hook] new-only`` (the default), those not present at the change's base (HEAD, or
    the merge base with ``base``). ``progress(files done, files in all)`` follows the run,
    several times a second."""
    from ..engine import files as file_sel
    from ..engine.aggregate import merge
    from ..engine.cache import ResultCache
    from ..engine.cached_run import check_files
    from ..engine.runner import PathOverride, Settings, Unparsed

    config = load_config(ws.root)
    new_only = as_hook and config.hook_new_only
    if staged and (paths or base or affected_only):
        raise UsageError("--staged checks the index: it does not combine with paths or --base")
    if fix and staged:
        raise UsageError("--fix rewrites the work tree, which --staged does not check")
    specs, default_off = enabled_specs(config, select, ignore)
    settings = Settings(
        specs=tuple(specs),
        severity={
            **{c: v.severity for c, v in config.validators.items() if v.severity},
            **(severity or {}),
        },
        options={
            **{c: v.options for c, v in config.validators.items() if v.options},
            **(options or {}),
        },
        honour_eslint_disable=honour_eslint_disable and config.honour_eslint_disable,
        max_bytes=config.max_file_size,
        file_timeout=config.file_timeout,
        overrides=tuple(
            PathOverride(
                o.paths,
                enabled={c: v.enabled for c, v in o.validators.items() if v.enabled is not None},
                severity={c: v.severity for c, v in o.validators.items() if v.severity},
                options={c: v.options for c, v in o.validators.items() if v.options},
            )
            for o in config.overrides
        ),
        default_off=frozenset(default_off),
        strict=strict or config.strict,
    )
    excludes = (*(file_sel.DEFAULT_EXCLUDES if config.default_excludes else ()), *config.exclude)
    ignore_files = config.honour_eslintignore
    pick = functools.partial(file_sel.select, ws.root, excludes=excludes, eslintignore=ignore_files)
    if staged:
        selection = file_sel.staged(ws.root, excludes, True, ignore_files)
    elif base is not None or affected_only:
        cs = resolve_change_source(ws, base=base, cwd=cwd, env=env)
        if new_only and new_from_rev is None:
            new_from_rev = cs.merge_base
        if affected_only:
            result = compute(ws, cs, lockfile_versions=lambda: lockfile_texts(ws, cs))
            prefixes = [p.path + "/" for p in result.packages]
            listing = file_sel.workspace_files(ws.root)
            candidates = [r for r in listing if any(r.startswith(pre) for pre in prefixes)]
        else:
            candidates = [f.path for f in cs.files if (ws.root / f.path).is_file()]
        selection = pick(candidates=candidates)
    else:
        selection = pick(paths=paths, cwd=cwd, force_exclude=force_exclude)
    from ..engine.projects import nested_project_folders
    from ..workspace import with_nested_projects

    # Projects nested outside the workspace are checked on their own terms: their files are
    # owned by packages of their own (their manifest, their tsconfig), not by the root.
    nested = nested_project_folders(ws, [rel for rel, _ in selection.files])
    checked_ws = with_nested_projects(ws, nested)
    if at is not None:
        selection = _at_commit(ws, selection, at)
    if new_only and new_from_rev is None:
        new_from_rev = git.resolve("HEAD", ws.root) or ""  # "": no commit yet, all is new
    rev = config.new_from_rev if new_from_rev is None else new_from_rev or None
    if rev is not None:  # before the run: a REV that does not exist fails at once
        from ..engine import newfrom

        content = newfrom.INDEX if staged else at or newfrom.WORKTREE
        earlier = newfrom.compare(ws.root, rev, content, [rel for rel, _ in selection.files])

    cache = (
        ResultCache(
            ws.root,
            _cache_key(ws, settings, config.digest),
            workspace_state=lambda: file_sel.workspace_state(ws.root),
        )
        if use_cache
        else None
    )
    cached, fresh = check_files(
        ws.root, selection.files, settings, checked_ws, jobs, cache, progress
    )
    results = cached + fresh

    fixed: list[tuple[str, int]] = []
    withheld: list[Withheld] = []
    if fix:
        from ..engine.fixes import fix_files

        done = fix_files(ws.root, results, settings, checked_ws, unsafe=unsafe_fixes)
        results, fixed, withheld = done.results, done.fixed, done.withheld

    workspace_diags: list[Diagnostic] = []
    workspace_crashes: list[Crash] = []
    if selection.source == "workspace":
        # Manifest-level rules (package names, graph cycles) run on whole-workspace runs.
        from ..engine.runner import check_workspace

        workspace_diags, workspace_crashes = check_workspace(settings, ws)
    # one finding per fix: the places of a group (imports needing one manifest line) merge
    diagnostics = merge([*(d for r in results for d in r.diagnostics), *workspace_diags])
    introduced: list[Diagnostic] | None = None
    if rev is not None:
        run_paths = [r.path for r in results]
        old = newfrom.check_earlier(ws, earlier, run_paths, settings, nested, jobs, cache)
        introduced = newfrom.introduced(diagnostics, results, old, earlier)
    baselined = 0
    written: str | None = None
    if baseline is not None:
        from ..engine import baseline as bl

        accepted = bl.load(baseline)
        if update_baseline or grow_baseline:
            covered = bl.covered_by(
                bl.coverage(
                    ws, settings, results, workspace_crashes, selection.source == "workspace"
                )
            )
            written = bl.update(
                baseline, accepted, diagnostics, grow=grow_baseline, covered=covered
            )
            accepted = bl.load(baseline)
        unaccepted, accepted_now = bl.split(diagnostics, accepted)
        baselined = len(accepted_now)
        diagnostics = unaccepted
    preexisting = 0
    if introduced is not None:
        # after the baseline, which records and accepts every finding: both must let one
        # through for it to be reported
        diagnostics, preexisting = newfrom.keep_new(diagnostics, introduced)
    return ValidationReport(
        diagnostics=tuple(diagnostics),
        files_checked=sum(1 for r in results if r.checked),
        cached=len(cached),
        unparsed=tuple(
            Unparsed(r.path, r.unparsed, r.syntax_error)
            for r in sorted(results, key=lambda r: r.path)
            if r.unparsed
        ),
        crashes=(*(c for r in results for c in r.crashes), *workspace_crashes),
        skipped=tuple((r.path, r.skipped) for r in results if r.skipped),
        excluded=selection.excluded,
        suppressed=sum(r.suppressed for r in results),
        fixed=tuple(fixed),
        withheld=tuple(withheld),
        source=selection.source,
        codes=tuple(s.code for s in settings.specs),
        baselined=baselined,
        baseline_written=written,
        new_from_rev=rev,
        preexisting=preexisting,
        nested_projects=tuple(nested),
        checked_paths=tuple(r.path for r in results if r.checked),
    )


# --------------------------------------------------------------------------- check


@dataclass(frozen=True)
class CheckReport:
    """`orchestrator check`: the change, what it affects, the validators and the gates."""

    changes: ChangeSet
    affected: Affected
    validation: ValidationReport | None
    gates: tuple[GateResult, ...]
    skipped_stages: tuple[str, ...]
    interrupted: bool = False
    # why the gates could not start (their runner is not installed): the validators' results
    # are still reported, then this error
    gates_error: UsageError | None = None

    @property
    def ok(self) -> bool:
        return (
            (self.validation is None or self.validation.passed)
            and all(g.ok for g in self.gates)
            and not self.interrupted
            and self.gates_error is None
        )


STAGES = ("validate", "gates")


def check(
    ws: Workspace,
    *,
    base: str | None = None,
    head: str | None = None,
    staged: bool = False,
    files: Sequence[str] = (),
    only: Sequence[str] = (),
    skip: Sequence[str] = (),
    tasks: Sequence[str] | None = None,
    fail_fast: bool = False,
    shard: tuple[int, int] | None = None,
    timeout: float | None = None,
    concurrency: int | None = None,
    use_cache: bool = True,
    strict: bool = False,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    on_gate: Callable[[GateResult], None] | None = None,
    on_validation: Callable[[ValidationReport], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    new_from_rev: str | None = None,
    as_hook: bool = False,
) -> CheckReport:
    """The whole pipeline: changes → affected packages → validators on the changed files →
    gates on the affected packages. The validators report the findings not present at
    ``new_from_rev`` (default: ``[validate] new-from-rev``), or ``as_hook`` with
    ``[hook] new-only`` (the default) at the change's own base: HEAD for the staged change and
    named files, the merge base of a range."""
    from ..gates import run_gates

    for stage in (*only, *skip):
        if stage not in STAGES:
            raise UsageError(f"unknown stage {stage!r}", hint="stages: " + ", ".join(STAGES))
    stages = [s for s in STAGES if (not only or s in only) and s not in skip]
    config = load_config(ws.root)
    new_only = as_hook and config.hook_new_only
    cs = resolve_change_source(
        ws, base=base, head=head, staged=staged, files=files, cwd=cwd, env=env
    )
    result = compute(ws, cs, lockfile_versions=lambda: lockfile_texts(ws, cs))
    validation: ValidationReport | None = None
    gates: list[GateResult] = []
    gates_error: UsageError | None = None
    if new_only and new_from_rev is None:
        new_from_rev = cs.merge_base or git.resolve("HEAD", ws.root) or ""  # "": no commit yet
    rev = config.new_from_rev if new_from_rev is None else new_from_rev
    if rev:  # named but not there: an error even when there is nothing to validate
        from ..engine.newfrom import revision

        revision(ws.root, rev)
    if "validate" in stages and cs.files:
        if staged:
            validation = validate(
                ws,
                staged=True,
                use_cache=use_cache,
                strict=strict,
                progress=progress,
                new_from_rev=new_from_rev,
            )
        else:
            changed = [f.path for f in cs.files if (ws.root / f.path).is_file()]
            validation = (
                validate(
                    ws,
                    paths=changed,
                    cwd=ws.root,
                    use_cache=use_cache,
                    strict=strict,
                    force_exclude=True,
                    at=head,  # a range ending at a commit: its content, not the work tree's
                    progress=progress,
                    new_from_rev=new_from_rev,
                )
                if changed
                else None
            )
    if validation is not None and on_validation is not None:
        on_validation(validation)  # before the gates start: findings first
    failed_validation = validation is not None and not validation.passed
    if "gates" in stages and result.packages and not (fail_fast and failed_validation):
        by_path = ws.by_path
        packages = [by_path[p.path] for p in result.packages if p.path in by_path]
        try:
            gates = run_gates(
                ws,
                packages,
                tasks if tasks else config.gate_tasks,
                runner=config.gate_runner,
                concurrency=concurrency or config.gate_concurrency,
                timeout=timeout or config.gate_timeout,
                fail_fast=fail_fast,
                shard=shard,
                on_result=on_gate,
            )
        except UsageError as exc:
            if validation is None:
                raise
            gates_error = exc
    return CheckReport(
        changes=cs,
        affected=result,
        validation=validation,
        gates=tuple(gates),
        skipped_stages=tuple(s for s in STAGES if s not in stages),
        gates_error=gates_error,
    )


# --------------------------------------------------------------------------- plans


def make_plan(
    ws: Workspace,
    request: str,
    *,
    scope: Sequence[str] = (),
    affected_base: str | None = None,
    affected_head: str | None = None,
    affected_only: bool = False,
    pattern: str | None = None,
    plan_id: str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Plan:
    """A scoped task plan for ``request``: over ``scope`` (paths or package names), or over the
    packages a change affects (``affected_only``, with ``affected_base``/CI detection)."""
    from .. import planning

    if not request.strip():
        raise UsageError("the plan needs a request", hint='orchestrator plan "Add …" --scope …')
    if bool(scope) == affected_only:
        raise UsageError(
            "choose the plan's scope: --scope PATH|PACKAGE ... or --affected",
        )
    if plan_id is not None:
        planning.path_id(plan_id, "--id")
    config = load_config(ws.root)
    library = planning.load_library(ws.root, config)
    changed: list[str] = []
    if affected_only:
        result = affected(ws, base=affected_base, head=affected_head, cwd=cwd, env=env)
        changed = result.changes.paths()
        units = [
            planning.Unit(p.path, ws.by_path.get(p.path))
            for p in result.packages
            if p.path in ws.by_path
        ]
        cs = result.changes
        source = f"affected {cs.base or ''}...{cs.head or 'work tree'}".strip()
        if not units:
            raise UsageError(
                "the change affects no package: there is nothing to plan",
                hint="check the range with `orchestrator affected`",
            )
    else:
        units = planning.resolve_scope(ws, scope, cwd)
        source = "--scope"
    choice = planning.choose_pattern(library, request, changed, pattern)
    specs, _ = enabled_specs(config)
    return planning.build_plan(
        ws,
        request,
        units,
        library=library,
        choice=choice,
        source=source,
        plan_id=plan_id,
        validators=specs,
    )


@dataclass(frozen=True)
class TaskCheck:
    """What `plan done` ran for a task."""

    plan_path: Path
    task: str
    gates: tuple[GateResult, ...]
    validation: ValidationReport | None
    waiting_for: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return (
            not self.waiting_for
            and all(g.ok for g in self.gates)
            and (self.validation is None or self.validation.passed)
        )


def plan_done(
    ws: Workspace,
    task_id: str,
    *,
    plan: str | None = None,
    on_gate: Callable[[GateResult], None] | None = None,
    now: str | None = None,
    baseline: Path | None = None,
) -> TaskCheck:
    """Run a task's gates and validators; when they pass (and its dependencies are done),
    record it as done in plan.json with the time and HEAD. With ``baseline``, the findings it
    accepts (the package's old ones) do not count."""
    import datetime

    from .. import planning
    from ..gates import run_gates

    path = planning.find_plan(ws.root, plan, task_id)
    the_plan = planning.load_plan(path)
    task = the_plan.task(task_id)
    if task is None:
        raise UsageError(f"plan {the_plan.plan_id} has no task {task_id!r}")
    state = planning.status(the_plan)
    waiting = tuple(d for d in task.dependencies if state.get(d) != "done")
    if waiting:
        return TaskCheck(path, task_id, (), None, waiting)
    config = load_config(ws.root)
    results: list[GateResult] = []
    by_path = ws.by_path
    for script in dict.fromkeys(g.task for g in task.gates):
        pkgs = [by_path[g.path] for g in task.gates if g.task == script and g.path in by_path]
        results += run_gates(
            ws,
            pkgs,
            [script],
            runner=config.gate_runner,
            concurrency=config.gate_concurrency,
            timeout=config.gate_timeout,
            on_result=on_gate,
        )
    validation = None
    existing = [p for p in task.scope if (ws.root / p).exists()]
    if task.validators and existing:
        validation = validate(
            ws,
            paths=existing,
            select=task.validators,
            cwd=ws.root,
            force_exclude=True,
            baseline=baseline,
        )
    check = TaskCheck(path, task_id, tuple(results), validation, ())
    if check.ok:
        head = git.resolve("HEAD", ws.root)
        stamp = now or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        planning.mark_done(path, the_plan, task_id, stamp, head)
    return check


@dataclass(frozen=True)
class ScopeCheck:
    plan_id: str
    task: str
    scope: tuple[str, ...]
    changed: tuple[str, ...]
    outside: tuple[str, ...]
    source: str


def plan_check(
    ws: Workspace,
    task_id: str,
    *,
    plan: str | None = None,
    staged: bool = False,
    base: str | None = None,
    head: str | None = None,
    cwd: Path | None = None,
) -> ScopeCheck:
    """The scope guard: the changed files (staged, a range, or everything uncommitted) that
    lie outside the task's scope."""
    from .. import planning

    path = planning.find_plan(ws.root, plan, task_id)
    the_plan = planning.load_plan(path)
    task = the_plan.task(task_id)
    if task is None:
        raise UsageError(f"plan {the_plan.plan_id} has no task {task_id!r}")
    cs = resolve_change_source(
        ws, base=base, head=head, staged=staged, uncommitted=not (staged or base), cwd=cwd
    )
    changed = tuple(sorted(set(cs.paths())))
    return ScopeCheck(
        the_plan.plan_id,
        task_id,
        tuple(task.scope),
        changed,
        tuple(planning.outside_scope(the_plan, task, changed)),
        cs.source,
    )
