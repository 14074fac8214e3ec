"""Config files as weapons: a YAML alias bomb, glob syntax errors, numbers and strings past
any sensible size, nesting past the parser's stack. Each is a `file:line:col` error with the
fix, exit 2, quickly, for every command that reads the file: never a hang, never a traceback,
never exit 3. Real files, real git, the real command line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ..conftest import commit_all, git, run_cli, write

BILLION_LAUGHS = """\
packages:
  - "packages/*"
catalog:
  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _pnpm_repo(root: Path, workspace_yaml: str) -> Path:
    write(root / "package.json", '{"name": "root", "private": true}\n')
    write(root / "pnpm-workspace.yaml", workspace_yaml)
    write(root / "packages/a/package.json", '{"name": "a", "version": "1.0.0"}\n')
    write(root / "packages/a/index.ts", "export const a = 1;\n")
    git(root, "init", "-q")
    commit_all(root, "initial")
    return root


COMMANDS = [
    ("scan",),
    ("validate",),
    ("affected", "--base", "HEAD"),
    ("check", "--base", "HEAD"),
    ("plan", "Add auth", "--scope", "packages/a"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_yaml_alias_bomb_is_refused_in_under_two_seconds(tmp_path: Path, command) -> None:
    root = _pnpm_repo(tmp_path / "ws", BILLION_LAUGHS)
    start = time.monotonic()
    proc = run_cli(*command, cwd=root)
    elapsed = time.monotonic() - start
    assert proc.returncode == 2, proc.stderr
    assert elapsed < 2.0
    # the value whose aliases expand too far: `f`, 9^6 values
    assert proc.stderr.startswith("orchestrator: pnpm-workspace.yaml:9:6: YAML aliases expand")
    assert "hint: write the values out" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("packages: &p\n  - packages/*\n  - *p\n", "pnpm-workspace.yaml:1:11:"),  # a loop
        ("packages: [packages/*]\nx: " + "9" * 5000 + "\n", "pnpm-workspace.yaml:2:4:"),
        ('packages: [packages/*]\nx: "' + "y" * 70_000 + '"\n', "pnpm-workspace.yaml:2:4:"),
        ("packages: [packages/*]\nx: " + "[" * 2000 + "]" * 2000 + "\n", "pnpm-workspace.yaml:"),
        ("packages: [packages/*]\nwhen: 2024-13-45\n", "pnpm-workspace.yaml:"),
    ],
    ids=["recursive-alias", "long-number", "long-string", "deep", "bad-date"],
)
def test_other_pathological_yaml_is_an_input_error(tmp_path: Path, text: str, where: str) -> None:
    root = _pnpm_repo(tmp_path / "ws", text)
    proc = run_cli("scan", cwd=root)
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.startswith(f"orchestrator: {where}"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_few_anchors_within_the_budget_still_work(tmp_path: Path) -> None:
    text = (
        'packages:\n  - "packages/*"\n'
        "catalogs:\n  react18: &r18\n    react: ^18.3.1\n    react-dom: ^18.3.1\n"
        "  legacy: *r18\n"
    )
    root = _pnpm_repo(tmp_path / "ws", text)
    proc = run_cli("scan", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    catalogs = json.loads(proc.stdout)["catalogs"]
    assert catalogs["legacy"] == catalogs["react18"] == {"react": "^18.3.1", "react-dom": "^18.3.1"}


def test_a_long_line_does_not_stall_the_workspace_yaml_fast_path(tmp_path: Path) -> None:
    # A lazy scan before ` *(?:#.*)?$` made this quadratic (40 KB: 35 s).
    text = 'packages:\n  - "packages/*"\ncatalog:\n  a: b' + " " * 1_000_000 + "c\n"
    root = _pnpm_repo(tmp_path / "ws", text)
    start = time.monotonic()
    proc = run_cli("scan", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - start < 10
    assert json.loads(proc.stdout)["catalogs"]["default"]["a"] == "b" + " " * 1_000_000 + "c"


def test_an_alias_bomb_or_a_long_line_in_the_lockfile_is_inert(tmp_path: Path) -> None:
    """pnpm writes its lockfile without anchors (js-yaml's noRefs); the reader compares
    entries as text and never expands an alias, and its line regex is linear."""
    root = _pnpm_repo(tmp_path / "ws", 'packages:\n  - "packages/*"\n')
    write(root / "pnpm-lock.yaml", "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n")
    commit_all(root, "lockfile")
    bomb = BILLION_LAUGHS.replace('packages:\n  - "packages/*"\ncatalog:', "")
    lock = (
        "lockfileVersion: '9.0'\n\nimporters:\n\n  packages/a:\n    dependencies:\n"
        + "".join("      " + line.strip() + "\n" for line in bomb.splitlines() if line.strip())
        + "      x"
        + " " * 1_000_000
        + "y\n"
    )
    write(root / "pnpm-lock.yaml", lock)
    start = time.monotonic()
    proc = run_cli("affected", "--json", cwd=root)
    assert time.monotonic() - start < 10
    assert proc.returncode == 0, proc.stderr
    assert [p["path"] for p in json.loads(proc.stdout)["packages"]] == ["packages/a"]


# --------------------------------------------------------------------------- globs

BAD_GLOBS = [
    # (glob, offset of the reported column within the glob, what the message says)
    ("packages/{a", 10, "'{' is not closed"),
    ("[z-a]", 2, "range 'z-a' is reversed"),
    ("[]", 1, "empty set"),
    ("packages/[!]x", 10, "empty set"),
    ("packages/[a", 10, "'[' is not closed"),
]


def _assert_glob_error(proc, file: str, line: int, column: int, message: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"orchestrator: {file}:{line}:{column}: "), proc.stderr
    assert message in proc.stderr and "\n  hint: " in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("glob", "offset", "message"), BAD_GLOBS)
def test_a_bad_glob_in_pnpm_workspace_yaml(tmp_path: Path, glob: str, offset: int, message: str):
    root = _pnpm_repo(tmp_path / "ws", f'packages:\n  - "packages/*"\n  - "{glob}"\n')
    for command in (("scan",), ("validate",), ("affected", "--base", "HEAD")):
        _assert_glob_error(
            run_cli(*command, cwd=root), "pnpm-workspace.yaml", 3, 5 + offset, message
        )


@pytest.mark.parametrize(("glob", "offset", "message"), BAD_GLOBS)
def test_a_bad_glob_in_package_json_workspaces(tmp_path: Path, glob, offset, message) -> None:
    root = tmp_path / "ws"
    write(root / "package.json", json.dumps({"name": "r", "workspaces": ["!" + glob]}, indent=1))
    git(root, "init", "-q")
    # `{\n "name": "r",\n "workspaces": [\n  "!<glob>"` : the '!' is skipped too
    _assert_glob_error(run_cli("scan", cwd=root), "package.json", 4, 3 + 1 + offset, message)


def test_braces_holding_a_slash_and_escaping_braces_are_read_whole(tmp_path: Path) -> None:
    root = _pnpm_repo(tmp_path / "ws", 'packages:\n  - "{packages/a,tools/*}"\n')
    write(root / "tools/b/package.json", '{"name": "b"}\n')
    proc = run_cli("scan", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p["path"] for p in json.loads(proc.stdout)["packages"]) == [
        "packages/a",
        "tools/b",
    ]
    # an alternative that leaves the root is caught like a plain one
    write(root / "pnpm-workspace.yaml", 'packages:\n  - "{packages/*,../*}"\n')
    proc = run_cli("scan", cwd=root)
    assert proc.returncode == 2 and "reaches outside the monorepo root" in proc.stderr


@pytest.mark.parametrize(("glob", "offset", "message"), BAD_GLOBS)
def test_a_bad_glob_in_turbo_global_dependencies(tmp_path: Path, glob, offset, message) -> None:
    root = _pnpm_repo(tmp_path / "ws", 'packages:\n  - "packages/*"\n')
    write(
        root / "turbo.json",
        '{\n  "globalDependencies": [".env", "' + glob + '"],\n  "tasks": {}\n}\n',
    )
    _assert_glob_error(run_cli("scan", cwd=root), "turbo.json", 2, 34 + offset, message)


@pytest.mark.parametrize(
    ("toml", "line", "column", "message"),
    [
        ('[validate]\nexclude = ["legacy/**", "src/[z-a].ts"]\n', 2, 31, "range 'z-a' is reversed"),
        (
            "[[overrides]]\npaths = ['apps/\\']\nvalidators.ANY001.enabled = false\n",
            2,
            16,
            "escapes nothing",
        ),
        ('[[overrides]]\npaths = ["x/[9-0]"]\n', 2, 14, "range '9-0' is reversed"),
    ],
)
def test_a_bad_glob_in_orchestrator_toml(tmp_path, toml, line, column, message) -> None:
    root = _pnpm_repo(tmp_path / "ws", 'packages:\n  - "packages/*"\n')
    write(root / "orchestrator.toml", toml)
    for command in (("validate",), ("config",)):
        _assert_glob_error(run_cli(*command, cwd=root), "orchestrator.toml", line, column, message)


def test_a_bad_glob_in_an_eslintignore(tmp_path: Path) -> None:
    root = _pnpm_repo(tmp_path / "ws", 'packages:\n  - "packages/*"\n')
    write(root / "packages/a/.eslintignore", "dist\n# generated\nsrc/[z-a]/*.ts\n")
    commit_all(root)
    _assert_glob_error(
        run_cli("validate", cwd=root), "packages/a/.eslintignore", 3, 6, "range 'z-a' is reversed"
    )


# --------------------------------------------------------------------------- numbers, strings


@pytest.mark.parametrize(
    ("file", "text", "line", "column", "message"),
    [
        (
            "packages/a/package.json",
            '{"name": "a",\n "x": ' + "9" * 5000 + "}",
            2,
            7,
            "a number of 5000",
        ),
        (
            "packages/a/package.json",
            '{"name": "a",\n "x": -' + "9" * 200 + "}",
            2,
            7,
            "a number of 201",
        ),
        (
            "packages/a/package.json",
            '{"name": "a", "x": ' + "[" * 5000 + "]" * 5000 + "}",
            1,
            275,
            "nested too deeply",
        ),
        (
            "packages/a/package.json",
            '{"name": "a",\n "x": "' + "y" * 70_000 + '"}',
            2,
            7,
            "a string of 70000",
        ),
        (
            "turbo.json",
            '{\n  // jsonc\n  "x": 1' + "0" * 300 + ',\n  "tasks": {},\n}',
            3,
            8,
            "a number of 301",
        ),
        (
            "orchestrator.toml",
            "[gates]\nconcurrency = " + "9" * 5000 + "\n",
            2,
            15,
            "a number of 5000",
        ),
        ("orchestrator.toml", "[gates]\ntimeout = 1" + "0" * 150 + "\n", 2, 11, "a number of 151"),
        (
            "orchestrator.toml",
            "[validate]\nexclude = " + "[" * 5000 + "]" * 5000 + "\n",
            2,
            267,
            "nested too deeply",
        ),
        (
            ".orchestrator/task-patterns.json",
            '{"version": ' + "1" * 5000 + "}",
            1,
            13,
            "a number of 5000",
        ),
    ],
    ids=[
        "int",
        "negative",
        "deep",
        "string",
        "turbo",
        "toml-int",
        "toml-float",
        "toml-deep",
        "patterns",
    ],
)
def test_numbers_strings_and_nesting_past_the_bounds(tmp_path, file, text, line, column, message):
    root = _pnpm_repo(tmp_path / "ws", 'packages:\n  - "packages/*"\n')
    write(root / file, text)
    command = ("plan", "Add auth", "--scope", "packages/a") if "patterns" in file else ("validate",)
    proc = run_cli(*command, cwd=root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"orchestrator: {file}:{line}:{column}: "), proc.stderr
    assert message in proc.stderr and "\n  hint: " in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[gates]\nconcurrency = 100000\n", "less than or equal to 256"),
        ("[gates]\ntimeout = inf\n", "less than or equal to 604800"),
        ("[gates]\ntimeout = nan\n", "timeout"),
        ("[validate]\nmax-file-size = 99999999999999\n", "less than or equal to 1073741824"),
    ],
)
def test_numeric_settings_are_bounded(tmp_path: Path, toml: str, message: str) -> None:
    root = _pnpm_repo(tmp_path / "ws", 'packages:\n  - "packages/*"\n')
    write(root / "orchestrator.toml", toml)
    proc = run_cli("config", cwd=root)
    assert proc.returncode == 2 and proc.stderr.startswith("orchestrator: orchestrator.toml:2:")
    assert message in proc.stderr
