"""One finding per fix: the imports that need one missing package.json line are one finding,
at the first import, with the others as its places, in every output format and the baseline."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.engine.aggregate import merge
from orchestrator_tool.engine.diagnostics import Diagnostic, Location

from .conftest import commit_all, run_cli, strict, write


def _diag(path: str, line: int, group: str = "", severity: str = "error") -> Diagnostic:
    return Diagnostic(
        "IMP002",
        "no-undeclared-workspace-dependency",
        f"message at {path}:{line}",
        path,
        line,
        3,
        line,
        9,
        severity,
        "web",
        fingerprint=f"IMP002:{path}:line {line}",
        group=group,
    )


def test_merge_keeps_the_first_place_and_lists_the_others_in_order() -> None:
    g = "apps/web/package.json:@repo/auth"
    merged = merge(
        [
            _diag("apps/web/b.ts", 4, g),
            _diag("apps/web/a.ts", 9, g, severity="warning"),
            _diag("apps/web/a.ts", 2, "apps/web/package.json:@repo/ui"),
            _diag("apps/web/c.ts", 1),  # no group: left alone
            _diag("apps/web/b.ts", 1, g),
        ]
    )
    assert [(d.path, d.line, d.group) for d in merged] == [
        ("apps/web/a.ts", 2, "apps/web/package.json:@repo/ui"),
        ("apps/web/a.ts", 9, g),
        ("apps/web/c.ts", 1, ""),
    ]
    auth = merged[1]
    assert auth.message == "message at apps/web/a.ts:9"
    assert auth.related == (
        Location("apps/web/b.ts", 1, 3, 1, 9),
        Location("apps/web/b.ts", 4, 3, 4, 9),
    )
    assert auth.severity == "error"  # as severe as its most severe place
    assert auth.fingerprint == f"IMP002:{g}"
    assert merged[0].related == () and merged[0].fingerprint == f"IMP002:{merged[0].group}"
    assert merged[2].fingerprint == "IMP002:apps/web/c.ts:line 1"


def test_the_same_group_under_two_codes_is_two_findings() -> None:
    a = _diag("x.ts", 1, "package.json:zod")
    b = dataclasses.replace(a, code="IMP003")
    assert len(merge([a, b])) == 2


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge")
    # apps/web declares neither @repo/auth nor left-pad: two missing lines, five imports
    write(r / "apps/web/app/a.ts", 'import { getSession } from "@repo/auth/server";\n')
    write(
        r / "apps/web/app/b.ts",
        'import { signIn } from "@repo/auth/client";\nimport pad from "left-pad";\n'
        'import type { Session } from "@repo/auth/server";\n',
    )
    write(
        r / "apps/web/app/c.ts",
        "// orchestrator-ignore IMP002: moving to the api app\n"
        'import { getSession } from "@repo/auth/server";\n',
    )
    write(r / "apps/web/lib/d.ts", 'export { hash } from "@repo/auth/password";\n')
    # another package missing the same dependency: its own line, its own finding
    write(r / "apps/docs/app/e.ts", 'import { getSession } from "@repo/auth/server";\n')
    strict(r)
    commit_all(r, "imports")
    return r


def _imp(repo: Path, **kwargs):
    return api.validate(
        api.load_workspace(repo), api.ValidateOptions(select=["IMP002", "IMP003"], **kwargs)
    )


def test_one_finding_per_missing_line_at_its_first_import(repo) -> None:
    report = _imp(repo, jobs=1)
    found = [(d.code, d.path, d.line, len(d.related)) for d in report.diagnostics]
    assert found == [
        ("IMP002", "apps/docs/app/e.ts", 1, 0),
        ("IMP002", "apps/web/app/a.ts", 1, 3),
        ("IMP003", "apps/web/app/b.ts", 2, 0),
    ]
    auth = report.diagnostics[1]
    # the suppressed import in c.ts is not a place of the finding; the type-only one is
    assert [(p.path, p.line) for p in auth.related] == [
        ("apps/web/app/b.ts", 1),
        ("apps/web/app/b.ts", 3),
        ("apps/web/lib/d.ts", 1),
    ]
    assert auth.fingerprint == "IMP002:apps/web/package.json:@repo/auth"
    assert report.suppressed == 1


def test_cached_results_merge_the_same_way(repo) -> None:
    first = _imp(repo)
    again = _imp(repo)
    assert again.cached == again.files_checked > 0
    assert again.diagnostics == first.diagnostics


def test_text_lists_the_other_imports_under_the_finding(repo) -> None:
    proc = run_cli("validate", "--select", "IMP002,IMP003", cwd=repo)
    assert proc.returncode == 1
    assert (
        "apps/web/app/a.ts\n  1:28  error  @repo/auth is a workspace package but "
        'apps/web/package.json does not declare it; add "@repo/auth": "workspace:*"'
    ) in proc.stdout
    assert (
        "        and 3 more imports:\n"
        "          apps/web/app/b.ts:1:24\n"
        "          apps/web/app/b.ts:3:30\n"
        "          apps/web/lib/d.ts:1:22\n"
    ) in proc.stdout
    assert "3 errors, 0 warnings in" in proc.stdout
    assert "by code: IMP002 2, IMP003 1" in proc.stdout


def test_text_caps_the_list_of_places(repo) -> None:
    for i in range(14):
        write(repo / f"apps/web/app/more{i:02}.ts", 'import { x } from "@repo/auth/client";\n')
    out = run_cli("validate", "--select", "IMP002", cwd=repo).stdout
    assert "and 17 more imports:" in out
    assert out.count("          apps/web/app/") == 10
    assert "… and 7 more (--format json lists them)" in out


def test_json_has_every_place_and_counts_findings(repo) -> None:
    proc = run_cli("validate", "--select", "IMP002,IMP003", "--format", "json", cwd=repo)
    doc = json.loads(proc.stdout)
    auth = next(d for d in doc["diagnostics"] if d["path"] == "apps/web/app/a.ts")
    assert auth["fingerprint"] == "IMP002:apps/web/package.json:@repo/auth"
    assert auth["locations"] == [
        {"path": "apps/web/app/a.ts", "line": 1, "column": 28, "endLine": 1, "endColumn": 47},
        {"path": "apps/web/app/b.ts", "line": 1, "column": 24, "endLine": 1, "endColumn": 43},
        {"path": "apps/web/app/b.ts", "line": 3, "column": 30, "endLine": 3, "endColumn": 49},
        {"path": "apps/web/lib/d.ts", "line": 1, "column": 22, "endLine": 1, "endColumn": 43},
    ]
    single = next(d for d in doc["diagnostics"] if d["code"] == "IMP003")
    assert "locations" not in single
    assert doc["summary"]["byCode"] == {"IMP002": 2, "IMP003": 1}
    assert doc["summary"]["errors"] == 3
    assert doc["summary"]["byPackage"] == {"docs": 1, "web": 2}


def test_sarif_related_locations_validate_against_the_schema(repo, sarif_schema) -> None:
    import jsonschema

    proc = run_cli("validate", "--select", "IMP002,IMP003", "--format", "sarif", cwd=repo)
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema)
    results = doc["runs"][0]["results"]
    assert len(results) == 3
    auth = results[1]
    assert auth["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "apps/web/app/a.ts"
    )
    related = auth["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2, 3]
    assert [
        (
            r["physicalLocation"]["artifactLocation"]["uri"],
            r["physicalLocation"]["region"]["startLine"],
        )
        for r in related
    ] == [("apps/web/app/b.ts", 1), ("apps/web/app/b.ts", 3), ("apps/web/lib/d.ts", 1)]
    assert auth["message"]["text"].endswith("(and 3 more imports)")
    # the finding's own fingerprint (the baseline's key), hashed, with its occurrence
    key = hashlib.sha256(b"IMP002:apps/web/package.json:@repo/auth").hexdigest()[:32]
    assert auth["partialFingerprints"]["orchestratorFingerprint/v2"] == f"{key}:1"
    assert "relatedLocations" not in results[0]


def test_github_annotates_once_and_junit_lists_once(repo, tmp_path) -> None:
    summary = tmp_path / "summary.md"
    gh = run_cli(
        "validate",
        "--select",
        "IMP002,IMP003",
        "--format",
        "github",
        cwd=repo,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    ).stdout
    errors = [ln for ln in gh.splitlines() if ln.startswith("::error ")]
    assert len(errors) == 3
    auth = next(e for e in errors if "file=apps/web/app/a.ts" in e)
    assert auth.endswith('add "@repo/auth": "workspace:*" (and 3 more imports)')
    assert summary.read_text().count("(and 3 more imports)") == 1
    root = ET.fromstring(
        run_cli("validate", "--select", "IMP002,IMP003", "--format", "junit", cwd=repo).stdout
    )
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failing = {n for n, c in cases.items() if c.find("failure") is not None}
    assert failing == {"apps/docs/app/e.ts", "apps/web/app/a.ts", "apps/web/app/b.ts"}
    failure = cases["apps/web/app/a.ts"].find("failure")
    assert failure is not None and failure.get("message") == "1 error"
    assert (failure.text or "").endswith("(and 3 more imports)")


# ------------------------------------------------------------------------------ baseline


def _baseline(repo: Path, **kwargs):
    return _imp(repo, baseline=repo / "baseline.json", **kwargs)


def _entries(repo: Path) -> dict[str, int]:
    findings: dict[str, int] = json.loads((repo / "baseline.json").read_text())["findings"]
    return findings


def test_baseline_keys_the_missing_line_not_an_import(repo) -> None:
    created = _baseline(repo, update_baseline=True)
    assert created.baselined == 3
    assert _entries(repo) == {
        "IMP002:apps/docs/package.json:@repo/auth": 1,
        "IMP002:apps/web/package.json:@repo/auth": 1,
        "IMP003:apps/web/package.json:left-pad": 1,
    }
    # another import of the same undeclared package is the same accepted finding
    write(repo / "apps/web/app/f.ts", 'import { getSession } from "@repo/auth/server";\n')
    write(repo / "apps/web/app/a.ts", "// moved\n\n" + (repo / "apps/web/app/a.ts").read_text())
    assert _baseline(repo).diagnostics == ()
    # a new missing line is a new finding
    write(repo / "apps/web/app/g.ts", 'import { z } from "is-odd";\n')
    new = _baseline(repo).diagnostics
    assert [(d.code, d.path) for d in new] == [("IMP003", "apps/web/app/g.ts")]
    (repo / "apps/web/app/g.ts").unlink()
    # declaring the dependency removes the finding, and the update drops its entry
    manifest = repo / "apps/web/package.json"
    doc = json.loads(manifest.read_text())
    doc["dependencies"]["@repo/auth"] = "workspace:*"
    manifest.write_text(json.dumps(doc, indent=2))
    shrunk = _baseline(repo, update_baseline=True)
    assert shrunk.baseline_written == "shrunk"
    assert _entries(repo) == {
        "IMP002:apps/docs/package.json:@repo/auth": 1,
        "IMP003:apps/web/package.json:left-pad": 1,
    }


def test_a_partial_run_keeps_the_groups_it_did_not_see_whole(repo) -> None:
    _baseline(repo, update_baseline=True)
    before = _entries(repo)
    # one file of apps/web that imports neither: the groups' other imports were not looked at
    write(repo / "apps/web/app/a.ts", "export const a = 1;\n")
    ws = api.load_workspace(repo)
    partial = api.validate(
        ws,
        api.ValidateOptions(
            paths=["apps/web/app/a.ts"],
            cwd=repo,
            select=["IMP002", "IMP003"],
            baseline=repo / "baseline.json",
            update_baseline=True,
        ),
    )
    assert partial.baseline_written == "unchanged"
    assert _entries(repo) == before
    # growing from a run that sees one place of a group does not count it twice
    grown = api.validate(
        ws,
        api.ValidateOptions(
            paths=["apps/web/app/b.ts"],
            cwd=repo,
            select=["IMP002", "IMP003"],
            baseline=repo / "baseline.json",
            grow_baseline=True,
        ),
    )
    assert grown.baseline_written == "unchanged"
    assert _entries(repo) == before
    # a --select run does not judge the other code's groups
    api.validate(
        ws,
        api.ValidateOptions(
            select=["IMP003"], baseline=repo / "baseline.json", update_baseline=True
        ),
    )
    assert _entries(repo) == before


def test_a_whole_run_drops_the_groups_of_a_deleted_package(repo) -> None:
    _baseline(repo, update_baseline=True)
    shutil.rmtree(repo / "apps/docs")
    _baseline(repo, update_baseline=True)
    assert "IMP002:apps/docs/package.json:@repo/auth" not in _entries(repo)


def test_a_group_is_judged_only_where_its_rule_ran_on_every_file_of_the_package(repo) -> None:
    _baseline(repo, update_baseline=True)
    before = _entries(repo)
    # IMP002 off for one folder of apps/web: an import there could still need the line
    write(
        repo / "orchestrator.toml",
        '[[overrides]]\npaths = ["apps/web/lib/**"]\n[overrides.validators.IMP002]\nenabled = false\n',
    )
    for rel in ("apps/web/app/a.ts", "apps/web/app/b.ts"):
        write(repo / rel, "export const done = true;\n")
    kept = _baseline(repo, update_baseline=True)
    assert kept.baseline_written == "shrunk"  # left-pad's line is gone from b.ts: judged
    after = _entries(repo)
    assert after["IMP002:apps/web/package.json:@repo/auth"] == 1
    assert "IMP003:apps/web/package.json:left-pad" not in after
    assert (
        after["IMP002:apps/docs/package.json:@repo/auth"]
        == before["IMP002:apps/docs/package.json:@repo/auth"]
    )
