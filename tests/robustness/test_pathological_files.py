"""One committed file can neither stall nor kill `validate`: each pathological file below is
generated here, the run ends in well under 10 s, and the file is reported."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ..conftest import commit_all, git, run_cli, write

# The bound for a pathological file: the run ends within it, the file reported.
BOUND = 10.0


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A pnpm-style workspace with one package, every rule at its declared severity."""
    r = tmp_path / "repo"
    write(r / "package.json", json.dumps({"name": "root", "private": True}))
    write(r / "pnpm-workspace.yaml", "packages:\n  - packages/*\n")
    write(r / "packages/a/package.json", json.dumps({"name": "@repo/a", "version": "1.0.0"}))
    write(r / "orchestrator.toml", "[validate]\nstrict = true\n")
    git(r, "init", "-q")
    return r


def validate(repo: Path, *args: str) -> tuple[int, dict[str, object], float]:
    """Run `validate --format json` (a real subprocess): exit code, report, seconds."""
    start = time.monotonic()
    proc = run_cli("validate", "--no-cache", "--format", "json", *args, cwd=repo)
    elapsed = time.monotonic() - start
    assert proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout), elapsed


def findings(report: dict[str, object]) -> list[tuple[str, int, str]]:
    diagnostics = report["diagnostics"]
    assert isinstance(diagnostics, list)
    return [(d["path"], d["line"], d["code"]) for d in diagnostics]


# --------------------------------------------------------------------------- suppressions


@pytest.mark.parametrize(
    "comment",
    [
        "// orchestrator-ignore" + " " * 8000 + "!",  # three quantifiers over the spaces
        "// orchestrator-ignore ANY001" + ", \t" * 3000 + "!",
        "/* eslint " + "no-console" * 10_000 + " */",  # every suffix of the name was tried
        "/* eslint-disable " + "a," * 20_000 + " */",
    ],
    ids=["spaces", "codes", "inline-config", "disable-list"],
)
def test_a_long_comment_is_read_in_one_pass(repo: Path, comment: str) -> None:
    write(repo / "packages/a/src/x.ts", f"{comment}\nexport const x: any = 1;\n")
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ANY001")
    assert elapsed < BOUND
    # None of them silences the next line: the finding is still there.
    assert findings(report) == [("packages/a/src/x.ts", 2, "ANY001")]
    assert code == 1


def test_a_file_opening_with_many_comments_does_not_stall_the_importer_index(repo: Path) -> None:
    # ERR003 reads every file of the workspace to find who imports an action; a file opening
    # with a run of comments and no "use client" made that test backtrack through every way
    # of splitting the run (2^40 here).
    write(
        repo / "packages/a/src/actions.ts",
        '"use server";\n\n'
        "export async function save(data: FormData) {\n"
        "  await fetch('https://api.example.com', { method: 'POST', body: data });\n}\n\n"
        "export async function remove(id: string) {\n"
        "  await fetch(`https://api.example.com/${id}`, { method: 'DELETE' });\n}\n",
    )
    write(
        repo / "packages/a/src/form.ts",
        "/**/" * 40 + "\nimport { save } from './actions';\nexport const submit = save;\n",
    )
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ERR003")
    assert elapsed < BOUND
    # `save`, imported by server code only, is a helper; `remove`, imported by nobody, is an
    # action the browser calls.
    assert findings(report) == [("packages/a/src/actions.ts", 7, "ERR003")]
    assert code == 0  # ERR003 is a warning


def test_a_deep_tree_with_errors_is_read_around_them_quickly(repo: Path) -> None:
    # JSX in a .ts file: 390 levels of errors. Each error's statement was found by walking up
    # its ancestors with Node.parent, itself a search from the root: cubic in the depth.
    jsx = "<div>" * 390 + "</div>" * 390
    write(
        repo / "packages/a/src/view.ts",
        "export async function render(req: Request) {\n  const body: any = await req.json();\n"
        f"  try {{\n    x = {jsx};\n  }} catch {{}}\n  return body;\n}}\n",
    )
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ANY001")
    assert elapsed < BOUND
    assert findings(report) == [("packages/a/src/view.ts", 2, "ANY001")]
    assert code == 1
