"""`orchestrator rules new`: the validator it writes passes, as written, the checks the suite
applies to every validator; a malformed or taken code or name, and a file that exists, are
refused with nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, run_cli

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the source checkout, laid out as the tool imports it: run from there,
    `orchestrator_tool` and its validators package are the copy's."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "orchestrator_tool", root / "orchestrator_tool", ignore=IGNORE)
    shutil.copytree(REPO / "validators", root / "validators", ignore=IGNORE)
    shutil.copytree(REPO / "fixtures" / "validators", root / "fixtures" / "validators")
    (root / "orchestrator_tool" / "validators").symlink_to("../validators")
    (root / "tests").mkdir()
    for name in ("__init__.py", "conftest.py", "test_validators.py", "test_readme.py"):
        shutil.copy2(REPO / "tests" / name, root / "tests" / name)
    for name in ("README.md", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    return root


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"}


def test_a_new_validator_passes_the_suite_as_written(checkout: Path) -> None:
    proc = run_cli("rules", "new", "no-legacy-fetch", "--code", "LEG001", cwd=checkout)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:4] == [
        "wrote validators/no_legacy_fetch.py",
        "wrote fixtures/validators/LEG001/example.ts",
        "wrote fixtures/validators/LEG001/expected.txt",
        "wrote README.md's validator table (`orchestrator rules --markdown`)",
    ]
    module = (checkout / "validators" / "no_legacy_fetch.py").read_text()
    for part in ("## What it does", "## Why", "## Example", "## Use instead", "VALID = ["):
        assert part in module
    assert 'CODE = "LEG001"' in module and 'NAME = "no-legacy-fetch"' in module

    # found without a word anywhere else: its examples run by code
    tested = run_cli("rules", "test", "LEG001", cwd=checkout)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout == "LEG001 no-legacy-fetch: 4 examples, ok\n"
    listed = run_cli("rules", cwd=checkout).stdout
    assert "LEG001  no-legacy-fetch" in listed

    # the suite's checks of every validator (examples, docstring sections, fixture markers and
    # expected output) and of the README's table, run in the copy
    suite = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "LEG001 or validator_table",
            "tests/test_validators.py",
            "tests/test_readme.py",
        ],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert suite.returncode == 0, suite.stdout
    assert "4 passed" in suite.stdout, suite.stdout

    # and the linters CI runs over validators/, where they are installed
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is not None:
        for args in (["check"], ["format", "--check"]):
            lint = subprocess.run(
                [ruff, *args, "validators/no_legacy_fetch.py"],
                cwd=checkout,
                capture_output=True,
                text=True,
                check=False,
            )
            assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("no-legacy-fetch", "--code", "leg001"), "a code is 2 to 8 capitals and 3 digits"),
        (("no-legacy-fetch", "--code", "LEG01"), "a code is 2 to 8 capitals and 3 digits"),
        (("NoLegacyFetch", "--code", "LEG001"), "a name is lower-case words joined by dashes"),
        (("no-legacy-fetch", "--code", "ANY001"), "ANY001 is taken by no-explicit-any"),
        (("no-explicit-any", "--code", "LEG001"), "no-explicit-any is taken by ANY001"),
    ],
)
def test_a_malformed_or_taken_code_or_name_is_refused(checkout: Path, args, says) -> None:
    before = _files(checkout)
    proc = run_cli("rules", "new", *args, cwd=checkout)
    assert proc.returncode == 2
    assert says in proc.stderr and "Traceback" not in proc.stderr
    assert _files(checkout) == before


def test_nothing_is_overwritten(checkout: Path) -> None:
    cases = checkout / "fixtures" / "validators" / "LEG002"
    cases.mkdir()
    (cases / "example.ts").write_text("// mine\n")
    before = _files(checkout)
    proc = run_cli("rules", "new", "no-legacy-xhr", "--code", "LEG002", cwd=checkout)
    assert proc.returncode == 2
    assert "fixtures/validators/LEG002: exists" in proc.stderr
    assert _files(checkout) == before  # the module neither: all or nothing

    assert (
        run_cli("rules", "new", "no-legacy-xhr", "--code", "LEG003", cwd=checkout).returncode == 0
    )
    again = run_cli("rules", "new", "no-legacy-xhr", "--code", "LEG003", cwd=checkout)
    assert again.returncode == 2
    assert "LEG003 is taken by no-legacy-xhr" in again.stderr
