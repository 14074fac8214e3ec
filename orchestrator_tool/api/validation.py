"""The `validate` pipeline: choose the validators and the files, check them (through the
result cache), fix, run the workspace rules, then keep what the baseline and ``new-from-rev``
do not accept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .. import git
from ..errors import UsageError
from ..reporting.reports import ValidationReport
from .files_to_check import FilesToCheck, files_to_check
from .loading import load_config
from .options import ValidateOptions
from .result_key import cache_key
from .run_settings import run_settings

if TYPE_CHECKING:
    from ..config import Config
    from ..engine.cache import ResultCache
    from ..engine.crashes import Crash
    from ..engine.diagnostics import Diagnostic
    from ..engine.fixes import Withheld
    from ..engine.newfrom import Earlier
    from ..engine.runner import FileResult, Settings
    from ..workspace import Workspace


def validate(
    ws: Workspace,
    options: ValidateOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Run the validators over the files ``options`` name (default: the whole workspace).
    ``progress(files done, files in all)`` follows the run, several times a second."""
    from ..engine.aggregate import merge
    from ..engine.cached_run import check_files
    from ..engine.runner import Unparsed, check_workspace

    opts = ValidateOptions() if options is None else options
    config = load_config(ws.root)
    if opts.staged and (opts.paths or opts.base or opts.affected_only):
        raise UsageError("--staged checks the index: it does not combine with paths or --base")
    if opts.fix and opts.staged:
        raise UsageError("--fix rewrites the work tree, which --staged does not check")
    settings = run_settings(config, opts)
    chosen = files_to_check(ws, config, opts)
    rev = _new_from_rev(ws, config, opts, chosen.change_base)
    earlier = _earlier(ws, opts, chosen, rev) if rev is not None else None
    cache = _result_cache(ws, config, settings) if opts.use_cache else None
    files = chosen.selection.files
    cached, fresh = check_files(
        ws.root, files, settings, chosen.workspace, opts.jobs, cache, progress
    )
    results = cached + fresh
    fixed: list[tuple[str, int]] = []
    withheld: list[Withheld] = []
    if opts.fix:
        from ..engine.fixes import fix_files

        done = fix_files(ws.root, results, settings, chosen.workspace, unsafe=opts.unsafe_fixes)
        results, fixed, withheld = done.results, done.fixed, done.withheld
    whole = chosen.selection.source == "workspace"
    # Manifest-level rules (package names, graph cycles) run on whole-workspace runs.
    workspace_diags, workspace_crashes = check_workspace(settings, ws) if whole else ([], [])
    # one finding per fix: the places of a group (imports needing one manifest line) merge
    diagnostics = merge([*(d for r in results for d in r.diagnostics), *workspace_diags])
    introduced = None
    if earlier is not None:
        from ..engine import newfrom

        run_paths = [r.path for r in results]
        old = newfrom.check_earlier(
            ws, earlier, run_paths, settings, chosen.nested, opts.jobs, cache
        )
        introduced = newfrom.introduced(diagnostics, results, old, earlier)
    baselined = 0
    written: str | None = None
    if opts.baseline is not None:
        diagnostics, baselined, written = _apply_baseline(
            ws, opts, settings, results, workspace_crashes, whole, diagnostics
        )
    preexisting = 0
    if introduced is not None:
        from ..engine import newfrom

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
        excluded=chosen.selection.excluded,
        suppressed=sum(r.suppressed for r in results),
        fixed=tuple(fixed),
        withheld=tuple(withheld),
        source=chosen.selection.source,
        codes=tuple(s.code for s in settings.specs),
        baselined=baselined,
        baseline_written=written,
        new_from_rev=rev,
        preexisting=preexisting,
        nested_projects=chosen.nested,
        checked_paths=tuple(r.path for r in results if r.checked),
    )


def _new_from_rev(
    ws: Workspace, config: Config, opts: ValidateOptions, change_base: str | None
) -> str | None:
    """The revision whose findings are not reported again (None: every finding is): the
    request's, else, for a hook with ``[hook] new-only``, the change's base (the merge base
    of a range, else HEAD), else ``[validate] new-from-rev``."""
    rev = opts.new_from_rev
    if opts.as_hook and config.hook_new_only and rev is None:
        rev = change_base
        if rev is None:
            rev = git.resolve("HEAD", ws.root) or ""  # "": no commit yet, all is new
    return config.new_from_rev if rev is None else rev or None


def _earlier(ws: Workspace, opts: ValidateOptions, chosen: FilesToCheck, rev: str) -> Earlier:
    """The files as they were at ``rev``: before the run, so a REV that does not exist fails
    at once."""
    from ..engine import newfrom

    content = newfrom.INDEX if opts.staged else opts.at or newfrom.WORKTREE
    return newfrom.compare(ws.root, rev, content, [rel for rel, _ in chosen.selection.files])


def _result_cache(ws: Workspace, config: Config, settings: Settings) -> ResultCache:
    from ..engine import files as file_sel
    from ..engine.cache import ResultCache

    return ResultCache(
        ws.root,
        cache_key(ws, settings, config.digest),
        workspace_state=lambda: file_sel.workspace_state(ws.root),
    )


def _apply_baseline(
    ws: Workspace,
    opts: ValidateOptions,
    settings: Settings,
    results: Sequence[FileResult],
    workspace_crashes: Sequence[Crash],
    whole: bool,
    diagnostics: list[Diagnostic],
) -> tuple[list[Diagnostic], int, str | None]:
    """(the findings the baseline does not accept, how many it accepts, how the baseline
    file was written, if it was): the update comes first, from what this run judged."""
    from ..engine import baseline as bl

    assert opts.baseline is not None
    accepted = bl.load(opts.baseline)
    written: str | None = None
    if opts.update_baseline or opts.grow_baseline:
        covered = bl.covered_by(bl.coverage(ws, settings, results, workspace_crashes, whole))
        written = bl.update(
            opts.baseline, accepted, diagnostics, grow=opts.grow_baseline, covered=covered
        )
        accepted = bl.load(opts.baseline)
    unaccepted, accepted_now = bl.split(diagnostics, accepted)
    return unaccepted, len(accepted_now), written
