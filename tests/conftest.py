from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

# The signal tests send SIGINT to a command and expect Ctrl-C's behaviour. A suite started as a
# background job (`cmd &`, `setsid`, some CI runners) inherits SIGINT ignored, and a command
# keeps an ignored signal ignored, as it should; so the suite's own commands start with the
# default: a Python handler here becomes the default disposition in every child after exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "monorepos"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV)
    env["HOME"] = str(cwd)  # no user-level git config leaks in
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def commit_all(repo: Path, message: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """Copy a fixture monorepo to a temp dir, `git init` it and commit everything."""

    def _make(name: str, *, commit: bool = True, dest: str | None = None) -> Path:
        dst = tmp_path / (dest or name.replace("/", "-"))
        shutil.copytree(FIXTURES / name, dst, symlinks=True)
        git(dst, "init", "-q")
        if commit:
            commit_all(dst, "initial")
        return dst

    return _make


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess (exit codes and stderr as a user sees them)."""
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "TURBO_SCM"))
    }
    full_env.pop("CI", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "orchestrator_tool", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


# What a source tree holds besides the project's files: environments, caches, build output.
_NOT_PROJECT = {".ci-tools", "build", "dist", "dist-ci"}
_NOT_PROJECT_SUFFIXES = ("__pycache__", "_cache", ".egg-info")


def project_files() -> list[str]:
    """This repository's files, relative to it: git's list (tracked and untracked, without
    the ignored) in a checkout; in an unpacked source distribution, which has no .git, every
    file but the environments and caches the tests and installs leave there."""
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() == REPO.resolve():
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        return [raw.decode() for raw in listing.split(b"\0") if raw]
    files: list[str] = []
    for folder, dirs, names in os.walk(REPO):
        dirs[:] = [
            d
            for d in dirs
            if d not in _NOT_PROJECT
            and not d.startswith(".venv")
            and not d.endswith(_NOT_PROJECT_SUFFIXES)
        ]
        files += [os.path.relpath(os.path.join(folder, n), REPO) for n in names]
    return files


def pyproject() -> dict:
    """This repository's pyproject.toml."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # the runtime dependency the package declares for 3.10
        import tomli as tomllib
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


# Set by .ci/run: a test whose outside tool is missing fails instead of skipping, so CI runs
# every test. Elsewhere (a fresh clone with only Python and git) such a test skips, saying why.
REQUIRE_TOOLS = "ORCHESTRATOR_REQUIRE_TOOLS"


def missing_tool(name: str, install: str, where: str = "on PATH") -> NoReturn:
    """Skip the test that needs ``name`` (or fail it when ORCHESTRATOR_REQUIRE_TOOLS=1).
    ``install`` says how to get it."""
    if os.environ.get(REQUIRE_TOOLS) == "1":
        pytest.fail(f"{name} is not {where}, and {REQUIRE_TOOLS}=1 requires it ({install})")
    pytest.skip(f"needs {name}, which is not {where} ({install}); .ci/run installs it")


def require_tool(name: str, install: str) -> str:
    """The path of the command ``name`` on PATH; without it, skip the test (or fail it when
    ORCHESTRATOR_REQUIRE_TOOLS=1)."""
    exe = shutil.which(name)
    if exe is None:
        missing_tool(name, install)
    return exe


def pnpm() -> str:
    """The pnpm the end-to-end gate tests run (`.ci/run` installs pnpm 9 from npm)."""
    return require_tool("pnpm", "npm install -g pnpm@9")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own result cache (and never writes the user's)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(scope="session")
def sarif_schema(tmp_path_factory) -> dict:
    """The official SARIF 2.1.0 schema, as shipped in Microsoft's @microsoft/jest-sarif."""
    npm = require_tool("npm", "install Node.js, which ships npm")
    d = tmp_path_factory.mktemp("sarif")
    subprocess.run(
        [npm, "pack", "--silent", "@microsoft/jest-sarif@1.0.0-beta.0"],
        cwd=d,
        check=True,
        capture_output=True,
    )
    (tgz,) = d.glob("*.tgz")
    with tarfile.open(tgz) as tar:
        member = tar.extractfile("package/lib/schemas/sarif-2.1.0-rtm.5.json")
        assert member is not None
        return json.load(member)


def strict(repo: Path) -> Path:
    """Run every rule at its declared severity in ``repo`` (`[validate] strict = true`): the
    rules measured under 95% precision are warnings by default, and the tests that follow a
    finding to a failed run, a refused commit or a report's error counts need them as errors."""
    return write(repo / "orchestrator.toml", "[validate]\nstrict = true\n")
