"""Run the selected validators over files: each file is read and parsed once, every validator
shares the tree. Large sets fan out over worker processes; small ones stay in-process."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import skips, suppressions
from .crashes import Crash
from .diagnostics import Diagnostic
from .languages import language_of
from .nesting import NestingTooDeep
from .reading import NotRead, read_inside
from .results import FileResult
from .run_state import RunState
from .settings import Settings
from .source import SourceFile
from .validator import Context

if TYPE_CHECKING:
    from ..workspace import Package, Workspace

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 120


def check_source(
    source: SourceFile,
    settings: Settings,
    workspace: Workspace | None = None,
    state: RunState | None = None,
) -> FileResult:
    """Every selected validator over one file; a validator that crashes is reported for this
    file and the others go on. A file nested too deeply to analyse is not checked, and is
    reported like a crash (the run is incomplete). ``state`` is the run's, when the file is
    one of many (its indexes are shared); without it, the file is a run of its own."""
    try:
        return _check_source(source, settings, workspace, state or RunState(workspace))
    except NestingTooDeep as exc:  # this file's: another file's is a crash of the rule reading it
        return FileResult(source.path, crashes=(Crash(source.path, None, exc.detail),))


def _check_source(
    source: SourceFile, settings: Settings, workspace: Workspace | None, state: RunState
) -> FileResult:
    data = source.data
    seen: dict[bytes, bool] = {}
    applicable = [s for s in settings.specs if s.applies(source.path, source.language, data, seen)]
    has_directives = b"orchestrator-ignore" in data
    if not applicable and not has_directives:
        return FileResult(source.path)
    if settings.overrides:
        applicable = [s for s in applicable if settings.enabled_for(s, source.path)]
    # The import rules go last: if no other validator has needed the tree by then, the
    # imports are read from the header and the file is never parsed.
    applicable.sort(key=lambda s: s.imports_only)
    source.imports_from_header = source.language != "python"
    package = workspace.owner_of(source.path) if workspace is not None else None
    found: list[Diagnostic] = []
    crashes: list[Crash] = []
    with state.reads.collecting() as read:
        if package is not None and package.nested:
            # The cache key covers the workspace's manifests, not a nested project's: its
            # verdicts depend on its package.json and tsconfig like on any file they read.
            state.reads.replay(_project_files(package))
        for spec in applicable:
            ctx = Context(
                spec,
                source,
                settings.options_for(spec, source.path),
                settings.severity_for(spec, source.path),
                workspace,
                package,
                state,
            )
            try:
                spec.check(ctx)
            except NestingTooDeep as exc:
                if exc.path == source.path:
                    raise
                crashes.append(Crash.raised(source.path, spec.code, exc))
                continue
            except Exception as exc:  # a validator bug must not end the run
                crashes.append(Crash.raised(source.path, spec.code, exc))
                continue
            found.extend(ctx.diagnostics)
    read.discard(source.path)
    # A file whose imports came from its header alone was never parsed: its checks did not
    # depend on the rest of its syntax.
    parsed = bool(applicable) and (source.parsed or source.language == "python")
    unparsed = source.unparsed() if parsed else ()
    syntax_error = bool(unparsed) and source.syntax_error
    suppressed = 0
    if found or has_directives:
        names = {s.code: (*s.eslint_equivalents, *s.biome_equivalents) for s in settings.specs}
        # The Biome rules the findings answer to: Biome comments naming none of them are
        # skipped without a parse.
        biome: set[str] | None = None
        if found and settings.honour_eslint_disable:
            codes = {d.code for d in found}
            biome = {n for s in settings.specs if s.code in codes for n in s.biome_equivalents}
        sup = suppressions.parse(source, biome)
        kept = [
            d
            for d in found
            if not sup.silences(d, names.get(d.code, ()), settings.honour_eslint_disable)
        ]
        suppressed = len(found) - len(kept)
        for line, col, message in sup.problems:
            kept.append(
                Diagnostic(
                    code=suppressions.SUPPRESSION_CODE,
                    name="suppression-needs-reason",
                    message=message,
                    path=source.path,
                    line=line,
                    column=col,
                    end_line=line,
                    end_column=col,
                    severity="error",
                    package=package.name if package else None,
                    fingerprint=f"{suppressions.SUPPRESSION_CODE}:{source.path}:{message}",
                )
            )
        found = kept
    found.sort(key=Diagnostic.sort_key)
    return FileResult(
        source.path,
        tuple(found),
        unparsed,
        syntax_error,
        None,
        tuple(crashes),
        suppressed,
        tuple(sorted(read)),
    )


def _project_files(package: Package) -> list[str]:
    from ..workspace import manifest_rel

    files = [manifest_rel(package.path)]
    if package.tsconfig is not None:
        files += [package.tsconfig.path, *package.tsconfig.extends]
    return files


def load_source(
    root: Path, rel: str, max_bytes: int, data: bytes | None = None
) -> SourceFile | FileResult:
    """The file as a SourceFile, or a FileResult saying why it is skipped."""
    language = language_of(rel)
    if language is None:
        return FileResult(rel, skipped="not a supported file type")
    if data is None:
        try:
            data = read_inside(root, rel, max_bytes)
        except FileNotFoundError:
            return FileResult(rel, skipped="deleted")
        except NotRead as exc:
            return FileResult(rel, skipped=str(exc))
        except OSError as exc:
            return FileResult(rel, skipped=f"unreadable: {exc.strerror}")
    if len(data) > max_bytes:
        return FileResult(rel, skipped=f"larger than {max_bytes} bytes")
    if b"\0" in data[:8192]:
        return FileResult(rel, skipped="binary")
    why = skips.generated(rel, data)
    if why is not None:
        return FileResult(rel, skipped=why)
    return SourceFile(rel, data, language)


# --------------------------------------------------------------------------- workers


def run(
    root: Path,
    files: Sequence[tuple[str, bytes | None]],
    settings: Settings,
    workspace: Workspace | None = None,
    jobs: int | None = None,
    tick: Callable[[int, int], None] | None = None,
) -> list[FileResult]:
    """Check ``files`` (relative path, and the content when it does not come from disk, e.g.
    the index) in worker processes, each file within ``settings.file_timeout``. Results come
    back in the order of ``files``; ``tick(done, len(files))`` follows the run."""
    if not files:
        return []  # everything came from the cache: no worker, no validator module imported
    from .pool import check_all
    from .spec_table import load_checks

    # Made before the workers are forked: each fills its own copy, for this run alone; the
    # validator modules are imported once, here, not in each worker.
    state = RunState(workspace)
    load_checks(settings.specs)

    def check(i: int) -> FileResult:
        rel, data = files[i]
        asset = skips.static_asset(rel, workspace)
        if asset is not None:
            return FileResult(rel, skipped=asset)
        loaded = load_source(root, rel, settings.max_bytes, data)
        if isinstance(loaded, FileResult):
            return loaded
        return check_source(loaded, settings, workspace, state)

    def not_checked(i: int, why: str) -> FileResult:
        return FileResult(files[i][0], crashes=(Crash(files[i][0], None, why),))

    jobs = jobs or os.cpu_count() or 1
    # A small run gets one worker (it still keeps a file that hangs or crashes from ending
    # the run); below this many files more processes cost more than they save.
    if len(files) < PARALLEL_THRESHOLD:
        jobs = 1
    # Many small batches balance the load; each batch pays one round trip.
    return check_all(
        len(files),
        check,
        not_checked,
        jobs=jobs,
        batch=max(8, len(files) // (jobs * 8)),
        timeout=settings.file_timeout or None,
        tick=tick,
    )
