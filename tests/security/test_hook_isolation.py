"""The native hook runs inside the repository: nothing committed there may run in its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import git, run_cli, write
from ..test_hooks import commit, repo  # noqa: F401  (the strict next-forge fixture)


@pytest.mark.parametrize("module", ["click.py", "orchestrator_tool/__init__.py", "pydantic.py"])
def test_a_module_committed_at_the_top_level_is_never_imported_by_the_hook(
    repo: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    module: str,
) -> None:
    assert run_cli("hook", "install", cwd=repo).returncode == 0
    marker = tmp_path / "imported"
    # Were it imported, it would leave a mark and let every commit through.
    write(repo / module, f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(0)\n")
    git(repo, "add", module)
    assert commit(repo, "a module beside the workspace") == 0

    write(repo / "packages/auth/bad.ts", "export const x: any = 1;\n")
    git(repo, "add", "packages/auth/bad.ts")
    assert commit(repo) != 0  # the library judged the commit, and refused it
    assert not marker.exists()
