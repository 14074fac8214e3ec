"""`orchestrator validate` end to end: file selection, staged content, cache, crash isolation,
fixes, columns and every output format."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.engine.crashes import Crash

from .conftest import commit_all, git, run_cli, strict, write


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge")
    write(r / "packages/auth/loose.ts", "export const x: any = 1;\nexport const y = 2 as any;\n")
    strict(r)
    commit_all(r, "loose types")
    return r


def _validate(ws, **kwargs):
    # The engine's behaviour, shown with one validator (the fixture's other findings aside).
    kwargs.setdefault("select", ["ANY001"])
    return api.validate(ws, api.ValidateOptions(**kwargs))


def codes(report) -> list[tuple[str, int, int, str]]:
    return [(d.path, d.line, d.column, d.code) for d in report.diagnostics]


def test_whole_workspace(repo) -> None:
    report = _validate(api.load_workspace(repo), jobs=1)
    assert codes(report) == [
        ("packages/auth/loose.ts", 1, 17, "ANY001"),
        ("packages/auth/loose.ts", 2, 23, "ANY001"),
    ]
    assert report.diagnostics[0].package == "@repo/auth"
    assert report.files_checked > 20


def test_parallel_run_matches_serial(repo, monkeypatch) -> None:
    from orchestrator_tool.engine import runner

    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 2)
    ws = api.load_workspace(repo)
    assert codes(_validate(ws, jobs=2, use_cache=False)) == codes(
        _validate(ws, jobs=1, use_cache=False)
    )


def test_staged_content_is_what_is_checked(repo) -> None:
    target = repo / "packages/analytics/index.tsx"
    original = target.read_text()
    target.write_text(original + "\nexport const staged: any = 1;\n")
    git(repo, "add", str(target))
    target.write_text(original)  # the work tree is clean again; the index is not
    report = _validate(api.load_workspace(repo), staged=True)
    assert [(d.path, d.code) for d in report.diagnostics] == [
        ("packages/analytics/index.tsx", "ANY001")
    ]
    assert report.files_checked == 1
    # and the other way round: a violation only in the work tree is not in the commit
    git(repo, "add", str(target))
    target.write_text(original + "\nexport const unstaged: any = 1;\n")
    assert _validate(api.load_workspace(repo), staged=True).diagnostics == ()


def test_base_checks_changed_files_only(repo) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo / "apps/web/new.ts", "export const n: any = 1;\n")
    commit_all(repo)
    report = _validate(api.load_workspace(repo), base="main")
    assert [d.path for d in report.diagnostics] == ["apps/web/new.ts"]
    assert report.files_checked == 1


def test_affected_checks_every_file_of_affected_packages(repo) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo / "packages/database/extra.ts", "export const e = 1;\n")
    commit_all(repo)
    report = _validate(api.load_workspace(repo), base="main", affected_only=True)
    # database changed; auth depends on it, so loose.ts in auth is checked too
    assert [d.path for d in report.diagnostics] == ["packages/auth/loose.ts"] * 2


def test_cache_hits_and_invalidation(repo) -> None:
    ws = api.load_workspace(repo)
    first = _validate(ws)
    assert first.cached == 0
    second = _validate(ws)
    assert second.cached == second.files_checked
    assert codes(second) == codes(first)
    write(repo / "packages/auth/loose.ts", "export const x: any = 1;\n")
    third = _validate(ws)
    assert third.cached == third.files_checked - 1
    assert len(third.diagnostics) == 1
    # a different selection of validators is another cache
    assert _validate(ws, select=[], ignore=["ANY"]).cached == 0


def test_an_edited_validator_misses_the_cache(repo) -> None:
    import importlib

    ws = api.load_workspace(repo)
    assert _validate(ws).cached == 0
    assert _validate(ws).cached > 0
    # the same version number, but the validator's source changed on disk (a reinstall, an
    # edit in a development install): its old findings must not come back from the cache
    module = Path(importlib.import_module("orchestrator_tool.validators.no_explicit_any").__file__)
    st = module.stat()
    try:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert _validate(ws).cached == 0
    finally:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_another_parser_install_misses_the_cache(repo) -> None:
    import importlib.util

    ws = api.load_workspace(repo)
    assert _validate(ws).cached == 0
    assert _validate(ws).cached > 0
    # Another tree-sitter (or libcst) can read the same file into another tree. Installing one
    # rewrites its package's files: the stamp of tree-sitter's own moves here, as it would then.
    spec = importlib.util.find_spec("tree_sitter")
    assert spec is not None and spec.origin is not None
    parser = Path(spec.origin)
    st = parser.stat()
    try:
        os.utime(parser, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert _validate(ws).cached == 0
    finally:
        os.utime(parser, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _validate(ws).cached > 0  # put back: the old entries serve again


def test_corrupt_cache_is_a_miss(repo, tmp_path) -> None:
    ws = api.load_workspace(repo)
    _validate(ws)
    for f in (tmp_path / "cache").iterdir():
        f.write_text('{"format": 1, "files": {"packages/auth/loose.ts": [1, 2')
    report = _validate(ws)
    assert report.cached == 0
    assert len(report.diagnostics) == 2


def test_the_files_an_entry_was_read_from_are_written_once(repo, tmp_path) -> None:
    ws = api.load_workspace(repo)
    first = _validate(ws, select=[])  # every rule: the import rules read folders and manifests
    (path,) = (
        f
        for f in (tmp_path / "cache").glob("*.json")
        if not f.name.startswith(("config-", "validators-"))
    )
    doc = json.loads(path.read_text())
    reads = [(dep, json.dumps(stat)) for dep, stat in doc["reads"]]
    assert len(reads) == len(set(reads))  # each (dependency, stat) pair once
    places = [i for entry in doc["files"].values() for i in entry[4]]
    assert len(places) > len(reads)  # shared by several entries
    assert set(places) == set(range(len(reads)))  # none unused, none missing
    # a tampered entry (a place that is not there) is a miss, not a crash, and not written back
    victim = "packages/auth/loose.ts"
    doc["files"][victim][4] = [len(reads) + 7]
    path.write_text(json.dumps(doc))
    again = _validate(ws, select=[])
    assert again.cached == again.files_checked - 1
    assert codes(again) == codes(first)
    assert all(
        i < len(json.loads(path.read_text())["reads"])
        for i in json.loads(path.read_text())["files"][victim][4]
    )


@pytest.mark.parametrize(
    "bad",
    [7, "x", [], [1, 2], [None, None, None, None, None], [0, 0, "", [1, 2], []], [0, 0, "", 0, 5]],
)
def test_a_malformed_entry_is_a_miss(repo, tmp_path, bad) -> None:
    ws = api.load_workspace(repo)
    first = _validate(ws)
    (path,) = (
        f
        for f in (tmp_path / "cache").glob("*.json")
        if not f.name.startswith(("config-", "validators-"))
    )
    doc = json.loads(path.read_text())
    clean = next(p for p, e in doc["files"].items() if e[3] == 0)  # nothing found: one token
    victim = "packages/auth/loose.ts"
    assert doc["files"][victim][3] != 0  # its findings
    size, stamp = doc["files"][clean][:2]
    for p in (clean, victim):
        # the same size and stamp where the shape has them: the fast path reads the rest
        doc["files"][p] = [size, stamp, *bad[2:]] if isinstance(bad, list) and len(bad) > 2 else bad
    path.write_text(json.dumps(doc))
    again = _validate(ws)
    assert again.cached == again.files_checked - 2
    assert codes(again) == codes(first)


def test_excludes_generated_files_unless_named(repo) -> None:
    write(repo / "packages/database/generated/client.gen.ts", "export const g: any = 1;\n")
    write(repo / "apps/web/dist/out.js", "export const d = 1;\n")
    ws = api.load_workspace(repo)
    report = _validate(ws)
    assert "packages/database/generated/client.gen.ts" not in {d.path for d in report.diagnostics}
    assert report.excluded >= 1
    named = _validate(ws, paths=["packages/database/generated/client.gen.ts"], cwd=repo)
    assert len(named.diagnostics) == 1
    forced = _validate(
        ws, paths=["packages/database/generated/client.gen.ts"], cwd=repo, force_exclude=True
    )
    assert forced.diagnostics == ()


def test_binary_and_large_files_are_skipped(repo) -> None:
    (repo / "packages/auth/blob.ts").write_bytes(b"export const a = 1;\0\0binary")
    (repo / "packages/auth/huge.ts").write_text("// x\n" * 300_000)
    report = _validate(api.load_workspace(repo), paths=["packages/auth"], cwd=repo)
    skipped = dict(report.skipped)
    assert skipped["packages/auth/blob.ts"] == "binary"
    assert skipped["packages/auth/huge.ts"].startswith("larger than")


SKIPS = Path(__file__).resolve().parent.parent / "fixtures" / "skips"


def test_minified_compiled_and_static_asset_files_are_skipped_with_the_reason(repo) -> None:
    from orchestrator_tool.engine.runner import check_source
    from orchestrator_tool.engine.settings import Settings
    from orchestrator_tool.engine.source import SourceFile
    from orchestrator_tool.engine.spec import load_specs

    placed = {
        "packages/design-system/vendor/sparkline.js": "sparkline.js",
        "packages/auth/lib/client.js": "compiled-client.js",
        "apps/web/public/sw.js": "sw.js",
        # a package that serves nothing: its public/ is source like any other folder
        "packages/email/public/sw.js": "sw.js",
    }
    empty_catch = tuple(s for s in load_specs() if s.code == "ERR001")
    for rel, name in placed.items():
        data = (SKIPS / name).read_bytes()
        # each holds an empty catch ERR001 reports when the file is read as source
        found = check_source(
            SourceFile("packages/auth/x.js", data, "javascript"), Settings(empty_catch)
        )
        assert [d.code for d in found.diagnostics] == ["ERR001"], name
        write(repo / rel, data.decode())
    # long lines alone do not make a TS file generated (an inline SVG path, a base64 logo)
    write(
        repo / "packages/auth/logo.ts",
        f'export const logo = "data:image/png;base64,{"A" * 4000}";\n'
        "export async function ping(url: string) {\n  try { await fetch(url) } catch {}\n}\n",
    )
    commit_all(repo, "vendored and built files")
    report = api.validate(
        api.load_workspace(repo), api.ValidateOptions(select=["ERR001"], use_cache=False, jobs=1)
    )
    assert dict(report.skipped) == {
        "packages/design-system/vendor/sparkline.js": "minified",
        "packages/auth/lib/client.js": "compiled: it ends with a sourceMappingURL comment",
        "apps/web/public/sw.js": "static asset: public/ is served as-is by next",
    }
    assert sorted({d.path for d in report.diagnostics}) == [
        "packages/auth/logo.ts",
        "packages/email/public/sw.js",
    ]
    from orchestrator_tool.reporting.diagnostics import text

    assert "(3 skipped: 1 compiled, 1 minified, 1 static asset)" in text(report)


def test_unparsed_regions_are_reported_by_line_and_the_rest_is_still_checked(repo) -> None:
    broken = "export const a: any = (;\nconst ok = 1;\nexport const b: any = [2;\n"
    write(repo / "packages/auth/broken.ts", broken)
    # valid TypeScript the grammar rejects as written: read whole, not listed
    terms = "export const T = (p: any) => <p>Terms & Conditions</p>;\n"
    write(repo / "packages/auth/terms.tsx", terms)
    paths = ["packages/auth/broken.ts", "packages/auth/terms.tsx"]
    ws = api.load_workspace(repo)
    report = _validate(ws, paths=paths, cwd=repo)
    assert [(u.path, u.regions, u.syntax_error) for u in report.unparsed] == [
        ("packages/auth/broken.ts", ((1, 1), (3, 3)), False)
    ]
    assert report.parse_errors == ("packages/auth/broken.ts",)
    assert [(d.path, d.line) for d in report.diagnostics] == [
        ("packages/auth/broken.ts", 1),
        ("packages/auth/broken.ts", 3),
        ("packages/auth/terms.tsx", 1),
    ]
    again = _validate(ws, paths=paths, cwd=repo)
    assert again.cached == 2
    assert again.unparsed == report.unparsed
    out = run_cli("validate", "--select", "ANY001", *paths, cwd=repo).stdout
    assert (
        "note: packages/auth/broken.ts: lines 1 and 3 could not be parsed; checked everywhere else"
    ) in out
    assert "syntax error" not in out and "terms.tsx:" not in out
    doc = json.loads(
        run_cli("validate", "--format", "json", "--select", "ANY001", *paths, cwd=repo).stdout
    )
    assert doc["summary"]["unparsed"] == [
        {
            "path": "packages/auth/broken.ts",
            "regions": [{"line": 1, "endLine": 1}, {"line": 3, "endLine": 3}],
        }
    ]
    assert doc["summary"]["parseErrors"] == ["packages/auth/broken.ts"]


def test_a_python_syntax_error_is_called_one_and_the_file_is_not_checked(repo) -> None:
    write(repo / "packages/auth/tool.py", "from typing import Any\n\ndef f(x: Any:\n    pass\n")
    paths = ["packages/auth/tool.py"]
    report = _validate(api.load_workspace(repo), paths=paths, cwd=repo, select=["ANY002"])
    assert [(u.path, u.regions, u.syntax_error) for u in report.unparsed] == [
        ("packages/auth/tool.py", ((1, 4),), True)
    ]
    assert report.diagnostics == ()
    proc = run_cli("validate", "--select", "ANY002", *paths, cwd=repo)
    assert "note: packages/auth/tool.py has a syntax error; it was not checked" in proc.stdout
    doc = json.loads(
        run_cli("validate", "--format", "json", "--select", "ANY002", *paths, cwd=repo).stdout
    )
    assert doc["summary"]["unparsed"] == [
        {
            "path": "packages/auth/tool.py",
            "regions": [{"line": 1, "endLine": 4}],
            "syntaxError": True,
        }
    ]


def test_a_crashing_validator_is_reported_and_the_run_goes_on(repo, tmp_path, monkeypatch) -> None:
    plugin = tmp_path / "plugins"
    plugin.mkdir()
    (plugin / "crashy.py").write_text(
        '"""Crashes.\\n\\n## What it does\\nx\\n## Why\\nx\\n## Example\\nx\\n## Use instead\\nx"""\n'
        'CODE = "ZZZ999"\nNAME = "crashy"\nMESSAGE = "m"\nSEVERITY = "error"\n'
        'def check(ctx):\n    raise RuntimeError("boom")\n'
    )
    dist = plugin / "crashy-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Name: crashy\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[orchestrator_tool.validators]\ncrashy = crashy\n")
    monkeypatch.syspath_prepend(str(plugin))
    report = _validate(
        api.load_workspace(repo), paths=["packages/auth/loose.ts"], cwd=repo, select=[]
    )
    assert report.crashes == (Crash("packages/auth/loose.ts", "ZZZ999", "RuntimeError: boom"),)
    assert len(report.diagnostics) == 2  # ANY001 still ran
    # An incomplete run is never green, findings or not.
    env = {"PYTHONPATH": str(plugin)}
    proc = run_cli("validate", "--select", "ZZZ999", "packages/auth/loose.ts", cwd=repo, env=env)
    assert proc.returncode == 3
    assert "validator error: packages/auth/loose.ts: ZZZ999: RuntimeError: boom" in proc.stdout
    assert "0 errors, 0 warnings" in proc.stdout


def test_fix_to_unknown_is_unsafe(repo) -> None:
    ws = api.load_workspace(repo)
    options = {"ANY001": {"fixToUnknown": True}}
    safe_only = _validate(ws, fix=True, options=options)
    assert safe_only.fixed == ()
    fixed = _validate(ws, fix=True, unsafe_fixes=True, options=options)
    assert fixed.fixed == (("packages/auth/loose.ts", 2),)
    assert (
        repo / "packages/auth/loose.ts"
    ).read_text() == "export const x: unknown = 1;\nexport const y = 2 as unknown;\n"
    assert fixed.diagnostics == ()


def test_utf16_columns(repo) -> None:
    write(repo / "packages/auth/emoji.ts", "const s = '😀é'; let a: any;\n")
    report = _validate(api.load_workspace(repo), paths=["packages/auth/emoji.ts"], cwd=repo)
    # 😀 is 2 UTF-16 units (4 UTF-8 bytes), é is 1 (2 bytes): eslint reports column 25.
    assert [(d.line, d.column, d.end_column) for d in report.diagnostics] == [(1, 25, 28)]


def test_unknown_code_in_select_is_a_usage_error(repo) -> None:
    proc = run_cli("validate", "--select", "NOPE1", cwd=repo)
    assert proc.returncode == 2
    assert "no validator code starts with 'NOPE1'" in proc.stderr


# ------------------------------------------------------------------ CLI and formats


def test_cli_text_and_exit_code(repo) -> None:
    proc = run_cli("validate", "--select", "ANY001", cwd=repo)
    assert proc.returncode == 1
    assert "packages/auth/loose.ts\n  1:17  error  Unexpected any." in proc.stdout
    assert "2 errors, 0 warnings in" in proc.stdout
    clean = run_cli("validate", "--select", "ANY001", "--ignore", "ANY001", cwd=repo)
    assert clean.returncode == 0


def test_cli_json(repo) -> None:
    doc = json.loads(run_cli("validate", "--select", "ANY001", "--format", "json", cwd=repo).stdout)
    first = doc["diagnostics"][0]
    assert {
        k: first[k]
        for k in (
            "code",
            "name",
            "path",
            "line",
            "column",
            "endLine",
            "endColumn",
            "severity",
            "package",
        )
    } == {
        "code": "ANY001",
        "name": "no-explicit-any",
        "path": "packages/auth/loose.ts",
        "line": 1,
        "column": 17,
        "endLine": 1,
        "endColumn": 20,
        "severity": "error",
        "package": "@repo/auth",
    }
    assert doc["summary"]["byCode"] == {"ANY001": 2}
    assert doc["summary"]["byPackage"] == {"@repo/auth": 2}


def test_cli_sarif_validates_against_the_official_schema(repo, sarif_schema) -> None:
    import jsonschema

    proc = run_cli("validate", "--select", "ANY001", "--format", "sarif", cwd=repo)
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema)
    run = doc["runs"][0]
    assert run["results"][0]["ruleId"] == "ANY001"
    assert run["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 17
    assert run["tool"]["driver"]["rules"][0]["id"] == "ANY001"


def test_cli_github_annotations_are_capped_and_summary_written(repo, tmp_path) -> None:
    body = "".join(f"export const v{i}: any = {i};\n" for i in range(30))
    write(repo / "packages/auth/many.ts", body)
    summary = tmp_path / "summary.md"
    proc = run_cli(
        "validate",
        "--select",
        "ANY001",
        "--format",
        "github",
        cwd=repo,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    errors = [ln for ln in proc.stdout.splitlines() if ln.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0].startswith("::error file=packages/auth/loose.ts,line=1,col=17,")
    assert "::notice::22 more finding(s)" in proc.stdout
    text = summary.read_text()
    assert "| ANY001 | no-explicit-any | 32 | 0 |" in text  # the counts come first
    assert text.count("| ANY001 | error |") == 32  # then a row per finding


def test_cli_junit_is_valid_xml(repo) -> None:
    proc = run_cli("validate", "--select", "ANY001", "--format", "junit", cwd=repo)
    root = ET.fromstring(proc.stdout)
    assert root.tag == "testsuites"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    files = json.loads(
        run_cli("validate", "--select", "ANY001", "--format", "json", cwd=repo).stdout
    )["summary"]["files"]
    assert len(cases) == files  # one testcase per checked file
    assert [n for n, c in cases.items() if c.find("failure") is not None] == [
        "packages/auth/loose.ts"
    ]


def test_cli_rules_commands(repo) -> None:
    listing = run_cli("rules", cwd=repo)
    assert "ANY001  no-explicit-any" in listing.stdout
    explain = run_cli("rules", "explain", "ANY001", cwd=repo)
    assert "## Use instead" in explain.stdout
    assert "@typescript-eslint/no-explicit-any" in explain.stdout
    assert "Honours biome-ignore comments for: lint/suspicious/noExplicitAny" in explain.stdout
    tested = run_cli("rules", "test", cwd=repo)
    assert tested.returncode == 0
    assert "ANY001 no-explicit-any:" in tested.stdout


def test_rules_test_reports_a_plugins_failing_examples(repo, tmp_path) -> None:
    mod = tmp_path / "my_rule.py"
    mod.write_text(
        '"""x"""\nfrom orchestrator_tool.engine.validator import Invalid\n'
        'CODE = "ZZZ001"\nNAME = "my-rule"\nMESSAGE = "m"\nSEVERITY = "error"\n'
        'INVALID = [Invalid("let a = 1;", positions=((1, 1),))]\n'
        "def check(ctx):\n    pass\n"
    )
    proc = run_cli("rules", "test", "my_rule", cwd=repo, env={"PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 1
    assert "expected ((1, 1),), got ()" in proc.stdout


def test_a_plugins_scm_query_is_loaded_beside_its_module(repo, tmp_path) -> None:
    (tmp_path / "debugger_rule.py").write_text(
        '"""x"""\nfrom orchestrator_tool.engine.validator import Invalid, Valid\n'
        'CODE = "ZZZ002"\nNAME = "no-debugger"\nMESSAGE = "m"\nSEVERITY = "error"\n'
        'VALID = [Valid("let debuggerOn = 1;")]\n'
        'INVALID = [Invalid("let a = 1;\\n  debugger;", positions=((2, 3),))]\n'
        "def check(ctx):\n    for node in ctx.captures('stmt'):\n        ctx.report(node)\n"
    )
    (tmp_path / "debugger_rule.scm").write_text("(debugger_statement) @stmt\n")
    proc = run_cli("rules", "test", "debugger_rule", cwd=repo, env={"PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ZZZ002 no-debugger: 2 examples, ok" in proc.stdout


def test_validate_does_not_touch_the_work_tree(repo) -> None:
    before = git(repo, "status", "--porcelain", "--untracked-files=all")
    head = git(repo, "rev-parse", "HEAD")
    run_cli("validate", "--select", "ANY001", cwd=repo)
    run_cli("validate", "--staged", cwd=repo)
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == before
    assert git(repo, "rev-parse", "HEAD") == head
    assert not any(p.name.startswith(".orchestrator") for p in repo.iterdir())
    assert os.listdir(repo)  # sanity


def test_two_runs_at_once_share_the_cache_safely(repo, tmp_path) -> None:
    import sys

    env = {**os.environ, "ORCHESTRATOR_CACHE_DIR": str(tmp_path / "shared-cache")}
    cmd = [
        sys.executable,
        "-m",
        "orchestrator_tool",
        "validate",
        "--select",
        "ANY001",
        "--format",
        "json",
    ]
    procs = [
        subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [1, 1, 1]
    docs = [json.loads(o) for o, _ in outs]
    assert all(d["diagnostics"] == docs[0]["diagnostics"] for d in docs)
    (cache_file,) = (
        f
        for f in (tmp_path / "shared-cache").glob("*.json")
        if not f.name.startswith(("config-", "validators-"))
    )
    json.loads(cache_file.read_text())  # whole, not interleaved
    again = json.loads(
        subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=False).stdout
    )
    assert again["summary"]["cached"] == again["summary"]["files"]


def test_word_tokens_are_whole_tokens_only_and_match_the_tree_traversal() -> None:
    from orchestrator_tool.analysis.catches import catch_clauses
    from orchestrator_tool.engine.queries import async_functions, nodes_of_types, word_tokens
    from orchestrator_tool.engine.source import SourceFile

    code = (
        "// catch me: async console\n"
        "const s = 'catch async console';\n"
        "const catchAll = 1, consoleLike = 2;\n"
        "p.catch(() => {});\n"
        "try { a() } catch (e) { try { b() } catch { console.log(e) } }\n"
        "export async function A() {}\n"
        "const B = async () => 1, C = async function () {};\n"
        "const o = { async m() {} };\n"
        "async function* gen() {}\n"
        "window.console.log(1);\n"
    )
    source = SourceFile("a.ts", code.encode(), "typescript")
    assert [source.position(t.start_byte)[0] for t in word_tokens(source, "console")] == [5, 10]
    assert catch_clauses(source) == nodes_of_types(source, frozenset({"catch_clause"}))
    assert len(catch_clauses(source)) == 2
    names = [source.text(name) for _, name, _ in async_functions(source)]
    assert names == ["A", "B", "C", "gen"]  # the method is not a named function declaration


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (rb"catch", (b"catch", True)),
        (rb"\.\./", (b"../", True)),
        (rb"console\.(log|debug|trace)", (b"console.", False)),
        (rb"any\b", (b"any", False)),
        (rb"use[A-Z]|on[A-Z]", (b"", False)),  # either side may match alone
        (rb"ab*c", (b"a", False)),  # the quantifier makes `b` optional
        (rb"a[|]b", (b"a", False)),
        (rb"(?i)use client", (b"", False)),
        (rb"ab[])]|c", (b"", False)),  # the `]` first in a class is literal: `|c` is top level
    ],
)
def test_a_prefilter_is_screened_by_its_literal_prefix(pattern, expected) -> None:
    from orchestrator_tool.engine.validator import _literal_prefix

    assert _literal_prefix(pattern) == expected


@pytest.mark.parametrize(
    ("code", "expected", "parsed"),
    [
        ("'use client';\nimport a from 'a'\n", "use client", False),
        ('// why\n/* c */\n"use server"\nexport async function f() {}\n', "use server", False),
        ("\ufeff#!/usr/bin/env node\n'use client'\n", "use client", False),
        ("'use strict';\n'use client';\n", None, False),  # only the first statement counts
        ("import a from 'a'\n'use client'\n", None, False),
        ("'use client' // trailing\nexport {}\n", "use client", False),
        ("'use client'\n+ x\n", None, True),  # the string goes on: the tree tells
        ("'use client'\n.length\n", None, True),
        ("'use client'\n[0]\n", None, True),
        ("'use client'\ninstanceof X\n", None, True),
        ("'use client' + x\n", None, True),
        ("'use\\x20client'\n", None, True),  # an escape: the tree tells
        ("'use client'", "use client", False),
        ('// x\r"use client"\n', "use client", False),  # a lone CR ends the comment
        ('"use client" // x\r.foo\n', None, True),
        ('\u00a0"use client"\n', "use client", True),  # a space outside ASCII: the tree tells
        (' #!x\n"use client"\n', "use client", True),  # a late hashbang: the tree tells
    ],
)
def test_the_module_directive_is_read_from_the_first_bytes_or_from_the_tree(
    code, expected, parsed
) -> None:
    from orchestrator_tool.analysis.nextjs import directive, module_directive
    from orchestrator_tool.engine.source import SourceFile

    source = SourceFile("app/a.tsx", code.encode(), "tsx")
    assert module_directive(source) == expected
    assert source.parsed is parsed
    assert directive(SourceFile("app/a.tsx", code.encode(), "tsx").tree.root_node, source) == (
        expected
    )


def test_a_project_nested_outside_the_workspace_is_checked_against_its_own_manifest(repo) -> None:
    # its own package.json, named by no workspace glob: a docs site with its own dependencies
    write(
        repo / "docs/package.json",
        '{"name": "docs", "dependencies": {"express": "^4.0.0"}}\n',
    )
    write(
        repo / "docs/src/app.ts",
        'import express from "express";\nimport chalk from "chalk";\n'
        "export const app: any = express();\n",
    )
    write(repo / "scripts/tool.ts", "export const t: any = 1;\n")  # the root's own file
    ws = api.load_workspace(repo)
    report = api.validate(ws, api.ValidateOptions(select=["ANY001", "IMP003"], jobs=1))
    found = {(d.path, d.line, d.code, d.package) for d in report.diagnostics}
    assert ("scripts/tool.ts", 1, "ANY001", None) in found
    # checked, as a package of its own: express is declared by docs/package.json, chalk is not
    assert ("docs/src/app.ts", 3, "ANY001", "docs") in found
    assert ("docs/src/app.ts", 2, "IMP003", "docs") in found
    assert not any(p == "docs/src/app.ts" and line == 1 for p, line, _, _ in found)
    # (the fixture excludes packages/legacy-* from the workspace: a project of its own too)
    assert report.nested_projects == ("docs", "packages/legacy-utils")
    # the same when a hook or `check` names the file (--force-exclude)
    hooked = api.validate(
        ws,
        api.ValidateOptions(
            paths=["docs/src/app.ts"],
            cwd=repo,
            select=["ANY001", "IMP003"],
            jobs=1,
            force_exclude=True,
        ),
    )
    assert [(d.line, d.code) for d in hooked.diagnostics] == [(2, "IMP003"), (3, "ANY001")]
    # the run says so
    proc = run_cli("validate", "--select", "IMP003", "docs", cwd=repo)
    assert "1 project outside the workspace checked against its own package.json: docs" in (
        proc.stdout
    )
    doc = json.loads(run_cli("validate", "--format", "json", "docs", cwd=repo).stdout)
    assert doc["summary"]["nestedProjects"] == ["docs"]
    # a workspace package it imports but does not declare comes from the registry for it
    write(repo / "docs/src/auth.ts", 'export { auth } from "@repo/auth";\n')
    imp002 = api.validate(
        ws, api.ValidateOptions(paths=["docs/src/auth.ts"], cwd=repo, select=["IMP002"], jobs=1)
    )
    assert [d.message for d in imp002.diagnostics] == [
        "@repo/auth is a workspace package but docs/package.json does not declare it; "
        "add @repo/auth to its dependencies with a version range"
    ]
    # the scan and the package graph do not change
    assert "docs" not in {p.path for p in ws.packages}
    # a package.json that only says "type": "module" is no project of its own
    write(repo / "scripts/package.json", '{"type": "module"}\n')
    again = api.validate(ws, api.ValidateOptions(select=["ANY001"], jobs=1))
    assert ("scripts/tool.ts", None) in {(d.path, d.package) for d in again.diagnostics}


def test_an_alias_into_a_project_outside_the_workspace_is_no_imp005(repo) -> None:
    # Nx's way: libraries with a package.json that no workspace glob names, reached through
    # tsconfig paths under their own name; there is no workspace package to import instead.
    write(repo / "libs/utils/package.json", '{"name": "@acme/utils"}\n')
    write(repo / "libs/utils/src/index.ts", "export const one = 1;\n")
    tsconfig = json.loads((repo / "apps/app/tsconfig.json").read_text())
    tsconfig["compilerOptions"]["paths"]["@acme/utils"] = ["../../libs/utils/src/index.ts"]
    tsconfig["compilerOptions"]["paths"]["@u/*"] = ["../../libs/utils/src/*"]
    write(repo / "apps/app/tsconfig.json", json.dumps(tsconfig))
    write(
        repo / "apps/app/app/lib.ts",
        'import { one } from "@acme/utils";\nimport { one as uno } from "@u/index";\n'
        'import { Button } from "@ds/button";\nexport const all = [one, uno, Button];\n',
    )
    ws = api.load_workspace(repo)
    # the whole tree, where libs/utils is a project of its own, and the file alone, as a hook
    # names it: the same verdict
    whole = api.validate(ws, api.ValidateOptions(select=["IMP005"], jobs=1, use_cache=False))
    assert "libs/utils" in whole.nested_projects
    alone = api.validate(
        ws, api.ValidateOptions(paths=["apps/app/app/lib.ts"], cwd=repo, select=["IMP005"], jobs=1)
    )
    for report in (whole, alone):
        found = [(d.line, d.code) for d in report.diagnostics if d.path == "apps/app/app/lib.ts"]
        # the alias into a workspace package is still one
        assert found == [(3, "IMP005")]


def test_a_workspace_package_the_root_declares_is_no_imp002(repo) -> None:
    # shared test tooling declared once at the root (`"@effect/vitest": "workspace:^"`)
    write(repo / "apps/web/app/auth.test.ts", 'import { auth } from "@repo/auth";\nauth();\n')
    opts = api.ValidateOptions(
        paths=["apps/web/app/auth.test.ts"], cwd=repo, select=["IMP002"], jobs=1, use_cache=False
    )
    before = api.validate(api.load_workspace(repo), opts)
    assert [d.code for d in before.diagnostics] == ["IMP002"]
    manifest = json.loads((repo / "package.json").read_text())
    manifest["devDependencies"]["@repo/auth"] = "workspace:*"
    write(repo / "package.json", json.dumps(manifest))
    assert api.validate(api.load_workspace(repo), opts).diagnostics == ()


def test_a_nested_projects_manifest_is_part_of_its_files_cached_verdicts(repo) -> None:
    write(repo / "docs/package.json", '{"name": "docs"}\n')
    write(repo / "docs/src/app.ts", 'import chalk from "chalk";\nexport const c = chalk;\n')
    ws = api.load_workspace(repo)
    first = api.validate(ws, api.ValidateOptions(select=["IMP003"], jobs=1))
    assert [d.path for d in first.diagnostics] == ["docs/src/app.ts"]
    assert api.validate(ws, api.ValidateOptions(select=["IMP003"], jobs=1)).cached > 0
    write(repo / "docs/package.json", '{"name": "docs", "dependencies": {"chalk": "^5.0.0"}}\n')
    assert api.validate(ws, api.ValidateOptions(select=["IMP003"], jobs=1)).diagnostics == ()


def test_check_over_a_range_judges_the_head_commits_content(repo) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    write(repo / "packages/auth/session.ts", "export const s: any = {};\n")
    head = commit_all(repo, "loose session")
    # the work tree has moved on (fixed, not committed): the pushed content still has `any`
    write(repo / "packages/auth/session.ts", "export const s: unknown = {};\n")
    proc = run_cli(
        "check", "--base", base, "--head", head, "--only", "validate", "--no-cache", cwd=repo
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "packages/auth/session.ts" in proc.stdout and "ANY001" in proc.stdout
    # and the other way round: a clean commit passes whatever the work tree holds
    clean = commit_all(repo, "typed session")
    write(repo / "packages/auth/session.ts", "export const s: any = {};\n")
    ok = run_cli(
        "check", "--base", head, "--head", clean, "--only", "validate", "--no-cache", cwd=repo
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
