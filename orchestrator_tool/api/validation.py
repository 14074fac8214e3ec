"""The `validate` pipeline: choose the validators and the files, check them (through the
result cache), fix, run the workspace rules, then keep what the baseline and ``new-from-rev``
do not accept."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

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
    from ..engine.results import FileResult
    from ..engine.settings import Settings
    from ..workspace import Workspace


def validate(
    ws: Workspace,
    options: ValidateOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Run the validators over the files ``options`` name (default: the whole workspace).
    ``progress(files done, files in all)`` follows the run, several times a second."""
    from ..engine.cached_run import check_files
    from ..engine.results import Unparsed
    from ..engine.workspace_checks import check_workspace

    opts = ValidateOptions() if options is None else options
    config = load_config(ws.root)
    if opts.staged and (opts.paths or opts.base or opts.affected_only):
        raise UsageError("--staged checks the index: it does not combine with paths or --base")
    if opts.fix and opts.staged:
        raise UsageError("--fix rewrites the work tree, which --staged does not check")
    # A whole-workspace run starts git's listing first: git walks the work tree on another
    # core while the settings are made and the result cache is read.
    whole_run = not (opts.paths or opts.staged or opts.base or opts.affected_only)
    with git.PendingListing(ws.root) if whole_run else contextlib.nullcontext() as pending:
        settings = run_settings(config, opts)
        cache = _result_cache(ws, config, settings) if opts.use_cache else None
        chosen = files_to_check(ws, config, opts, pending)
    if cache is not None:
        selection = chosen.selection
        cache.selected(lambda: selection.sources(ws.root), selection.stats)
    rev = _new_from_rev(ws, config, opts, chosen.change_base)
    earlier = _earlier(ws, opts, chosen, rev) if rev is not None else None
    cached, fresh = check_files(
        ws.root, chosen.selection.files, settings, chosen.workspace, opts.jobs, cache, progress
    )
    results: list[FileResult] = cached + fresh
    fixed: list[tuple[str, int]] = []
    withheld: list[Withheld] = []
    if opts.fix:  # the fixer is imported for a fix run alone
        from ..engine.fixes import fix_files

        run = fix_files(ws.root, results, settings, chosen.workspace, unsafe=opts.unsafe_fixes)
        results, fixed, withheld = run.results, run.fixed, run.withheld
    whole = chosen.selection.source == "workspace"
    # Manifest-level rules (package names, graph cycles) run on whole-workspace runs.
    workspace_diags, workspace_crashes = check_workspace(settings, ws) if whole else ([], [])
    found = _Found(ws, opts, settings, results, workspace_crashes, whole)
    kept = found.kept(
        [*(d for r in results for d in r.diagnostics), *workspace_diags], earlier, chosen, cache
    )
    return ValidationReport(
        diagnostics=tuple(kept.diagnostics),
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
        baselined=kept.baselined,
        baseline_written=kept.written,
        new_from_rev=rev,
        preexisting=kept.preexisting,
        nested_projects=chosen.nested,
        checked_paths=tuple(r.path for r in results if r.checked),
    )


# NamedTuples, not dataclasses: the classes are built at every start-up, in a tenth of the time.
class _Kept(NamedTuple):
    diagnostics: list[Diagnostic]  # the findings reported
    baselined: int  # accepted by the baseline
    written: str | None  # how the baseline file was written, if it was
    preexisting: int  # present at new-from-rev


class _Found(NamedTuple):
    """What a run found, and what it judged (a baseline update covers that alone)."""

    ws: Workspace
    opts: ValidateOptions
    settings: Settings
    results: Sequence[FileResult]
    workspace_crashes: Sequence[Crash]
    whole: bool  # a whole-workspace run

    def kept(
        self,
        found: list[Diagnostic],
        earlier: Earlier | None,
        chosen: FilesToCheck,
        cache: ResultCache | None,
    ) -> _Kept:
        """The findings to report: merged (one per fix: the places of a group, imports
        needing one manifest line, are one finding), then those the baseline does not
        accept, then those not present at new-from-rev."""
        from ..engine.aggregate import merge

        diagnostics = merge(found)
        introduced = None
        if earlier is not None:
            from ..engine import newfrom

            run_paths = [r.path for r in self.results]
            old = newfrom.check_earlier(
                self.ws, earlier, run_paths, self.settings, chosen.nested, self.opts.jobs, cache
            )
            introduced = newfrom.introduced(diagnostics, self.results, old, earlier)
        baselined = 0
        written: str | None = None
        if self.opts.baseline is not None:
            diagnostics, baselined, written = self._apply_baseline(self.opts.baseline, diagnostics)
        preexisting = 0
        if introduced is not None:
            from ..engine import newfrom

            # after the baseline, which records and accepts every finding: both must let one
            # through for it to be reported
            diagnostics, preexisting = newfrom.keep_new(diagnostics, introduced)
        return _Kept(diagnostics, baselined, written, preexisting)

    def _apply_baseline(
        self, path: Path, diagnostics: list[Diagnostic]
    ) -> tuple[list[Diagnostic], int, str | None]:
        """(the findings the baseline does not accept, how many it accepts, how the baseline
        file was written, if it was): the update comes first, from what this run judged."""
        from ..engine import baseline as bl

        accepted = bl.load(path)
        written: str | None = None
        if self.opts.update_baseline or self.opts.grow_baseline:
            judged = bl.coverage(
                self.ws, self.settings, self.results, self.workspace_crashes, self.whole
            )
            written = bl.update(
                path,
                accepted,
                diagnostics,
                grow=self.opts.grow_baseline,
                covered=bl.covered_by(judged),
            )
            accepted = bl.load(path)
        unaccepted, accepted_now = bl.split(diagnostics, accepted)
        return unaccepted, len(accepted_now), written


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
    from ..engine.cache import ResultCache

    return ResultCache(ws.root, cache_key(ws, settings, config.digest))
