"""Which files a `validate` run checks, and as what content: the workspace's, some paths', the
index's, the files a change touched or the affected packages hold, the work tree's or a
commit's; with the projects nested outside the workspace that own some of them."""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from .. import git
from ..errors import GitError

if TYPE_CHECKING:
    from ..config import Config
    from ..engine.files import Selection
    from ..workspace import Workspace
    from .options import ValidateOptions


# A NamedTuple, not a dataclass: the class is built at every start-up, in a tenth of the time.
class FilesToCheck(NamedTuple):
    selection: Selection
    workspace: Workspace  # the workspace with the nested projects as packages of their own
    nested: tuple[str, ...]  # the folders of those projects
    change_base: str | None  # the merge base of the change the files were taken from


def files_to_check(
    ws: Workspace,
    config: Config,
    opts: ValidateOptions,
    pending: git.PendingListing | None = None,
) -> FilesToCheck:
    """The files ``opts`` name under ``config``'s excludes, and the workspace they answer to.
    ``pending``: git's listing of the workspace, started earlier (a whole-workspace run)."""
    from ..engine.projects import nested_project_folders
    from ..workspace import with_nested_projects

    selection, change_base = _select(ws, config, opts, pending)
    # Projects nested outside the workspace are checked on their own terms: their files are
    # owned by packages of their own (their manifest, their tsconfig), not by the root.
    nested = nested_project_folders(ws, [rel for rel, _ in selection.files])
    checked_ws = with_nested_projects(ws, nested)
    if opts.at is not None:
        selection = _at_commit(ws, selection, opts.at)
    return FilesToCheck(selection, checked_ws, tuple(nested), change_base)


def _select(
    ws: Workspace, config: Config, opts: ValidateOptions, pending: git.PendingListing | None
) -> tuple[Selection, str | None]:
    from ..engine import files as file_sel

    excludes = (*(file_sel.DEFAULT_EXCLUDES if config.default_excludes else ()), *config.exclude)
    ignore_files = config.honour_eslintignore
    if opts.staged:
        return file_sel.staged(ws.root, excludes, True, ignore_files), None
    pick = functools.partial(file_sel.select, ws.root, excludes=excludes, eslintignore=ignore_files)
    if opts.base is None and not opts.affected_only:
        chosen = pick(
            paths=opts.paths, cwd=opts.cwd, force_exclude=opts.force_exclude, pending=pending
        )
        return chosen, None
    # a change's files only: the change sources and the graph are read for those runs alone
    from ..affected import compute
    from ..changes import lockfile_texts, resolve_change_source

    cs = resolve_change_source(ws, base=opts.base, cwd=opts.cwd, env=opts.env)
    if opts.affected_only:
        result = compute(ws, cs, lockfile_versions=lambda: lockfile_texts(ws, cs))
        prefixes = [p.path + "/" for p in result.packages]
        listing = file_sel.workspace_files(ws.root)
        candidates = [r for r in listing if any(r.startswith(pre) for pre in prefixes)]
    else:
        candidates = [f.path for f in cs.files if (ws.root / f.path).is_file()]
    return pick(candidates=candidates), cs.merge_base


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
