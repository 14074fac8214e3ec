"""Rule tiers: a rule declared an error whose measured precision is under 95% runs as a
warning by default, and as an error with --strict, `[validate] strict` or its own severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator_tool.engine.spec import (
    default_severity,
    precision_text,
    wilson_lower,
)

from .conftest import commit_all, run_cli, write

PLUGIN = '''"""Flags a marker comment.

## What it does
Reports `// SHAKY` comments.

## Why
To test tiers.

## Example
`// SHAKY`

## Use instead
Nothing.
"""
from orchestrator_tool.engine.validator import Invalid, Valid

CODE = "ZZZ900"
NAME = "shaky"
MESSAGE = "A shaky marker."
SEVERITY = "error"
PRECISION = (PRECISION_VALUE)
PREFILTER = rb"SHAKY"
VALID = [Valid("const a = 1;")]
INVALID = [Invalid("// SHAKY\\n", positions=((1, 1),))]


def check(ctx):
    at = ctx.source.data.find(b"SHAKY")
    if at >= 0:
        ctx.report(span=(at - 3, at + 5))
'''


def test_default_severity_follows_the_measured_precision() -> None:
    assert default_severity("error", None) == "error"  # not measured
    assert default_severity("error", (0, 0)) == "error"  # nothing to judge
    assert default_severity("error", (19, 20)) == "error"  # exactly 95%
    assert default_severity("error", (18, 20)) == "warning"
    assert default_severity("warning", (0, 20)) == "warning"  # never raised


def test_wilson_lower_bound() -> None:
    # 30 of 30 right: the bound of the Wilson interval is 0.886 (known value).
    assert wilson_lower(30, 30) == pytest.approx(0.8865, abs=1e-4)
    assert wilson_lower(0, 0) == 0.0
    assert wilson_lower(0, 40) == 0.0  # never below zero
    assert wilson_lower(15, 30) < 0.5 < 15 / 30 + 0.01
    assert precision_text((33, 34)) == "33/34 (97%, ≥ 85%)"


@pytest.fixture
def shaky(make_repo, tmp_path):
    def _make(precision: str) -> tuple[Path, dict[str, str]]:
        plugin = tmp_path / "plugins"
        plugin.mkdir(exist_ok=True)
        (plugin / "shaky.py").write_text(PLUGIN.replace("(PRECISION_VALUE)", precision))
        dist = plugin / "shaky-1.0.dist-info"
        dist.mkdir(exist_ok=True)
        (dist / "METADATA").write_text("Name: shaky\nVersion: 1.0\n")
        (dist / "entry_points.txt").write_text("[orchestrator_tool.validators]\nshaky = shaky\n")
        repo = make_repo("next-forge")
        write(repo / "packages/auth/marked.ts", "// SHAKY\nexport const a = 1;\n")
        commit_all(repo, "marker")
        return repo, {"PYTHONPATH": str(plugin)}

    return _make


def test_a_rule_under_the_floor_is_a_warning_unless_strict(shaky) -> None:
    repo, env = shaky("(18, 20)")
    args = ("validate", "--select", "ZZZ900", "packages/auth/marked.ts")
    default = run_cli(*args, cwd=repo, env=env)
    assert default.returncode == 0, default.stderr
    assert "warning" in default.stdout and "ZZZ900" in default.stdout
    strict = run_cli(*args, "--strict", cwd=repo, env=env)
    assert strict.returncode == 1
    assert "error" in strict.stdout

    listing = run_cli("rules", cwd=repo, env=env).stdout
    assert "ZZZ900  shaky" in listing and "warning*" in listing
    assert "an error with --strict" in listing
    explained = run_cli("rules", "explain", "ZZZ900", cwd=repo, env=env).stdout
    assert "(warning; error with --strict)" in explained
    assert "18/20 (90%, ≥ 70%)" in explained
    table = run_cli("rules", "--markdown", cwd=repo, env=env).stdout
    assert "| ZZZ900 | `shaky` | warning (error with `--strict`) | 18/20 (90%, ≥ 70%) |" in table


def test_config_can_make_it_an_error_for_all_or_for_one_rule(shaky) -> None:
    repo, env = shaky("(18, 20)")
    args = ("validate", "--select", "ZZZ900", "packages/auth/marked.ts")
    write(repo / "orchestrator.toml", "[validate]\nstrict = true\n")
    assert run_cli(*args, cwd=repo, env=env).returncode == 1
    write(repo / "orchestrator.toml", '[validators.ZZZ900]\nseverity = "error"\n')
    assert run_cli(*args, cwd=repo, env=env).returncode == 1
    # an explicit severity wins over --strict
    write(repo / "orchestrator.toml", '[validators.ZZZ900]\nseverity = "warning"\n')
    assert run_cli(*args, "--strict", cwd=repo, env=env).returncode == 0


def test_a_rule_at_the_floor_stays_an_error(shaky) -> None:
    repo, env = shaky("(19, 20)")
    proc = run_cli("validate", "--select", "ZZZ900", "packages/auth/marked.ts", cwd=repo, env=env)
    assert proc.returncode == 1


def test_a_malformed_precision_is_refused(shaky) -> None:
    repo, env = shaky("(21, 20)")
    proc = run_cli("rules", cwd=repo, env=env)
    assert proc.returncode != 0
    assert "PRECISION must be (right, judged)" in proc.stderr


def test_each_rules_precision_is_the_judged_sample_and_its_docstring_says_so() -> None:
    import csv
    import re

    from orchestrator_tool.engine.spec import load_specs

    from .conftest import REPO

    judged = REPO / "tests" / "benchmarks" / "precision" / "judged.csv"
    with judged.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    measured = 0
    for spec in load_specs():
        if spec.precision is None:
            continue
        # the held-out sample; the tuning set's when the held-out corpus gave the rule none
        mine = [r for r in rows if r["code"] == spec.code and r["set"] == "heldout"] or [
            r for r in rows if r["code"] == spec.code and r["set"] == "tuning"
        ]
        right = sum(1 for r in mine if r["verdict"] == "true")
        assert spec.precision == (right, len(mine)), spec.code
        section = spec.doc.split("## Precision", 1)[1]
        if mine and mine[0]["set"] == "tuning":
            assert "on the tuning set" in section, spec.code
        if mine:
            said = re.search(r"(\d+) of (\d+) findings judged", section)
            assert said and (int(said[1]), int(said[2])) == spec.precision, spec.code
            measured += 1
        else:
            assert "No findings to judge" in section, spec.code
        # the declared severity is kept only at 95% or more
        lowered = spec.strict_severity == "error" and right < 0.95 * len(mine)
        assert spec.severity == ("warning" if lowered else spec.strict_severity), spec.code
    assert measured >= 10
