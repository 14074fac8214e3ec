"""Every report of one run (`--report FORMAT[:FILE]`), each read back the way its consumer
reads it: SARIF against the official schema (and Microsoft's multitool), JUnit with
junitparser and ElementTree, GitHub's workflow commands by GitHub's own line rules, the step
summary by its size. Real runs of the command line on real git repositories."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from orchestrator_tool.reporting import github, outputs, sarif

from .conftest import FIXTURES, commit_all, git, run_cli, strict, write

# past the nesting limit: not checked
PY_DEEP = "from typing import Any\n\nx: Any = " + "(" * 2000 + "1" + ")" * 2000 + "\n"
# Next.js route folders, a space, a percent sign, a hash and a non-ASCII name
ODD_PATH = "apps/app/app/[slug]/(marketing)/50% off #1/café.ts"
ODD_URI = "apps/app/app/%5Bslug%5D/%28marketing%29/50%25%20off%20%231/caf%C3%A9.ts"


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge")
    write(r / "packages/auth/loose.ts", "export const x: any = 1;\nexport const y = 2 as any;\n")
    strict(r)
    commit_all(r, "loose types")
    return r


def _sarif_results(doc: dict) -> list[dict]:
    return doc["runs"][0]["results"]


def _uri(result: dict) -> str:
    return result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


# ------------------------------------------------------------------------ --report


def test_one_run_writes_every_report(repo, tmp_path) -> None:
    summary = tmp_path / "summary.md"
    proc = run_cli(
        "validate",
        "--select",
        "ANY001",
        "--report",
        "text",
        "--report",
        "sarif:results.sarif",
        "--report",
        f"junit:{tmp_path / 'junit.xml'}",
        "--report",
        "github:annotations.txt",
        "--report",
        "json:report.json",
        cwd=repo,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert proc.returncode == 1, proc.stderr  # two errors (strict)
    assert "packages/auth/loose.ts" in proc.stdout and "2 errors, 0 warnings" in proc.stdout
    doc = json.loads((repo / "results.sarif").read_text())
    assert [_uri(r) for r in _sarif_results(doc)] == ["packages/auth/loose.ts"] * 2
    assert json.loads((repo / "report.json").read_text())["summary"]["errors"] == 2
    ET.parse(tmp_path / "junit.xml")
    annotations = (repo / "annotations.txt").read_text().splitlines()
    assert [a.split(" ", 1)[0] for a in annotations] == ["::error", "::error"]
    assert "| ANY001 | no-explicit-any | 2 | 0 |" in summary.read_text()


def test_format_and_output_are_one_report_among_others(repo) -> None:
    proc = run_cli(
        "validate",
        "--select",
        "ANY001",
        "--format",
        "json",
        "-o",
        "a.json",
        "--report",
        "sarif",
        cwd=repo,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["version"] == "2.1.0"  # the sarif report: standard output
    assert json.loads((repo / "a.json").read_text())["summary"]["errors"] == 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--report", "text", "--report", "json"], "2 reports to standard output (text, json)"),
        (["--format", "sarif", "--report", "junit:-"], "2 reports to standard output"),
        (["--report", "sarif:r.out", "--report", "junit:r.out"], "two reports to one file"),
        (["--report", "xml:r.xml"], "unknown format 'xml'"),
        (["--report", "sarif:"], "no file after the colon"),
        (["--report", "sarif:missing/r.sarif"], "the folder missing does not exist"),
        (["--report", "github", "--report", "github:b.txt"], "--report github given twice"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "check"])
def test_reports_that_cannot_be_written_as_asked_are_refused_before_the_run(
    repo, command, args, says
) -> None:
    proc = run_cli(command, *args, cwd=repo)
    assert proc.returncode == 2
    assert says in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""  # nothing ran
    assert not (repo / "r.out").exists()


# ---------------------------------------------------------------------------- SARIF


def test_sarif_uris_are_percent_encoded_and_valid(make_repo, sarif_schema) -> None:
    import jsonschema

    r = make_repo("next-forge")
    write(r / ODD_PATH, "export const odd: any = 1;\n")
    commit_all(r)
    proc = run_cli("validate", "--select", "ANY001", "--report", "sarif", ODD_PATH, cwd=r)
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema)
    (result,) = _sarif_results(doc)
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": ODD_URI, "uriBaseId": "%SRCROOT%"}
    assert "%SRCROOT%" in doc["runs"][0]["originalUriBaseIds"]


def test_identical_findings_get_distinct_fingerprints_that_survive_a_rerun(make_repo) -> None:
    r = make_repo("next-forge")
    same = "export const v = (input as any).id;\n"
    # a line of its own, then the same line twice in one file; that line once in another
    write(r / "packages/auth/same.ts", "export const w = (other as any).id;\n" + same * 2)
    write(r / "packages/auth/other.ts", same)
    commit_all(r)

    def fingerprints() -> dict[tuple[str, int], str]:
        proc = run_cli("validate", "--no-cache", "--select", "ANY001", "--format", "sarif", cwd=r)
        return {
            (_uri(x), x["locations"][0]["physicalLocation"]["region"]["startLine"]): x[
                "partialFingerprints"
            ][sarif.FINGERPRINT_KEY]
            for x in _sarif_results(json.loads(proc.stdout))
        }

    first = fingerprints()
    assert len(first) == 4 and len(set(first.values())) == 4
    twin1, twin2 = first["packages/auth/same.ts", 2], first["packages/auth/same.ts", 3]
    # the identical lines share the hash and differ in their occurrence index
    assert twin1.rsplit(":", 1) == [twin2.rsplit(":", 1)[0], "1"] and twin2.endswith(":2")
    assert first["packages/auth/same.ts", 1].endswith(":1")
    assert first["packages/auth/other.ts", 1].endswith(":1")
    assert fingerprints() == first


def test_every_rule_has_help_pointing_into_the_readme() -> None:
    from orchestrator_tool.api import ValidationReport
    from orchestrator_tool.engine.selection import select_specs

    empty = ValidationReport((), 0, 0, (), (), (), 0, 0)
    doc = json.loads(sarif.render(empty, select_specs(), "1.0", docs="https://example.org/tool"))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all(
        r["helpUri"] == f"https://example.org/tool#{sarif.RULES_ANCHOR}" for r in rules
    )
    assert all(f"orchestrator rules explain {r['id']}" in r["help"]["text"] for r in rules)
    # the anchor is the README's heading of the validator table
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert f"\n### {sarif.RULES_ANCHOR.capitalize()}\n" in readme


def test_a_crash_and_a_file_not_checked_make_the_sarif_run_unsuccessful(
    repo, tmp_path, sarif_schema
) -> None:
    import jsonschema

    plugin = tmp_path / "plugins"
    write(
        plugin / "crashy.py",
        '"""Crashes.\\n\\n## What it does\\nx\\n## Why\\nx\\n## Example\\nx\\n## Use instead\\nx"""\n'
        'CODE = "ZZZ999"\nNAME = "crashy"\nMESSAGE = "m"\nSEVERITY = "error"\n'
        "def check(ctx):\n    raise RuntimeError('boom')\n",
    )
    write(plugin / "crashy-1.0.dist-info/METADATA", "Name: crashy\nVersion: 1.0\n")
    write(
        plugin / "crashy-1.0.dist-info/entry_points.txt",
        "[orchestrator_tool.validators]\ncrashy = crashy\n",
    )
    write(repo / "packages/auth/deep.py", PY_DEEP)
    commit_all(repo)
    proc = run_cli(
        "validate",
        "--select",
        "ZZZ999,ANY",
        "--report",
        "sarif",
        "--report",
        "junit:junit.xml",
        "packages/auth/loose.ts",
        "packages/auth/deep.py",
        cwd=repo,
        env={"PYTHONPATH": str(plugin)},
    )
    assert proc.returncode == 3  # incomplete
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema)
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n
        for n in invocation["toolExecutionNotifications"]
    }
    assert notes["packages/auth/loose.ts"]["message"]["text"] == (
        "validator ZZZ999 failed on packages/auth/loose.ts: RuntimeError: boom"
    )
    assert notes["packages/auth/loose.ts"]["associatedRule"]["id"] == "ZZZ999"
    assert notes["packages/auth/deep.py"]["message"]["text"].startswith(
        "packages/auth/deep.py was not checked: nesting deeper than 200 levels"
    )
    assert all(n["level"] == "error" for n in notes.values())
    # the crash and the file not checked are errors of the JUnit report too
    cases = {c.name: c for suite in JUnitXml.fromfile(str(repo / "junit.xml")) for c in suite}
    assert [type(x) for x in cases["packages/auth/deep.py"].result] == [Error]
    assert [type(x) for x in cases["packages/auth/loose.ts"].result] == [Error]
    # and on standard error when no text report shows them
    assert "orchestrator: validator error: packages/auth/loose.ts: ZZZ999" in proc.stderr


@pytest.fixture(scope="session")
def sarif_multitool(tmp_path_factory) -> Path:
    """Microsoft's SARIF multitool (its self-contained Linux build, from the npm registry)."""
    npm = shutil.which("npm")
    if npm is None or os.uname().sysname != "Linux":
        if os.environ.get("CI"):
            pytest.fail("npm is not installed: CI needs it for the SARIF multitool")
        pytest.skip("the SARIF multitool needs npm and Linux")
    d = tmp_path_factory.mktemp("multitool")
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(d),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--silent",
            "@microsoft/sarif-multitool-linux@5.7.0",
        ],
        check=True,
        capture_output=True,
    )
    tool = d / "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
    tool.chmod(0o755)  # its own postinstall does this; npm may not run install scripts
    return tool


@pytest.mark.slow
def test_sarif_passes_microsofts_multitool(make_repo, sarif_multitool, tmp_path) -> None:
    r = make_repo("next-forge")
    write(r / ODD_PATH, "export const odd: any = 1;\nexport const again: any = 1;\n")
    write(r / "packages/auth/deep.py", PY_DEEP)
    write(r / "packages/auth/twice.ts", "const a = 1 as any;\n" * 2)
    commit_all(r)
    log = tmp_path / "r.sarif"
    run_cli("validate", "--report", f"sarif:{log}", cwd=r)
    out = tmp_path / "validation.sarif"
    proc = subprocess.run(
        [str(sarif_multitool), "validate", str(log), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = _sarif_results(json.loads(out.read_text()))
    errors = [f["message"] for f in found if f.get("level", "warning") == "error"]
    assert errors == []
    # and the log said the run was incomplete, as the multitool read it
    assert json.loads(log.read_text())["runs"][0]["invocations"][0]["executionSuccessful"] is False


# ---------------------------------------------------------------------------- JUnit


def test_validate_junit_has_a_testcase_per_checked_file_and_fails_only_on_errors(
    make_repo, tmp_path
) -> None:
    r = make_repo("next-forge")
    # not strict: ANY001 is a warning, an async client component (RSC003) an error
    write(r / "packages/auth/warned.ts", "export const w: any = 1;\n")
    write(
        r / "packages/auth/broken.tsx",
        '"use client";\n\nexport default async function Profile() {\n'
        "  return <div>profile</div>;\n}\n",
    )
    commit_all(r)
    proc = run_cli(
        "validate",
        "--select",
        "ANY001,RSC003",
        "--report",
        "json",
        "--report",
        f"junit:{tmp_path / 'j.xml'}",
        cwd=r,
    )
    report = json.loads(proc.stdout)
    xml = JUnitXml.fromfile(str(tmp_path / "j.xml"))
    (suite,) = list(xml)
    cases = {c.name: c for c in suite}
    assert len(cases) == report["summary"]["files"]  # one testcase per checked file
    errors = {d["path"] for d in report["diagnostics"] if d["severity"] == "error"}
    warned = {d["path"] for d in report["diagnostics"] if d["severity"] == "warning"}
    assert "packages/auth/broken.tsx" in errors and "packages/auth/warned.ts" in warned
    failing = {n for n, c in cases.items() if any(isinstance(x, Failure) for x in c.result)}
    assert failing == errors
    assert cases["packages/auth/warned.ts"].is_passed
    assert "ANY001" in (cases["packages/auth/warned.ts"].system_out or "")
    # the counts agree with the testcases, in junitparser's reading and ElementTree's
    assert (suite.tests, suite.failures, suite.errors) == (len(cases), len(errors), 0)
    root = ET.parse(tmp_path / "j.xml").getroot()
    assert int(root.get("tests")) == len(cases) == len(list(root.iter("testcase")))
    assert int(root.get("failures")) == len(errors)
    assert (proc.returncode == 1) == bool(errors)


@pytest.fixture
def npm_gates(make_repo) -> Path:
    """npm workspaces with a typecheck gate that prints colours and control characters and
    fails, as a tsc run with FORCE_COLOR does (npm runs it: no install needed)."""
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("npm is not installed")
        pytest.skip("npm is not installed")
    r = make_repo("npm-workspaces", commit=False)
    manifest = json.loads((r / "packages/core/package.json").read_text())
    manifest["scripts"]["typecheck"] = "node emit.cjs"
    write(r / "packages/core/package.json", json.dumps(manifest, indent=2))
    write(
        r / "packages/core/emit.cjs",
        "for (let i = 0; i < 300; i++) process.stdout.write(`line ${i} of the log\\n`);\n"
        "process.stdout.write('\\u001b[31msrc/index.ts(3,7): error TS2322: bad\\u001b[0m "
        "\\u0000\\u0007\\u001b]0;title\\u0007 ::stop-commands::x\\n::error::injected\\n');\n"
        "process.exit(2);\n",
    )
    write(r / "orchestrator.toml", '[gates]\ntasks = ["typecheck"]\n')
    commit_all(r, "initial")
    write(r / "packages/core/src/extra.ts", "export const extra: any = 1;\n")
    return r


def test_check_reports_gates_with_control_characters(npm_gates, tmp_path) -> None:
    summary = tmp_path / "summary.md"
    proc = run_cli(
        "check",
        "--base",
        "HEAD",
        "--report",
        "github",
        "--report",
        "junit:junit.xml",
        "--report",
        "sarif:results.sarif",
        "--report",
        "text:check.txt",
        cwd=npm_gates,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert proc.returncode == 1, proc.stderr

    # JUnit: both readers take it; the validation's testcase and the gates', counts agree
    raw = (npm_gates / "junit.xml").read_text()
    assert "\x1b" not in raw and "\x00" not in raw and "\x07" not in raw
    root = ET.fromstring(raw)
    xml = JUnitXml.fromfile(str(npm_gates / "junit.xml"))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"validate", "typecheck"}
    (checked,) = list(suites["validate"])
    assert checked.name == "packages/core/src/extra.ts" and checked.is_passed  # a warning
    gates = {c.name: c for c in suites["typecheck"]}
    (failure,) = gates["@acme/core"].result
    assert isinstance(failure, Failure)
    assert "error TS2322: bad" in failure.text and "[31m" not in failure.text
    assert all(isinstance(c.result[0], Skipped) for n, c in gates.items() if n != "@acme/core")
    assert int(root.get("tests")) == 1 + len(gates)
    assert int(root.get("failures")) == 1
    assert int(root.get("skipped")) == len(gates) - 1

    # annotations: the failing gate's with the tail of its output, escaped to one line; the
    # output's own `::` lines inject nothing
    lines = proc.stdout.splitlines()
    assert all(ln.startswith(("::error ", "::warning ", "::notice")) for ln in lines), lines
    (gate,) = [ln for ln in lines if "title=gate typecheck (@acme/core)" in ln]
    assert "error TS2322: bad" in gate and "::stop-commands::x%0A::error::injected" in gate
    assert "line 299 of the log" in gate and "line 10 of the log" not in gate  # the tail
    assert "\x1b" not in gate

    # the step summary: the gate's output tail in a <details> block
    text = summary.read_text()
    assert "<details>" in text and "error TS2322: bad" in text
    assert "| typecheck | <code>@acme/core</code> | Failed |" in text

    # SARIF from check: the validators' findings
    results = _sarif_results(json.loads((npm_gates / "results.sarif").read_text()))
    assert [(r["ruleId"], _uri(r)) for r in results] == [("ANY001", "packages/core/src/extra.ts")]
    # the text report in a file: the same as on a terminal, without colours
    check_txt = (npm_gates / "check.txt").read_text()
    assert "typecheck (packages/core) ..." in check_txt
    *_, summary, closing = check_txt.rstrip().splitlines()
    assert summary.endswith("gates: 0 passed, 1 failed, 3 skipped")
    assert re.fullmatch(r"Checked 1 file and 1 gate in \d+\.\d\d s", closing)


# --------------------------------------------------------------------------- GitHub


def test_a_path_with_a_newline_cannot_inject_a_workflow_command(make_repo, tmp_path) -> None:
    r = make_repo("next-forge")
    evil = "packages/auth/x\n::stop-commands::token\n::error::pwned,:%.ts"
    write(r / evil, "export const e: any = 1;\n")
    commit_all(r)
    summary = tmp_path / "summary.md"
    proc = run_cli(
        "validate",
        "--select",
        "ANY001",
        "--report",
        "github",
        cwd=r,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    (line,) = lines
    assert line.startswith(
        "::warning file=packages/auth/x%0A%3A%3Astop-commands%3A%3Atoken%0A%3A%3Aerror%3A%3A"
        "pwned%2C%3A%25.ts,line=1,"
    )
    # the summary keeps it on one table row
    row = next(ln for ln in summary.read_text().splitlines() if "stop-commands" in ln)
    assert row.startswith("| <code>packages/auth/x ::stop-commands::token ::error::pwned")


def test_a_package_name_with_a_newline_cannot_inject_a_workflow_command() -> None:
    from orchestrator_tool.gates import GateResult

    name = "@x/y\n::stop-commands::t\n::error::pwned"
    gate = GateResult("typecheck", name, "packages/y", "refused", reason="invalid name")
    out = github.commands(None, [gate])
    assert out.count("\n") == 1 and out.startswith("::error title=gate typecheck (@x/y%0A")
    assert "%3A%3Astop-commands%3A%3At%0A%3A%3Aerror%3A%3Apwned)::" in out


def test_escaping_follows_githubs_rules() -> None:
    assert github.data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert github.prop("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"


def test_the_step_summary_stays_small_whatever_the_run(tmp_path) -> None:
    """Many thousands of findings and dozens of failing gates with 64 KiB of output each."""
    from orchestrator_tool.api import ValidationReport
    from orchestrator_tool.engine.diagnostics import Diagnostic
    from orchestrator_tool.gates import GateResult

    diags = tuple(
        Diagnostic(
            code=f"ANY00{i % 3}",
            name="no-explicit-any",
            message="Unexpected any | " + "x" * (i % 900),
            path=f"packages/p{i % 250}/src/file{i}.ts",
            line=i % 400 + 1,
            column=1,
            end_line=i % 400 + 1,
            end_column=4,
            severity="error" if i % 7 == 0 else "warning",
            package=f"@scope/p{i % 250}",
        )
        for i in range(30_000)
    )
    report = ValidationReport(diags, 30_000, 0, (), (), (), 0, 0)
    output = "\n".join(f"\x1b[31merror line {n}\x1b[0m " + "y" * 60 for n in range(900))
    gates = [
        GateResult(
            "test",
            f"@scope/p{i}",
            f"packages/p{i}",
            "failed",
            1.0,
            1,
            None,
            ("pnpm", "test"),
            output,
            200_000,
            True,
        )
        for i in range(60)
    ] + [GateResult("typecheck", f"@scope/p{i}", f"packages/p{i}", "passed") for i in range(250)]
    text = github.check_summary(report, gates, "sub/")
    size = len(text.encode())
    assert size < 600_000  # GitHub refuses over 1 MiB per step
    head = text[: text.index("#### Findings")]
    assert "| ANY000 | no-explicit-any |" in head  # counts first
    assert "| <code>@scope/p0</code> |" in head and "150 more packages not shown" in head
    assert "29800 more findings not shown" in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| <code>sub/packages/")]
    assert len(rows) == github.MAX_ROWS
    assert all("| error |" in r for r in rows)  # errors first
    assert 0 < text.count("<details>") < 60
    gate_rows = [ln for ln in text.splitlines() if ln.startswith(("| test |", "| typecheck |"))]
    assert len(gate_rows) == github.MAX_GATE_ROWS
    assert all("| Failed |" in r for r in gate_rows[:60])  # the failing ones first
    assert "10 more gates passed or skipped" in text
    assert "more failing gates is left out" in text or "more failing gate is left out" in text
    assert "\x1b" not in text
    assert "error line 899" in text and "error line 100 " not in text  # tail-capped
    # and validate's alone
    assert len(github.validate_summary(report).encode()) < 300_000


# ----------------------------------------------------------------- paths from git root


def test_ci_paths_start_at_the_git_root_when_the_workspace_is_a_subfolder(tmp_path) -> None:
    top = tmp_path / "repo"
    shutil.copytree(FIXTURES / "next-forge", top / "sub")
    write(top / "README.md", "a repository whose monorepo is in sub/\n")
    write(top / "sub/packages/auth/loose.ts", "export const x: any = 1;\n")
    git(top, "init", "-q")
    commit_all(top)
    sub = top / "sub"
    summary = tmp_path / "summary.md"
    proc = run_cli(
        "validate",
        "--select",
        "ANY001",
        "--report",
        "github",
        "--report",
        "sarif:r.sarif",
        "--report",
        "junit:j.xml",
        "--report",
        "json:r.json",
        cwd=sub,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert proc.stdout.startswith("::warning file=sub/packages/auth/loose.ts,line=1,")
    (result,) = _sarif_results(json.loads((sub / "r.sarif").read_text()))
    assert _uri(result) == "sub/packages/auth/loose.ts"
    assert (top / _uri(result)).is_file()
    cases = {c.get("name"): c for c in ET.parse(sub / "j.xml").getroot().iter("testcase")}
    assert "sub/packages/auth/loose.ts" in cases
    assert cases["sub/packages/auth/loose.ts"].get("file") == "sub/packages/auth/loose.ts"
    assert all(name.startswith("sub/") for name in cases)
    assert "<code>sub/packages/auth/loose.ts</code>" in summary.read_text()
    # JSON keeps the workspace's own paths (what --baseline and scripts key on)
    assert json.loads((sub / "r.json").read_text())["diagnostics"][0]["path"] == (
        "packages/auth/loose.ts"
    )
    # run from the top with --root: the same prefix
    again = run_cli(
        "--root", "sub", "validate", "--select", "ANY001", "--format", "github", cwd=top
    )
    assert again.stdout.startswith("::warning file=sub/packages/auth/loose.ts,")


def test_repo_prefix_outside_git_is_empty(tmp_path) -> None:
    assert outputs.repo_prefix(tmp_path) == ""
