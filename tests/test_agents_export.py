"""`orchestrator agents export`: one Claude Code subagent file per role of the pattern library,
read back as a YAML front matter and a Markdown body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from orchestrator_tool import planning

from .conftest import commit_all, git, run_cli, write

AGENTS = Path(".claude/agents")


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo("next-forge")


def _read(path: Path) -> tuple[dict[str, object], str]:
    """The front matter (parsed as YAML) and the body of a subagent file."""
    text = path.read_text("utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict)
    return meta, body


def _library_roles(repo: Path) -> set[str]:
    lib = planning.load_library(repo)
    named = {r for p in lib.patterns for ph in p.phases if ph.kind == "roles" for r in ph.roles}
    return {r.id for r in lib.roles} | named


def test_one_file_per_role_with_its_scope_rule_and_checks(repo) -> None:
    proc = run_cli("agents", "export", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    files = sorted((repo / AGENTS).glob("*.md"))
    assert {f.stem for f in files} == _library_roles(repo)
    assert proc.stdout.splitlines() == [f"wrote {AGENTS / f.name}" for f in files]
    for f in files:
        meta, body = _read(f)
        assert set(meta) == {"name", "description"}, f
        assert meta["name"] == f.stem
        assert isinstance(meta["description"], str) and meta["description"]
        assert 'orchestrator plan check "$ORCHESTRATOR_TASK"' in body
        assert 'orchestrator plan done "$ORCHESTRATOR_TASK"' in body

    meta, body = _read(repo / AGENTS / "api-engineer.md")
    assert str(meta["description"]).startswith("HTTP API: route handlers")
    assert "- `apps/api` (api)" in body
    assert "- `pnpm --filter api typecheck`" in body
    assert "- `pnpm --filter api test`" in body
    # the validators that apply to the API's files: the zod rule, not the client-boundary one
    assert "`ZOD001`" in body and "`RSC002`" not in body
    # the database role owns the database package, and its gates are the package's scripts
    _, db = _read(repo / AGENTS / "prisma-database-engineer.md")
    assert "- `packages/database` (@repo/database)" in db
    assert "apps/api" not in db
    # a role that works in the plan's documents lists no validator and no package script
    _, architect = _read(repo / AGENTS / "turborepo-architect.md")
    assert "you write documents, not code" in architect
    assert "orchestrator validate" not in architect and "pnpm --filter" not in architect
    # the plan-wide validation role lists every validator that applies to the workspace
    _, validator = _read(repo / AGENTS / "techstack-validator.md")
    assert "`RSC002`" in validator and "`ZOD001`" in validator


def test_existing_files_are_refused_by_name_and_nothing_is_written(repo, tmp_path) -> None:
    out = tmp_path / "agents"
    out.mkdir()
    (out / "api-engineer.md").write_text("mine\n")
    proc = run_cli("agents", "export", "--out", str(out), cwd=repo)
    assert proc.returncode == 2
    assert "1 agent file(s) exist" in proc.stderr and "api-engineer.md" in proc.stderr
    assert "--force" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["api-engineer.md"]
    assert (out / "api-engineer.md").read_text() == "mine\n"
    assert not (repo / ".claude").exists()

    proc = run_cli("agents", "export", "--out", str(out), "--force", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    meta, _ = _read(out / "api-engineer.md")
    assert meta["name"] == "api-engineer"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_repositorys_own_roles_are_exported_too(repo) -> None:
    lib = {
        "roles": [
            {
                "id": "docs-writer",
                "description": "Docs: guides # and 'quotes': kept as they are.",
                "match": {"paths": ["apps/docs"]},
                "after": ["api-engineer"],
            }
        ],
        "patterns": [],
    }
    write(repo / ".orchestrator/task-patterns.json", json.dumps(lib))
    commit_all(repo, "own roles")
    before = git(repo, "status", "--porcelain")
    proc = run_cli("agents", "export", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    meta, body = _read(repo / AGENTS / "docs-writer.md")
    assert str(meta["description"]).startswith("Docs: guides # and 'quotes': kept as they are.")
    assert "- `apps/docs` (docs)" in body
    # the new files are all that changed in the work tree
    after = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert before == ""
    assert after and all(line.startswith("?? .claude/agents/") for line in after)
