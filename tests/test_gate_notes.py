"""A gate that ran nowhere says so: no affected package has the script, so a check that passes
has checked nothing of it; the scripts doing that job under another name are named."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator_tool.gates import GateResult
from orchestrator_tool.gates.missing import unrun_notes
from orchestrator_tool.workspace import scan

from .conftest import commit_all, git, run_cli, write


def _repo(root: Path) -> Path:
    write(
        root / "package.json",
        json.dumps({"name": "root", "private": True, "scripts": {"test": "vitest"}}),
    )
    write(root / "pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n")
    scripts = {
        "a": {"check-types": "tsc --noEmit", "build": "tsc -b", "test:unit": "vitest run"},
        "b": {"check-types": "tsc --noEmit", "dev": "tsc -w"},
        "c": {"types": "vue-tsc --noEmit", "test:watch": "vitest"},
    }
    for name, mine in scripts.items():
        write(
            root / f"packages/{name}/package.json",
            json.dumps({"name": f"@t/{name}", "version": "0.0.0", "scripts": mine}),
        )
        write(root / f"packages/{name}/src/index.ts", "export const x = 1;\n")
    git(root, "init", "-q")
    commit_all(root)
    return root


def test_a_gate_no_affected_package_has_is_said_with_the_scripts_that_look_like_it(
    tmp_path,
) -> None:
    repo = _repo(tmp_path / "repo")
    files = [f"packages/{n}/src/index.ts" for n in ("a", "b", "c")]
    proc = run_cli("check", *files, cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    notes = [line for line in proc.stdout.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: no affected package has a `typecheck` script: the typecheck gate checked "
        "nothing; `check-types` (2 of 3), `types` (1 of 3) run what it would; name the scripts "
        "to run with --tasks or [gates] tasks",
        "note: no affected package has a `test` script: the test gate checked nothing; "
        "`test:unit` (1 of 3) runs what it would; the root package.json has one (gates run in "
        "each package); name the scripts to run with --tasks or [gates] tasks",
    ]
    doc = json.loads(run_cli("check", "--format", "json", *files, cwd=repo).stdout)
    assert doc["gateNotes"] == [note.removeprefix("note: ") for note in notes]
    # and in the GitHub job summary, where a green check that ran nothing would go unseen
    summary = tmp_path / "summary.md"
    run_cli(
        "check", "--format", "github", *files, cwd=repo, env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    text = summary.read_text()
    assert text.count("> [!WARNING]") == 2
    assert "> no affected package has a `typecheck` script: the typecheck gate checked" in text
    # a gate that ran in one package, or failed to start in one, says nothing
    ws = scan(repo)
    skipped = [
        GateResult("test", p.name, p.path, "skipped", reason="no `test` script")
        for p in ws.packages
    ]
    ran = [*skipped[:2], GateResult("test", "@t/c", "packages/c", "passed")]
    refused = [*skipped[:2], GateResult("test", "@t/c", "packages/c", "refused", reason="x")]
    assert unrun_notes(skipped, ws.packages, ws.root_package) != ()
    assert unrun_notes(ran, ws.packages, ws.root_package) == ()
    assert unrun_notes(refused, ws.packages, ws.root_package) == ()
