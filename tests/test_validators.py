"""Every validator against its own examples and its fixture files.

Fixture files live in fixtures/validators/<CODE>/; a comment `expect: CODE` on the line before
a case says the next line must be flagged with CODE, `ok: CODE` that it must not. The findings
are also compared with the committed expected.txt beside them (UPDATE_EXPECTED=1 rewrites it).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from orchestrator_tool.engine.examples import run_examples
from orchestrator_tool.engine.languages import language_of
from orchestrator_tool.engine.runner import check_source
from orchestrator_tool.engine.settings import Settings
from orchestrator_tool.engine.source import SourceFile
from orchestrator_tool.engine.spec import load_specs
from orchestrator_tool.engine.workspace_checks import check_workspace
from orchestrator_tool.workspace import scan

from .conftest import REPO

SPECS = load_specs()
FIXTURES = REPO / "fixtures" / "validators"
MARKER = re.compile(r"(?://|/\*|#)\s*(expect|ok):\s*([A-Z]+[0-9]+)")


@cache
def _fixture_workspace(name: str):
    return scan(REPO / "fixtures" / "monorepos" / name)


def _run(spec, src, options):
    settings = Settings((spec,), options={spec.code: options})
    ws = _fixture_workspace(spec.workspace_fixture) if spec.workspace_fixture else None
    return [d for d in check_source(src, settings, ws).diagnostics if d.code == spec.code]


FILE_SPECS = [s for s in SPECS if s.scope == "file"]
WORKSPACE_SPECS = [s for s in SPECS if s.scope == "workspace"]


@pytest.mark.parametrize("spec", FILE_SPECS, ids=lambda s: s.code)
def test_examples(spec) -> None:
    assert spec.valid and spec.invalid, f"{spec.code} needs VALID and INVALID examples"
    assert run_examples(spec, _run) == []


@pytest.mark.parametrize("spec", WORKSPACE_SPECS, ids=lambda s: s.code)
def test_workspace_examples(spec) -> None:
    assert spec.fixture_examples, f"{spec.code} needs FIXTURE_EXAMPLES"
    assert any(expected for _, expected in spec.fixture_examples), "needs a fixture with findings"
    for fixture, expected in spec.fixture_examples:
        found, crashes = check_workspace(Settings((spec,)), _fixture_workspace(fixture))
        assert crashes == []
        assert [(d.path, d.line, d.column) for d in found] == list(expected), fixture


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.code)
def test_docstring_sections(spec) -> None:
    for section in ("## What it does", "## Why", "## Example", "## Use instead"):
        assert section in spec.doc, f"{spec.code} docstring lacks {section!r}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", spec.name)


def _fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", _fixture_dirs(), ids=lambda p: p.name)
def test_fixture_markers_and_expected_output(folder: Path) -> None:
    code = folder.name
    specs = tuple(s for s in SPECS if s.code == code)
    assert specs, f"no validator {code}"
    settings = Settings(specs)
    ws = _fixture_workspace(specs[0].workspace_fixture) if specs[0].workspace_fixture else None
    lines_out: list[str] = []
    checked = 0
    for path in sorted(folder.iterdir()):
        language = language_of(path.name)
        if language is None:
            continue
        data = path.read_bytes()
        # Import rules need a place in a monorepo: `// fixture-path: apps/web/x.ts` says where
        # the file stands in the validator's fixture workspace.
        where = re.search(rb"fixture-path:\s*(\S+)", data[:200])
        virtual = where.group(1).decode() if where else path.name
        if ws is not None:
            assert where, f"{path.name} needs a `// fixture-path:` line"
        result = check_source(SourceFile(virtual, data, language), settings, ws)
        flagged = {d.line for d in result.diagnostics if d.code == code}
        expected: set[int] = set()
        for i, line in enumerate(data.decode().splitlines(), start=1):
            m = MARKER.search(line)
            if not m or m.group(2) != code:
                continue
            checked += 1
            if m.group(1) == "expect":
                expected.add(i + 1)
                assert i + 1 in flagged, f"{path.name}:{i + 1} should be flagged with {code}"
            else:
                assert i + 1 not in flagged, f"{path.name}:{i + 1} should not be flagged"
        assert flagged == expected, (
            f"{path.name}: unexpected findings on lines {sorted(flagged - expected)}"
        )
        lines_out.extend(
            f"{path.name}:{d.line}:{d.column}-{d.end_line}:{d.end_column} {d.code} {d.message}"
            for d in result.diagnostics
        )
    assert checked, f"{folder} has no markers"
    snapshot = folder / "expected.txt"
    text = "\n".join(lines_out) + "\n"
    if os.environ.get("UPDATE_EXPECTED"):
        snapshot.write_text(text)
    assert snapshot.read_text() == text
