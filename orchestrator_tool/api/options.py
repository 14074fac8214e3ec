"""The requests `validate` and `check` take: what to check and how, as frozen values.

>>> api.validate(ws, ValidateOptions(paths=["apps/web"], select=["IMP"], use_cache=False))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..formats.jsonc import OptionValue


@dataclass(frozen=True, kw_only=True)
class ValidateOptions:
    """Which files `validate` checks, with which validators, and what it does with the
    findings.

    The files: the workspace (nothing named), ``paths``, the ``staged`` content, the files a
    change touched (``base``), or the files the affected packages hold (``affected_only``).
    With ``at`` (a commit), the selected files are judged as they are in it, not in the work
    tree. With ``strict``, rules that are warnings by default for their measured precision are
    errors. With ``new_from_rev`` (default: ``[validate] new-from-rev``; ``""``: none), only
    the findings not present at that revision are reported; ``as_hook`` (as the hooks run it),
    with ``[hook] new-only`` (the default), those not present at the change's base (HEAD, or
    the merge base with ``base``)."""

    paths: Sequence[str] = ()
    staged: bool = False
    base: str | None = None
    affected_only: bool = False
    select: Sequence[str] = ()  # code prefixes; empty: orchestrator.toml's, or every one
    ignore: Sequence[str] = ()
    use_cache: bool = True
    jobs: int | None = None  # worker processes; None: one per core
    fix: bool = False
    unsafe_fixes: bool = False
    force_exclude: bool = False  # named paths are a selection: the excludes apply to them
    honour_eslint_disable: bool = True
    strict: bool = False
    baseline: Path | None = None
    update_baseline: bool = False
    grow_baseline: bool = False
    options: Mapping[str, Mapping[str, OptionValue]] | None = None  # code -> its options
    severity: Mapping[str, str] | None = None  # code -> severity
    cwd: Path | None = None  # what relative ``paths`` are relative to
    env: Mapping[str, str] | None = None  # where a CI base is detected (default: os.environ)
    at: str | None = None
    new_from_rev: str | None = None
    as_hook: bool = False


@dataclass(frozen=True, kw_only=True)
class CheckOptions:
    """Which change `check` judges, and which of its stages run how.

    The change: a range (``base``, ``head``), the ``staged`` one, named ``files``, or, with
    none, the CI's base or the default branch. The validators report the findings not present
    at ``new_from_rev`` (default: ``[validate] new-from-rev``), or ``as_hook`` with ``[hook]
    new-only`` (the default) at the change's own base: HEAD for the staged change and named
    files, the merge base of a range."""

    base: str | None = None
    head: str | None = None
    staged: bool = False
    files: Sequence[str] = ()
    only: Sequence[str] = ()  # stages (`validate`, `gates`); empty: every one
    skip: Sequence[str] = ()
    tasks: Sequence[str] | None = None  # the gates' package scripts; None: orchestrator.toml's
    fail_fast: bool = False
    shard: tuple[int, int] | None = None  # (K, N): the K-th of N shares of the gates
    timeout: float | None = None  # seconds per gate; None: orchestrator.toml's
    concurrency: int | None = None
    use_cache: bool = True
    strict: bool = False
    cwd: Path | None = None
    env: Mapping[str, str] | None = None
    new_from_rev: str | None = None
    as_hook: bool = False
