"""The command line as a user meets it: exit codes, messages, formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrator_tool import cli

from .conftest import FIXTURES, run_cli


def test_scan_text_names_packages_and_manager() -> None:
    proc = run_cli("scan", cwd=FIXTURES / "next-forge")
    assert proc.returncode == 0, proc.stderr
    assert "pnpm 9.15.0" in proc.stdout
    assert "10 packages" in proc.stdout
    assert "@repo/design-system (peer)" in proc.stdout



def test_scan_text_keeps_its_columns_when_one_name_is_very_long(tmp_path) -> None:
    (tmp_path / "package.json").write_text('{"name": "root", "private": true}\n')
    (tmp_path / "pnpm-workspace.yaml").write_text("packages:\n  - 'packages/*'\n")
    for name in ("a", "b", "long"):
        (tmp_path / "packages" / name).mkdir(parents=True)
        full = "@t/" + ("x" * 150 if name == "long" else name)
        (tmp_path / "packages" / name / "package.json").write_text(f'{{"name": "{full}"}}\n')
    lines = run_cli("scan", cwd=tmp_path).stdout.splitlines()
    header = next(line for line in lines if line.startswith("PACKAGE"))
    # the columns fit the short names; the long one runs past its column on its own line
    assert header.index("PATH") == len("PACKAGE") + 2
    assert next(line for line in lines if line.startswith("@t/a ")).index("packages/a") == (
        header.index("PATH")
    )
    assert "x  packages/long  -" in next(line for line in lines if line.startswith("@t/xxx"))

def test_scan_json_validates_against_published_schema() -> None:
    import jsonschema

    root = FIXTURES / "next-forge"
    doc = json.loads(run_cli("scan", "--json", cwd=root).stdout)
    schema = json.loads(run_cli("scan", "--schema", cwd=root).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema)
    assert doc["packageManager"] == {
        "name": "pnpm",
        "version": "9.15.0",
        "source": "packageManager",
    }
    first = doc["packages"][0]
    assert set(first) >= {
        "name",
        "path",
        "version",
        "private",
        "scripts",
        "dependencies",
        "workspaceDependencies",
        "exports",
        "turbo",
        "tsconfig",
    }
    assert {"source", "target", "kind", "specifier"} == set(doc["edges"][0])


def test_scan_from_a_subfolder_finds_the_root() -> None:
    proc = run_cli("scan", "--json", cwd=FIXTURES / "next-forge" / "apps" / "web")
    assert json.loads(proc.stdout)["root"].endswith("fixtures/monorepos/next-forge")


def test_graph_mermaid_and_dot() -> None:
    root = FIXTURES / "next-forge"
    mermaid = run_cli("scan", "--graph", "mermaid", cwd=root).stdout
    assert mermaid.startswith("graph LR\n")
    assert mermaid.count("-->") + mermaid.count("-.->") == 19
    assert "-.->" in mermaid  # dev and peer edges are dashed
    dot = run_cli("scan", "--graph", "dot", cwd=root).stdout
    assert dot.startswith("digraph workspace {")
    assert '"@repo/auth" -> "@repo/database";' in dot


@pytest.mark.parametrize(
    ("fixture", "code", "expected"),
    [
        ("bad-package-json", 2, "packages/b/package.json:4:3: invalid package.json"),
        ("bad-turbo-json", 2, "turbo.json:6:13: invalid turbo.json"),
        ("bad-workspace-yaml", 2, "pnpm-workspace.yaml:3:2: invalid YAML"),
        ("escaping-glob", 2, "pnpm-workspace.yaml:3:5: workspace glob '../outside/*'"),
        (
            "duplicate-names",
            1,
            "packages/logger-next/package.json:2:3: error[WS005]: two workspace packages are "
            "named '@dup/logger': packages/logger and packages/logger-next; the map takes "
            "packages/logger for the name and a dependency on it is ambiguous",
        ),
        ("cycle", 1, "dependency cycle: @cycle/a → @cycle/b → @cycle/c → @cycle/a"),
        ("bad-tsconfig", 1, "packages/web/tsconfig.json:2:14: error[TS003]"),
    ],
)
def test_bad_input_exit_codes_and_messages(fixture, code, expected) -> None:
    proc = run_cli("scan", cwd=FIXTURES / "broken" / fixture)
    assert proc.returncode == code
    assert expected in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_problems_go_to_stderr_with_json(tmp_path) -> None:
    proc = run_cli("scan", "--json", cwd=FIXTURES / "broken" / "cycle")
    assert proc.returncode == 1
    json.loads(proc.stdout)  # stdout stays valid JSON
    assert "dependency cycle" in proc.stderr


def test_no_monorepo_here(tmp_path) -> None:
    proc = run_cli("scan", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no package.json" in proc.stderr
    assert "--root" in proc.stderr


def test_unknown_option_is_a_usage_error() -> None:
    proc = run_cli("scan", "--nope", cwd=FIXTURES / "next-forge")
    assert proc.returncode == 2


def test_internal_error_exit_code_and_no_traceback(monkeypatch) -> None:
    from orchestrator_tool import api

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    # An internal bug cannot be produced on purpose; simulate one at the API boundary.
    monkeypatch.setattr(api, "load_workspace", boom)
    result = CliRunner().invoke(cli.cli, ["--root", str(FIXTURES / "next-forge"), "scan"])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.output
    assert "Traceback" not in result.output


def test_version() -> None:
    proc = run_cli("--version", cwd=FIXTURES)
    assert proc.returncode == 0
    assert proc.stdout.startswith("orchestrator, version ")


def test_rules_test_takes_a_code_and_refuses_what_is_not_a_validator(tmp_path) -> None:
    ok = run_cli("rules", "test", "ANY001", cwd=tmp_path)
    assert ok.returncode == 0
    assert "ANY001 no-explicit-any" in ok.stdout
    for name, says in (("nosuch", "no validator code or module"), ("os", "not a validator")):
        bad = run_cli("rules", "test", name, cwd=tmp_path)
        assert bad.returncode == 2
        assert says in bad.stderr
        assert "Traceback" not in bad.stderr


def test_a_report_path_in_a_missing_folder_is_refused_before_the_run() -> None:
    proc = run_cli(
        "validate",
        "--no-cache",
        "-o",
        "missing-folder/report.sarif",
        "--format",
        "sarif",
        cwd=FIXTURES / "next-forge",
    )
    assert proc.returncode == 2
    assert "missing-folder" in proc.stderr and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (FIXTURES / "next-forge" / "missing-folder").exists()


def test_fix_says_when_only_unsafe_fixes_are_left(tmp_path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "next-forge", repo)
    (repo / "orchestrator.toml").write_text(
        "[validators.ANY001]\noptions = { fixToUnknown = true }\n"
    )
    (repo / "packages/auth/x.ts").write_text("export const a: any = 1;\n")
    proc = run_cli("validate", "--no-cache", "--select", "ANY001", "--fix", cwd=repo)
    assert "1 unsafe fix not applied: add --unsafe-fixes" in proc.stderr
    assert (repo / "packages/auth/x.ts").read_text() == "export const a: any = 1;\n"
    applied = run_cli(
        "validate", "--no-cache", "--select", "ANY001", "--fix", "--unsafe-fixes", cwd=repo
    )
    assert "unsafe fix" not in applied.stderr
    assert (repo / "packages/auth/x.ts").read_text() == "export const a: unknown = 1;\n"


def test_rules_test_reports_a_plugin_that_fails_to_import(tmp_path) -> None:
    (tmp_path / "myplug.py").write_text("import nonexistent_dependency_xyz\n")
    proc = run_cli("rules", "test", "myplug", cwd=tmp_path, env={"PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 2
    assert "myplug cannot be imported" in proc.stderr
    assert "nonexistent_dependency_xyz" in proc.stderr and "Traceback" not in proc.stderr


def test_option_combinations_are_refused_before_any_work(tmp_path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "next-forge", repo)
    (repo / "orchestrator.toml").write_text(
        "[validators.ANY001]\noptions = { fixToUnknown = true }\n"
    )
    loose = repo / "packages/auth/x.ts"
    loose.write_text("export const a: any = 1;\n")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    fix = ("validate", "--no-cache", "--select", "ANY001", "--fix", "--unsafe-fixes")
    for extra in ("--update-baseline", "--grow-baseline"):
        proc = run_cli(*fix, extra, cwd=repo)
        assert proc.returncode == 2, proc.stderr
        assert "need --baseline FILE" in proc.stderr
        assert proc.stdout == ""  # refused before the run: no report either
    # the fix would rewrite x.ts (it does, once the options agree): nothing changed
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
    assert run_cli(*fix, cwd=repo).returncode == 0
    assert loose.read_text() == "export const a: unknown = 1;\n"

    # a malformed --shard is refused before the validators run and the gates start
    proc = run_cli("check", "packages/auth/x.ts", "--shard", "3/2", cwd=repo)
    assert proc.returncode == 2
    assert proc.stderr == "orchestrator: --shard '3/2': K must be between 1 and N\n"
    assert proc.stdout == ""
    proc = run_cli("--root", "nowhere", "validate", "--all", "packages/auth", cwd=repo)
    assert proc.returncode == 2
    assert "--all checks the whole workspace" in proc.stderr  # before the missing root


def test_each_command_is_found_under_its_name() -> None:
    # the group imports a command's module when the command is asked for: every listed name
    # resolves to the command of that name
    import click

    from orchestrator_tool.cli.app import COMMANDS, cli

    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
    assert cli.get_command(ctx, "nosuch") is None


def test_the_console_script_raises_the_collectors_threshold_before_the_command_is_loaded() -> None:
    import subprocess
    import sys

    script = (
        "import atexit, gc, sys\n"
        "import orchestrator_tool.cli as entry\n"
        "print('click' in sys.modules, gc.get_threshold()[0])\n"  # nothing heavy imported yet
        "sys.argv = ['orchestrator', '--version']\n"
        "atexit.register(lambda: print(gc.get_threshold()[0] >= 10000))\n"  # main() exits
        "entry.main()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "False 700"
    assert out[-1] == "True"


def _console_script(prelude: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script's ``main()`` in a fresh interpreter, after ``prelude``."""
    script = f"import sys\n{prelude}\nsys.argv = ['orchestrator', *{list(args)!r}]\n"
    script += "from orchestrator_tool.cli import main\nmain()\nprint('main returned')\n"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_exit_runs_the_atexit_handlers_flushes_the_output_and_keeps_the_status(
    tmp_path: Path,
) -> None:
    # The interpreter is not torn down at exit (os._exit), which a cached run would otherwise
    # pay a tenth of its time for; what a normal exit does that matters must still happen.
    marker = tmp_path / "handler-ran"
    prelude = f"import atexit\natexit.register(lambda: open({str(marker)!r}, 'w').close())"
    root = FIXTURES / "next-forge"
    done = _console_script(prelude, "scan", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert marker.exists()
    assert json.loads(done.stdout)["packages"]  # the whole document, flushed
    assert "main returned" not in done.stdout  # main() leaves the process
    marker.unlink()
    refused = _console_script(prelude, "validate", "--nosuch", cwd=root)
    assert refused.returncode == 2 and "No such option" in refused.stderr
    assert marker.exists()


def test_the_exit_waits_for_a_thread_still_running(tmp_path: Path) -> None:
    marker = tmp_path / "thread-done"
    prelude = (
        "import threading, time\n"
        "def late():\n"
        "    time.sleep(0.5)\n"
        f"    open({str(marker)!r}, 'w').close()\n"
        "threading.Thread(target=late).start()"
    )
    done = _console_script(prelude, "--version", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert marker.exists()  # a normal exit, which waits for the thread
