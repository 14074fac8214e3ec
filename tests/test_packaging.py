"""The distribution: the validators mapping, the entry-point registry, the wheel and the sdist,\nthe metadata (version, license, URLs) and the extras."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, project_files, pyproject


def test_validators_package_maps_to_top_level_folder() -> None:
    import orchestrator_tool.validators as v

    assert Path(v.__file__).resolve() == (REPO / "validators" / "__init__.py").resolve()


def test_no_top_level_validators_module_is_installed() -> None:
    # The PyPI package `validators` must not be shadowed by ours.
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib.util as u; s = u.find_spec('validators'); "
            "print(s.origin if s else 'none')",
        ],
        capture_output=True,
        text=True,
        cwd="/",
        check=True,
    )
    assert not proc.stdout.strip().startswith(str(REPO / "validators"))


def test_registry_finds_entry_point_plugins(tmp_path, monkeypatch) -> None:
    plugin = tmp_path / "my_plugin.py"
    plugin.write_text('CODE = "ZZZ001"\nNAME = "my-rule"\n')
    dist = tmp_path / "my_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: my-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[orchestrator_tool.validators]\nmy_rule = my_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from orchestrator_tool.validators import registry

    found = {v.code: v for v in registry()}
    assert found["ZZZ001"].name == "my-rule"
    assert found["ZZZ001"].origin == "my-plugin"


def test_a_validator_module_is_found_without_being_registered(tmp_path) -> None:
    # a new module in the validators package, listed nowhere: the registry finds it, its
    # examples run, and `rules` shows it (a subprocess: the package's path is extended there)
    (tmp_path / "no_todo_comment.py").write_text(
        "from orchestrator_tool.engine.validator import Invalid, Valid\n"
        'CODE = "TODO001"\nNAME = "no-todo-comment"\nMESSAGE = "TODO left in the code"\n'
        'SEVERITY = "warning"\n'
        'VALID = [Valid("const done = 1;")]\n'
        'INVALID = [Invalid("const x = 1; // TODO: finish", ((1, 14),))]\n'
        "def check(ctx):\n"
        '    at = ctx.source.data.find(b"// TODO")\n'
        "    if at >= 0:\n"
        "        ctx.report(span=(at, at + 7))\n"
    )
    script = (
        "import sys, orchestrator_tool.validators as v\n"
        f"v.__path__.append({str(tmp_path)!r})\n"
        "found = {i.code: i for i in v.registry()}\n"
        "print(found['TODO001'].module, found['TODO001'].origin)\n"
        "spec = next(s for s in v.load_specs() if s.code == 'TODO001')\n"
        "print(len(spec.valid), len(spec.invalid))\n"
        "from orchestrator_tool.cli import cli\n"
        "cli(['rules', 'test', 'TODO001'])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["orchestrator_tool.validators.no_todo_comment builtin", "1 1"]
    assert "TODO001" in lines[2] and "2 examples" in proc.stdout, proc.stdout


def test_a_misspelt_contract_attribute_is_an_error() -> None:
    import types

    from orchestrator_tool.engine.validator import spec_from_module

    module = types.ModuleType("orchestrator_tool.validators.sloppy")
    exec(
        'CODE = "SLP001"\nNAME = "sloppy"\nMESSAGE = "m"\nSEVERITY = "error"\n'
        'PREFLITER = rb"x"\nHTTP_VERBS = ("GET",)\ndef check(ctx): pass\n',
        module.__dict__,
    )
    with pytest.raises(TypeError, match="unknown attribute PREFLITER: did you mean PREFILTER"):
        spec_from_module(module)
    del module.PREFLITER  # a constant of its own that resembles nothing is fine
    assert spec_from_module(module).code == "SLP001"


@pytest.mark.slow
def test_wheel_contents(tmp_path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    # every module of the source tree is in the wheel, the validators under their package name
    expected = {p.relative_to(REPO).as_posix() for p in (REPO / "orchestrator_tool").rglob("*.py")}
    expected |= {
        "orchestrator_tool/validators/" + p.relative_to(REPO / "validators").as_posix()
        for p in (REPO / "validators").rglob("*")
        if p.suffix in (".py", ".scm")
    }
    expected.add("orchestrator_tool/planning/task-patterns.json")  # the built-in plan patterns
    assert expected - names == set()
    assert not any(n.startswith("validators/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "orchestrator = orchestrator_tool.cli:main" in text


def test_the_version_is_written_once() -> None:
    """`__version__` is the one place: pyproject.toml reads it, the metadata and --version
    agree with it."""
    from importlib.metadata import version

    from orchestrator_tool import __version__

    project = pyproject()["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    dynamic = pyproject()["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "orchestrator_tool.__version__"}
    assert version("orchestrator-tool") == __version__
    proc = subprocess.run(
        [sys.executable, "-m", "orchestrator_tool", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.split()[-1] == __version__


def test_license_classifiers_and_urls() -> None:
    from orchestrator_tool.hooks import REPOSITORY

    project = pyproject()["project"]
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License\n")
    assert "Copyright (c) 2026 orchestrator-tool contributors" in license_text
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    # PEP 639: the license expression, never a license classifier beside it
    assert not any(c.startswith("License ::") for c in project["classifiers"])
    assert "Typing :: Typed" in project["classifiers"]
    python_versions = {
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if c.startswith("Programming Language :: Python :: 3.")
    }
    assert min(python_versions, key=lambda v: tuple(map(int, v.split(".")))) == (
        project["requires-python"].removeprefix(">=")
    )
    assert project["urls"]["Source"] == REPOSITORY
    assert all(url.startswith(REPOSITORY) for url in project["urls"].values())


def test_the_test_extra_holds_no_linters_and_no_duplicates() -> None:
    """The `test` extra is what the suite imports or runs; the linters are the PEP 735 `dev`
    group, which .ci/run installs."""

    def name(requirement: str) -> str:
        return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()

    test = [name(r) for r in pyproject()["project"]["optional-dependencies"]["test"]]
    dev = [name(r) for r in pyproject()["dependency-groups"]["dev"]]
    assert len(test) == len(set(test)), test
    assert {"ruff", "mypy", "types-pyyaml"} <= set(dev)
    assert not {"ruff", "mypy", "types-pyyaml"} & set(test)
    # every tool of the extra is one the tests use
    suite = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("*.py"))
    for module, used_as in {
        "pytest": "import pytest",
        "jsonschema": "import jsonschema",
        "hypothesis": "from hypothesis import",
        "build": '"build"',
        "pre-commit": '"pre_commit"',
    }.items():
        assert module in test and used_as in suite, module
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "--group dev" in ci and "'pip>=25.1'" in ci


@pytest.mark.slow
def test_the_sdist_holds_what_its_tests_need(tmp_path) -> None:
    """`python -m build --sdist`: the tests, the fixtures and the files the tests read are in
    it (.ci/run runs the suite from it), with the metadata."""
    from orchestrator_tool import __version__

    proc = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (sdist,) = tmp_path.glob("*.tar.gz")
    top = f"orchestrator_tool-{__version__}/"
    with tarfile.open(sdist) as tar:
        names = {n.removeprefix(top) for n in tar.getnames()}
        pkg_info = tar.extractfile(top + "PKG-INFO")
        assert pkg_info is not None
        metadata = pkg_info.read().decode()
    wanted = {
        f
        for f in project_files()
        if f.startswith(("tests/", "fixtures/", "orchestrator_tool/", "validators/", ".ci/"))
        and "__pycache__" not in f
    }
    wanted |= {"LICENSE", "README.md", "pyproject.toml", "action.yml", ".pre-commit-hooks.yaml"}
    assert wanted - names == set()
    assert f"\nVersion: {__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata and "\nLicense-File: LICENSE\n" in metadata
    assert "\nProject-URL: Source, https://github.com/orchestrator-tool/orchestrator-tool\n" in (
        metadata
    )
    assert "\nClassifier: Typing :: Typed\n" in metadata
