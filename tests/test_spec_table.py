"""The table of validators: read back equal to the specs built from the modules, made again
when a module changes, and what lets a run served from the cache import no validator."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import orchestrator_tool.validators as registry

from orchestrator_tool.engine.spec_table import ModuleCheck


def test_the_table_reads_back_every_validator_as_built(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(tmp_path))
    built = registry.load_specs()  # no table yet: built from the modules, and written
    assert list(tmp_path.glob("validators-*.json"))
    table = registry.load_specs()
    assert [s.code for s in table] == [s.code for s in built]
    for b, t in zip(built, table, strict=True):
        assert isinstance(t.check, ModuleCheck)
        assert t.check.load() is b.check
        assert replace(t, check=b.check) == b, b.code


def test_a_damaged_table_is_made_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(tmp_path))
    registry.load_specs()
    (table,) = tmp_path.glob("validators-*.json")
    table.write_text('{"format": 1, "specs": [{"code": "ANY001"}]}')
    specs = registry.load_specs()
    assert "ANY001" in {s.code for s in specs}
    assert not isinstance(specs[0].check, ModuleCheck)  # built again from the modules
    assert len(json.loads(table.read_text())["specs"]) == len(specs)


def _run(script: str, env_dir: Path) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={"ORCHESTRATOR_CACHE_DIR": str(env_dir), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_an_edited_validator_module_is_read_anew(tmp_path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    rule = folder / "no_fixme.py"
    body = (
        'CODE = "FIX901"\nNAME = "no-fixme"\nMESSAGE = "{}"\nSEVERITY = "warning"\n'
        "def check(ctx):\n    pass\n"
    )
    script = (
        "import orchestrator_tool.validators as v\n"
        f"v.__path__.append({str(folder)!r})\n"
        "print(next(s.message for s in v.load_specs() if s.code == 'FIX901'))\n"
    )
    rule.write_text(body.format("first"))
    assert _run(script, tmp_path / "cache") == ["first"]
    assert _run(script, tmp_path / "cache") == ["first"]  # from the table
    rule.write_text(body.format("second, longer"))
    assert _run(script, tmp_path / "cache") == ["second, longer"]
    rule.unlink()
    gone = script.replace("print(next(", "print(any(").replace(
        "s.message for s in v.load_specs() if s.code == 'FIX901')",
        "s.code == 'FIX901' for s in v.load_specs())",
    )
    assert _run(gone, tmp_path / "cache") == ["False"]


def test_a_run_served_from_the_cache_imports_no_file_validator_nor_parser_nor_runner(
    make_repo, tmp_path
) -> None:
    repo = make_repo("next-forge")
    script = (
        "import sys\n"
        "from orchestrator_tool.cli import cli\n"
        "try:\n"
        "    cli(['--root', sys.argv[1], 'validate', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "import orchestrator_tool.validators as v\n"
        "every_run = {s.module for s in v.load_specs() if s.scope == 'workspace'}\n"
        "loaded = [m for m in sys.modules if m.startswith(('orchestrator_tool.validators.',"
        " 'orchestrator_tool.analysis', 'orchestrator_tool.engine.runner',"
        " 'orchestrator_tool.engine.pool', 'tree_sitter', 'libcst')) and m not in every_run]\n"
        "print(len(loaded), file=sys.stderr)\n"
    )

    def run() -> tuple[dict[str, object], int]:
        proc = subprocess.run(
            [sys.executable, "-c", script, str(repo)],
            capture_output=True,
            text=True,
            check=False,
            env={"ORCHESTRATOR_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
        )
        return json.loads(proc.stdout), int(proc.stderr.strip().splitlines()[-1])

    cold, cold_loaded = run()
    warm, warm_loaded = run()
    assert cold_loaded > 0  # the first run checked the files
    assert warm_loaded == 0  # only the workspace-scope rules, which run every time
    assert warm["diagnostics"] == cold["diagnostics"]
    assert cold["diagnostics"]  # the fixture has findings to serve


def test_an_edit_to_the_code_that_builds_specs_makes_the_table_again(tmp_path, monkeypatch) -> None:
    import os

    from orchestrator_tool.engine import validator

    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(tmp_path))
    registry.load_specs()
    assert isinstance(registry.load_specs()[0].check, ModuleCheck)  # from the table
    source = Path(validator.__file__)
    st = source.stat()
    try:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert not isinstance(registry.load_specs()[0].check, ModuleCheck)  # built again
    finally:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
