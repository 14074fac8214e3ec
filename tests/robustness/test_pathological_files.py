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


def crashes(report: dict[str, object]) -> list[str]:
    summary = report["summary"]
    assert isinstance(summary, dict)
    return list(summary["crashes"])


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


# --------------------------------------------------------------------------- nesting

PY_DEEP = "from typing import Any\n\nx: Any = " + "(" * 2000 + "1" + ")" * 2000 + "\n"
PY_FINE = "from typing import Any\n\n\ndef f(x: Any) -> None: ...\n"


def test_python_nested_deeper_than_cpython_allows_is_reported_not_parsed(repo: Path) -> None:
    # 2,000 brackets: libcst's parser overflows the C stack and the process dies (exit 139).
    write(repo / "packages/a/deep.py", PY_DEEP)
    write(repo / "packages/a/fine.py", PY_FINE)
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ANY002")
    assert elapsed < BOUND
    assert crashes(report) == [
        "packages/a/deep.py: not checked: nesting deeper than 200 levels at 3:210"
    ]
    assert findings(report) == [("packages/a/fine.py", 4, "ANY002")]
    assert code == 3  # the run is incomplete: never green


@pytest.mark.parametrize(
    "expression",
    [
        "-" * 8100 + "1",  # libcst: killed by SIGSEGV
        "a" + "[0]" * 4000,  # libcst: minutes (quadratic)
        "a" + ".b" * 4000,
    ],
    ids=["unary", "subscripts", "attributes"],
)
def test_python_nested_without_brackets_is_reported_at_once(repo: Path, expression: str) -> None:
    write(repo / "packages/a/deep.py", f"from typing import Any\n\nx: Any = {expression}\n")
    write(repo / "packages/a/fine.py", PY_FINE)
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ANY002")
    assert elapsed < BOUND / 2  # refused before libcst sees it, not by the time budget
    assert crashes(report) == [
        "packages/a/deep.py: not checked: nested deeper than Python allows "
        "(CPython cannot parse it)"
    ]
    assert findings(report) == [("packages/a/fine.py", 4, "ANY002")]
    assert code == 3  # incomplete


def test_python_nesting_in_a_worker_pool_leaves_the_pool_working(repo: Path) -> None:
    # Enough files for a process pool: a worker killed by libcst broke the pool (exit 3).
    for i in range(130):
        write(repo / f"packages/a/m{i:03}.py", PY_FINE)
    write(repo / "packages/a/deep.py", PY_DEEP)
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ANY002", "--jobs", "2")
    assert elapsed < BOUND
    assert crashes(report) == [
        "packages/a/deep.py: not checked: nesting deeper than 200 levels at 3:210"
    ]
    assert len(findings(report)) == 130
    assert code == 3


def test_deeply_nested_calls_in_a_try_are_reported_not_analysed(repo: Path) -> None:
    # 150 KB: 50,000 nested calls in a `try` kept ERR001 busy for minutes.
    deep = "g(" * 50_000 + ")" * 50_000
    write(
        repo / "packages/a/src/deep.ts",
        f"export function f() {{\n  try {{\n    {deep};\n  }} catch {{}}\n}}\n",
    )
    write(
        repo / "packages/a/src/fine.ts",
        "export function h() {\n  try {\n    g();\n  } catch {}\n}\n",
    )
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ERR")
    assert elapsed < BOUND
    assert crashes(report) == [
        "packages/a/src/deep.ts: not checked: nesting deeper than 800 levels at 3:829"
    ]
    assert findings(report) == [("packages/a/src/fine.ts", 4, "ERR001")]
    assert code == 3


def test_a_long_chain_is_as_deep_as_nesting(repo: Path) -> None:
    # `a.b().b()…` nests in the syntax tree (each call holds the chain before it): 37,000
    # links are as hard on the rules' walks as as many brackets.
    chain = "a" + ".b()" * 37_000
    write(
        repo / "packages/a/src/chain.ts",
        f"export function f() {{\n  try {{\n    {chain};\n  }} catch {{}}\n}}\n",
    )
    commit_all(repo)
    code, report, elapsed = validate(repo, "--select", "ERR")
    assert elapsed < BOUND
    [crash] = crashes(report)
    assert crash.startswith("packages/a/src/chain.ts: not checked: nesting deeper than 800 levels")
    assert findings(report) == []
    assert code == 3


def test_deep_but_ordinary_code_is_checked(repo: Path) -> None:
    # A union of 300 names (a generated list of models, of icons) is a 300-level-deep tree, and
    # as deep as real code gets: checked as usual.
    names = " | ".join(f'"model-{i}"' for i in range(300))
    write(
        repo / "packages/a/src/models.ts",
        f"export type Model = {names};\n\nexport const pick: any = (m: Model) => m;\n",
    )
    commit_all(repo)
    code, report, _ = validate(repo, "--select", "ANY001")
    assert crashes(report) == []
    assert findings(report) == [("packages/a/src/models.ts", 3, "ANY001")]
    assert code == 1


def test_an_incomplete_run_is_not_green_in_text_either(repo: Path) -> None:
    write(repo / "packages/a/deep.py", PY_DEEP)
    commit_all(repo)
    proc = run_cli("validate", "--no-cache", "--select", "ANY002", cwd=repo)
    assert proc.returncode == 3
    assert "packages/a/deep.py: not checked: nesting deeper than 200 levels at 3:210" in proc.stdout
