"""The distribution: the validators mapping, the entry-point registry, the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


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
