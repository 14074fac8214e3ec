"""A package name reaches `pnpm --filter`/`turbo --filter=` and yarn's command line, where
`...x`, `x...`, `{dir}`, `!x` or `./dir` are selectors, and `-x` an option. Names are checked
against npm's grammar first: an invalid one is a workspace problem (WS006), and its gate is
reported as not run, never as passed. Real pnpm, real git, real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from orchestrator_tool.formats import names

from ..conftest import commit_all, git, pnpm, run_cli, write

PNPM_ENV = {"npm_config_manage_package_manager_versions": "false", "DO_NOT_TRACK": "1"}
# Writes a marker named after the package that ran: the gate ran, and for which package.
RAN = "require('fs').writeFileSync(require('path').join('..', '..', 'ran-' + process.argv[2]), '')"

FILTER_LIKE = [
    "...x",
    "x...",
    "other...",
    "{packages/other}",
    "!x",
    "./packages/other",
    "-x",
    "--help",
    "@*/x",
    "*",
]


def _workspace(root: Path, name: str, *, folder: str = "packages") -> Path:
    manifest = {"name": "names-root", "private": True, "packageManager": "pnpm@9.15.0"}
    write(root / "package.json", json.dumps(manifest, indent=2) + "\n")
    write(root / "pnpm-workspace.yaml", f'packages:\n  - "{folder}/*"\n')
    for pkg_dir, pkg_name in (("target", name), ("other", "other")):
        pkg = {"name": pkg_name, "version": "1.0.0", "scripts": {"test": f"node ran.js {pkg_dir}"}}
        write(root / f"{folder}/{pkg_dir}/package.json", json.dumps(pkg, indent=2) + "\n")
        write(root / f"{folder}/{pkg_dir}/ran.js", RAN + "\n")
    git(root, "init", "-q")
    commit_all(root, "initial")
    git(root, "checkout", "-q", "-b", "feature")
    write(root / f"{folder}/target/index.js", "export const x = 1;\n")
    commit_all(root, "a change to the target package only")
    return root


def _gates(root: Path) -> tuple[int, dict[str, dict[str, object]], str]:
    proc = run_cli(
        "check",
        "--only",
        "gates",
        "--base",
        "main",
        "--tasks",
        "test",
        "--format",
        "json",
        cwd=root,
        env={**PNPM_ENV, "PATH": os.environ["PATH"]},
    )
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    return proc.returncode, {str(g["path"]): g for g in doc["gates"]}, proc.stderr


@pytest.mark.parametrize("name", FILTER_LIKE)
def test_a_package_named_like_a_filter_is_never_a_passed_gate(tmp_path: Path, name: str) -> None:
    pnpm()
    root = _workspace(tmp_path / "ws", name)
    code, gates, _ = _gates(root)
    target = gates["packages/target"]
    assert target["status"] == "refused" and target["command"] == []
    assert "not run" in str(target["outputTail"]) and "packages/target/package.json" in str(
        target["outputTail"]
    )
    assert code == 1  # a gate that did not run fails the check
    # Nothing ran in its place: not the package, and not the one a selector would pick.
    assert not (root / "ran-target").exists() and not (root / "ran-other").exists()

    scan = run_cli("scan", cwd=root)
    assert scan.returncode == 1  # WS006 is an error
    assert "packages/target/package.json:2:3: error[WS006]" in scan.stdout + scan.stderr


def test_a_valid_name_still_runs_its_gate(tmp_path: Path) -> None:
    pnpm()
    root = _workspace(tmp_path / "ws", "@names/target")
    code, gates, stderr = _gates(root)
    assert gates["packages/target"]["status"] == "passed", stderr
    assert code == 0
    assert (root / "ran-target").exists() and not (root / "ran-other").exists()


def test_a_filter_pnpm_matches_to_no_package_fails_the_gate(tmp_path: Path) -> None:
    """pnpm leaves packages under bower_components/ out of its workspace even when a glob
    names them; `--filter target` then matches nothing, and pnpm exits 0 having run nothing."""
    pnpm()
    root = _workspace(tmp_path / "ws", "target", folder="bower_components")
    code, gates, _ = _gates(root)
    target = gates["bower_components/target"]
    assert target["status"] == "failed"
    assert "matched no package" in str(target["outputTail"])
    assert code == 1
    assert not (root / "ran-target").exists()


VALID = [
    "ui",
    "@repo/ui",
    "@acme/eslint-config",
    "next-forge",
    "web.app",
    "under_score",
    "UpperCase",  # npm refuses it for new packages only; private workspaces use it
    "@Scope/Name",
    "a" * 214,
]
INVALID = [
    "",
    " ui",
    ".hidden",
    "_private",
    "-x",
    "node_modules",
    "a/b",
    "@scope",
    "@/x",
    "@scope/a/b",
    "x y",
    "{a}",
    "[a]",
    "a^",
    "!x",
    "x!",
    "it's",
    "a*",
    "(a)",
    "~a",
    "x...",
    "@s/.x",
    "é",
    "a" * 215,
]


@pytest.mark.parametrize("name", VALID)
def test_npm_names_are_accepted(name: str) -> None:
    assert names.package_name_problem(name) is None


@pytest.mark.parametrize("name", INVALID)
def test_names_npm_or_a_filter_would_misread_are_refused(name: str) -> None:
    assert names.package_name_problem(name) is not None


# --------------------------------------------------------------------------- printed names


def _affected(root: Path, *args: str):
    return run_cli("affected", "--base", "main", *args, cwd=root)


@pytest.mark.parametrize("name", ["...x", "!x", "-x", "{packages/other}"])
def test_the_matrix_and_print_refuse_a_name_another_program_would_misread(
    tmp_path: Path, name: str
) -> None:
    """`affected --matrix` goes into a CI matrix and from there to `pnpm --filter`; `--print`
    into a shell. A package whose name is not npm's fails the command, which prints nothing:
    left out, its gates would go unrun while the job that reads the list passes."""
    root = _workspace(tmp_path / "ws", name)
    for args in (("--matrix", "--tasks", "test"), ("--print", "name"), ("--print", "filter")):
        proc = _affected(root, *args)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stdout == ""
        assert "1 package cannot be printed" in proc.stderr
        assert f"packages/target/package.json: its name {name!r}" in proc.stderr
        assert "Traceback" not in proc.stderr
    # its folder is a safe thing to print
    assert _affected(root, "--print", "path").stdout == "packages/target\n"


def test_a_folder_with_a_newline_is_refused_without_breaking_the_message(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", "@names/target")
    git(root, "mv", "packages/target", "packages/tar\nget")
    commit_all(root, "a folder whose name holds a newline")
    for args in (("--matrix", "--tasks", "test"), ("--print", "path")):
        proc = _affected(root, *args)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stdout == ""
        assert "its folder 'packages/tar\\nget' holds the control character '\\n'" in proc.stderr
        assert "\nget" not in proc.stderr  # the newline is shown escaped, never written
    # the name is valid and is what --print name prints
    assert _affected(root, "--print", "name").stdout == "@names/target\n"


def test_the_matrix_of_valid_names_is_printed(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", "@names/target")
    proc = _affected(root, "--matrix", "--tasks", "test")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "include": [{"package": "@names/target", "path": "packages/target", "task": "test"}]
    }
