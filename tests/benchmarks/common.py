"""Shared helpers for the benchmark and parity scripts (run by hand, not by pytest)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PEER_ENV = {
    "TURBO_TELEMETRY_DISABLED": "1",
    "DO_NOT_TRACK": "1",
    "TURBO_NO_UPDATE_NOTIFIER": "1",
    "TURBO_PRINT_VERSION_DISABLED": "1",
    # pnpm >= 10 would otherwise try to download the repository's pinned pnpm version.
    "npm_config_manage_package_manager_versions": "false",
}


def env(extra: dict[str, str] | None = None) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "TURBO_SCM"))}
    # Measure Python as users run it: with its bytecode cache (some sandboxes turn it off).
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e.update(PEER_ENV)
    e.update(extra or {})
    return e


def which(name: str, explicit: str | None) -> str:
    path = explicit or shutil.which(name)
    if not path:
        sys.exit(f"{name} not found: install it (npm install -g {name}) or pass --{name} PATH")
    return path


def orchestrator_cmd() -> list[str]:
    exe = shutil.which("orchestrator")
    return [exe] if exe else [sys.executable, "-m", "orchestrator_tool"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env()
    ).stdout


def run(
    cmd: list[str], cwd: Path, extra_env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    t = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, env=env(extra_env), check=False
    )
    return time.perf_counter() - t, proc


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def scratch_clone(src: Path, work: Path) -> Path:
    """A clone of ``src`` under ``work`` to check commits out in (the original is not touched)."""
    dst = work / src.name
    if not dst.exists():
        work.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", str(src), str(dst)], check=True, env=env())
    return dst


def at_commit(source: Path, commit: str, work: Path) -> Path:
    """``source`` itself when it is checked out at ``commit`` (read in place: `validate
    --no-cache` writes nothing), else a scratch clone under ``work`` checked out there."""
    if git(source, "rev-parse", "HEAD").strip() == commit:
        return source
    clone = scratch_clone(source, work)
    git(clone, "checkout", "-q", "-f", "--detach", commit)
    return clone


def checkout(repo: Path, sha: str) -> str | None:
    """Detached clean checkout. Turbo 2 refuses a v1 `pipeline` turbo.json: rewrite the key in
    the work tree and hide the edit from git (skip-worktree) so no tool sees it as a change."""
    subprocess.run(
        ["git", "-C", str(repo), "update-index", "--no-skip-worktree", "turbo.json"],
        capture_output=True,
        check=False,
    )
    git(repo, "checkout", "-q", "-f", "--detach", sha)
    git(repo, "clean", "-fdq")
    tj = repo / "turbo.json"
    if not tj.exists() and not (repo / "turbo.jsonc").exists():
        # turbo 2 runs nowhere without one: a pnpm/npm workspace without turbo gets the
        # smallest, with no global dependency, and git ignores it (.git/info/exclude).
        tj.write_text('{"tasks": {"build": {}}}\n', encoding="utf-8")
        exclude = repo / ".git/info/exclude"
        if "/turbo.json" not in exclude.read_text(encoding="utf-8").splitlines():
            with exclude.open("a", encoding="utf-8") as f:
                f.write("/turbo.json\n")
        return "no turbo.json: a minimal one written for turbo 2 (ignored by git)"
    if tj.exists():
        text = tj.read_text(encoding="utf-8")
        if '"pipeline"' in text and '"tasks"' not in text:
            tj.write_text(
                text.replace('"pipeline":', '"tasks":', 1).replace(
                    '"outputMode":', '"outputLogs":'
                ),
                encoding="utf-8",
            )
            git(repo, "update-index", "--skip-worktree", "turbo.json")
            return "turbo.json: v1 `pipeline` renamed to `tasks` for turbo 2 (hidden from git)"
    return None
