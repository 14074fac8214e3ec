"""Ids that become file names under tasks/ (task ids, a role's taskSuffix, plan ids) are
checked against one grammar wherever they come from: a committed orchestrator.toml or
.orchestrator/task-patterns.json, the command line, a plan.json read back. `plan --write` can
never write outside the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator_tool import planning
from orchestrator_tool.errors import UsageError
from orchestrator_tool.formats import names

from ..conftest import commit_all, run_cli, write

REQUEST = "Add complete authentication system"
BAD_IDS = ["../../../escape", "/tmp/escape", "a/b", "a\\b", "..", ".", "x\u0000y", "Escape", "-x"]


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo("next-forge")


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a TOML basic string is JSON's string syntax for these


@pytest.mark.parametrize("suffix", BAD_IDS)
def test_a_task_suffix_in_orchestrator_toml_is_a_config_error(
    repo: Path, tmp_path: Path, suffix: str
) -> None:
    write(
        repo / "orchestrator.toml",
        f"[plan.roles.api-engineer]\ntaskSuffix = {_toml_string(suffix)}\n",
    )
    commit_all(repo)
    before = _files_under(tmp_path)
    proc = run_cli("plan", REQUEST, "--scope", "apps/api", "--write", cwd=repo)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("orchestrator: orchestrator.toml:2:")
    assert "taskSuffix" in proc.stderr and "kebab-case" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _files_under(tmp_path) == before  # nothing written, inside the repo or out


@pytest.mark.parametrize("suffix", BAD_IDS)
def test_a_task_suffix_in_the_repository_pattern_file_is_a_config_error(
    repo: Path, tmp_path: Path, suffix: str
) -> None:
    patterns = {"roles": [{"id": "api-engineer", "taskSuffix": suffix}]}
    write(repo / ".orchestrator/task-patterns.json", json.dumps(patterns, indent=2) + "\n")
    commit_all(repo)
    before = _files_under(tmp_path)
    proc = run_cli("plan", REQUEST, "--scope", "apps/api", "--write", cwd=repo)
    assert proc.returncode == 2, proc.stderr
    # the file, the line and column of the value
    assert proc.stderr.startswith("orchestrator: .orchestrator/task-patterns.json:5:")
    assert "roles.0.taskSuffix" in proc.stderr and "Traceback" not in proc.stderr
    assert _files_under(tmp_path) == before


def test_a_good_task_suffix_still_names_the_task_files(repo: Path) -> None:
    write(repo / "orchestrator.toml", '[plan.roles.api-engineer]\ntaskSuffix = "backend"\n')
    commit_all(repo)
    proc = run_cli("plan", REQUEST, "--scope", "apps/api", "--write", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert (repo / "tasks/add-complete-authentication-system/auth-backend.md").is_file()


@pytest.mark.parametrize("plan_id", ["../escape", "/tmp/escape", "a/b", "..", "x y", ""])
def test_a_plan_id_from_the_command_line_is_checked(
    repo: Path, tmp_path: Path, plan_id: str
) -> None:
    before = _files_under(tmp_path)
    proc = run_cli("plan", REQUEST, "--scope", "apps/api", "--id", plan_id, "--write", cwd=repo)
    assert proc.returncode == 2, proc.stderr
    assert "--id" in proc.stderr and "kebab-case" in proc.stderr
    assert _files_under(tmp_path) == before


@pytest.mark.parametrize(
    ("field", "value"), [("planId", "../../escape"), ("taskId", "../../escape")]
)
def test_a_committed_plan_with_path_ids_is_refused(repo: Path, field: str, value: str) -> None:
    assert run_cli("plan", REQUEST, "--scope", "apps/api", "--write", cwd=repo).returncode == 0
    plan_json = repo / "tasks/add-complete-authentication-system/plan.json"
    doc = json.loads(plan_json.read_text())
    if field == "planId":
        doc["planId"] = value
    else:
        doc["tasks"][0]["taskId"] = value
    plan_json.write_text(json.dumps(doc, indent=2))
    commit_all(repo)
    proc = run_cli("plan", "status", cwd=repo)
    assert proc.returncode == 2, proc.stdout
    assert "tasks/add-complete-authentication-system/plan.json" in proc.stderr
    assert field in proc.stderr and "kebab-case" in proc.stderr


def test_writing_a_plan_checks_every_file_name_again(repo: Path) -> None:
    """Defence in depth: a Plan built without validation cannot write outside either."""
    plan = planning.Plan.model_construct(
        plan_id="../escape", request="x", tasks=[], waves=[], phases=[]
    )
    with pytest.raises(UsageError, match="kebab-case"):
        planning.write_plan(repo, plan, "# x\n")
    assert not (repo.parent / "escape").exists()


@settings(max_examples=300, deadline=200)
@given(st.text(max_size=40))
def test_an_accepted_id_is_one_path_component_inside_the_folder(value: str) -> None:
    if names.path_id_problem(value) is not None:
        return
    folder = Path("/repo/tasks/plan")
    target = (folder / f"{value}.md").resolve()
    assert target.parent == folder and target.name == f"{value}.md"
    assert "\0" not in value and not value.startswith("-")
