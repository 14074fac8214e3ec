"""`check`: the change → the packages it affects → the validators on the changed files → the
gates (typecheck, test, ...) on the affected packages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import git
from ..affected import compute
from ..changes import lockfile_texts, resolve_change_source
from ..errors import UsageError
from ..reporting.check_reports import CheckReport
from ..reporting.reports import ValidationReport
from .loading import load_config
from .options import CheckOptions, ValidateOptions
from .validation import validate

if TYPE_CHECKING:
    from ..affected import Affected
    from ..changes import ChangeSet
    from ..config import Config
    from ..gates import GateResult
    from ..workspace import Workspace

STAGES = ("validate", "gates")


def check(
    ws: Workspace,
    options: CheckOptions | None = None,
    *,
    on_gate: Callable[[GateResult], None] | None = None,
    on_validation: Callable[[ValidationReport], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckReport:
    """The whole pipeline over the change ``options`` name. ``on_validation`` gets the
    validators' report before the gates start (findings first), ``on_gate`` each gate's result
    as it ends, ``progress`` follows the validators' run."""
    opts = CheckOptions() if options is None else options
    stages = _stages(opts)
    config = load_config(ws.root)
    cs = resolve_change_source(
        ws,
        base=opts.base,
        head=opts.head,
        staged=opts.staged,
        files=opts.files,
        cwd=opts.cwd,
        env=opts.env,
    )
    result = compute(ws, cs, lockfile_versions=lambda: lockfile_texts(ws, cs))
    new_from_rev = opts.new_from_rev
    if opts.as_hook and config.hook_new_only and new_from_rev is None:
        new_from_rev = cs.merge_base or git.resolve("HEAD", ws.root) or ""  # "": no commit yet
    rev = config.new_from_rev if new_from_rev is None else new_from_rev
    if rev:  # named but not there: an error even when there is nothing to validate
        from ..engine.newfrom import revision

        revision(ws.root, rev)
    validation: ValidationReport | None = None
    if "validate" in stages and cs.files:
        validation = _validate_change(ws, cs, opts, new_from_rev, progress)
    if validation is not None and on_validation is not None:
        on_validation(validation)  # before the gates start: findings first
    gates: list[GateResult] = []
    gates_error: UsageError | None = None
    failed_validation = validation is not None and not validation.passed
    if "gates" in stages and result.packages and not (opts.fail_fast and failed_validation):
        try:
            gates = _run_gates(ws, config, result, opts, on_gate)
        except UsageError as exc:
            if validation is None:
                raise
            gates_error = exc
    from ..gates.missing import unrun_notes

    return CheckReport(
        changes=cs,
        affected=result,
        validation=validation,
        gates=tuple(gates),
        skipped_stages=tuple(s for s in STAGES if s not in stages),
        gates_error=gates_error,
        gate_notes=unrun_notes(gates, result.workspace_packages(ws), ws.root_package),
    )


def _stages(opts: CheckOptions) -> list[str]:
    """The stages ``only`` and ``skip`` leave, in their order."""
    for stage in (*opts.only, *opts.skip):
        if stage not in STAGES:
            raise UsageError(f"unknown stage {stage!r}", hint="stages: " + ", ".join(STAGES))
    return [s for s in STAGES if (not opts.only or s in opts.only) and s not in opts.skip]


def _validate_change(
    ws: Workspace,
    cs: ChangeSet,
    opts: CheckOptions,
    new_from_rev: str | None,
    progress: Callable[[int, int], None] | None,
) -> ValidationReport | None:
    """The validators on the staged content, or on the changed files that exist (None when
    none does)."""
    if opts.staged:
        staged = ValidateOptions(
            staged=True, use_cache=opts.use_cache, strict=opts.strict, new_from_rev=new_from_rev
        )
        return validate(ws, staged, progress=progress)
    changed = [f.path for f in cs.files if (ws.root / f.path).is_file()]
    if not changed:
        return None
    named = ValidateOptions(
        paths=changed,
        cwd=ws.root,
        use_cache=opts.use_cache,
        strict=opts.strict,
        force_exclude=True,
        at=opts.head,  # a range ending at a commit: its content, not the work tree's
        new_from_rev=new_from_rev,
    )
    return validate(ws, named, progress=progress)


def _run_gates(
    ws: Workspace,
    config: Config,
    result: Affected,
    opts: CheckOptions,
    on_gate: Callable[[GateResult], None] | None,
) -> list[GateResult]:
    from ..gates import run_gates

    return run_gates(
        ws,
        result.workspace_packages(ws),
        opts.tasks if opts.tasks else config.gate_tasks,
        runner=config.gate_runner,
        concurrency=opts.concurrency or config.gate_concurrency,
        timeout=opts.timeout or config.gate_timeout,
        fail_fast=opts.fail_fast,
        shard=opts.shard,
        on_result=on_gate,
    )
