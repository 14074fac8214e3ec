"""The baseline ratchet: accepted findings survive unrelated edits; only new ones fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.errors import InputError

from .conftest import commit_all, run_cli, strict, write


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge")
    write(r / "packages/auth/loose.ts", "export const x: any = 1;\nexport const y: any = 2;\n")
    strict(r)
    commit_all(r)
    return r


def run(repo: Path, **kwargs):
    return api.validate(
        api.load_workspace(repo),
        api.ValidateOptions(select=["ANY001"], baseline=repo / "baseline.json", **kwargs),
    )


def test_create_then_only_new_findings_count(repo) -> None:
    first = run(repo, update_baseline=True)
    assert first.baseline_written == "created"
    assert first.diagnostics == () and first.baselined == 2
    doc = json.loads((repo / "baseline.json").read_text())
    assert sum(doc["findings"].values()) == 2
    # unrelated edits move the accepted findings down: still accepted
    write(
        repo / "packages/auth/loose.ts",
        "// header\n\nexport const x: any = 1;\nexport const y: any = 2;\nexport const z: any = 3;\n",
    )
    second = run(repo)
    assert [(d.line, d.code) for d in second.diagnostics] == [(5, "ANY001")]
    assert second.baselined == 2


def test_update_shrinks_and_never_grows(repo) -> None:
    run(repo, update_baseline=True)
    write(repo / "packages/auth/loose.ts", "export const x: any = 1;\nexport const n: any = 3;\n")
    report = run(repo, update_baseline=True)
    assert report.baseline_written == "shrunk"
    assert len(report.diagnostics) == 1  # the new one still fails
    doc = json.loads((repo / "baseline.json").read_text())
    assert sum(doc["findings"].values()) == 1
    grown = run(repo, grow_baseline=True)
    assert grown.baseline_written == "grown"
    assert run(repo).diagnostics == ()


def test_cli_exit_codes_with_baseline(repo) -> None:
    created = run_cli(
        "validate",
        "--select",
        "ANY001",
        "--baseline",
        "baseline.json",
        "--update-baseline",
        cwd=repo,
    )
    assert created.returncode == 0
    assert "baseline baseline.json: created" in created.stderr
    assert "2 accepted by the baseline" in created.stdout
    write(repo / "packages/auth/more.ts", "export const m: any = 1;\n")
    proc = run_cli("validate", "--select", "ANY001", "--baseline", "baseline.json", cwd=repo)
    assert proc.returncode == 1
    assert "packages/auth/more.ts" in proc.stdout
    assert "loose.ts" not in proc.stdout


def test_update_needs_a_baseline_file(repo) -> None:
    proc = run_cli("validate", "--update-baseline", cwd=repo)
    assert proc.returncode == 2
    assert "--baseline FILE" in proc.stderr


def test_broken_baseline_is_a_clear_error(repo) -> None:
    (repo / "baseline.json").write_text("{not json")
    with pytest.raises(InputError, match="cannot read the baseline"):
        run(repo)


def test_a_partial_update_keeps_what_the_run_did_not_look_at(repo) -> None:
    write(repo / "packages/database/loose.ts", "export const z: any = 1;\n")
    write(repo / "packages/auth/session.ts", "export function f() {\n  console.log(1);\n}\n")
    ws = api.load_workspace(repo)
    path = repo / "baseline.json"
    api.validate(
        ws, api.ValidateOptions(select=["ANY001", "ERR004"], baseline=path, update_baseline=True)
    )
    before = json.loads(path.read_text())["findings"]
    assert sum(before.values()) == 4

    # one package, one code: the other package's and the other code's entries stay
    def auth_only():
        return api.validate(
            ws,
            api.ValidateOptions(
                paths=["packages/auth"],
                cwd=repo,
                select=["ANY001"],
                baseline=path,
                update_baseline=True,
            ),
        )

    report = auth_only()
    assert report.baseline_written == "unchanged"
    assert json.loads(path.read_text())["findings"] == before
    # a fix inside what the run covers still shrinks it
    write(
        repo / "packages/auth/loose.ts", "export const x: unknown = 1;\nexport const y: any = 2;\n"
    )
    report = auth_only()
    assert report.baseline_written == "shrunk"
    after = json.loads(path.read_text())["findings"]
    assert sum(after.values()) == 3
    assert any(k.startswith("ANY001:packages/database/") for k in after)
    assert any(k.startswith("ERR004:") for k in after)


def test_an_update_keeps_what_the_run_could_not_judge_and_drops_deleted_files(repo) -> None:
    ws = api.load_workspace(repo)
    path = repo / "baseline.json"
    write(repo / "packages/auth/gone.ts", "export const g: any = 1;\n")
    write(
        repo / "packages/auth/why.ts", "// orchestrator-ignore ANY001\nexport const w: any = 1;\n"
    )
    api.validate(ws, api.ValidateOptions(select=["ANY001"], baseline=path, update_baseline=True))
    before = json.loads(path.read_text())["findings"]
    assert any(k.startswith("SUP001:packages/auth/why.ts") for k in before)
    # growing twice does not double the suppression entry
    api.validate(ws, api.ValidateOptions(select=["ANY001"], baseline=path, grow_baseline=True))
    again = api.validate(
        ws, api.ValidateOptions(select=["ANY001"], baseline=path, grow_baseline=True)
    )
    assert again.baseline_written == "unchanged"
    assert json.loads(path.read_text())["findings"] == before
    # an override that turns ANY001 off for auth: the run cannot judge those entries
    write(
        repo / "orchestrator.toml",
        '[[overrides]]\npaths = ["packages/auth/**"]\n[overrides.validators.ANY001]\nenabled = false\n',
    )
    kept = api.validate(
        ws, api.ValidateOptions(select=["ANY001"], baseline=path, update_baseline=True)
    )
    assert kept.baseline_written == "unchanged"
    (repo / "orchestrator.toml").unlink()
    # a deleted file's entries go on a whole-workspace update
    (repo / "packages/auth/gone.ts").unlink()
    api.validate(ws, api.ValidateOptions(select=["ANY001"], baseline=path, update_baseline=True))
    after = json.loads(path.read_text())["findings"]
    assert not any("gone.ts" in k for k in after)
    assert any("loose.ts" in k for k in after)
