"""The README's two set-up commands stay true."""

from __future__ import annotations

import re
import shlex

from .conftest import REPO, run_cli


def _bash_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def test_first_block_runs_the_main_job_on_a_bundled_fixture() -> None:
    demo = _bash_blocks()[0].strip()
    assert "pip install -e '.[test]'" in demo
    steps = [s.strip() for s in demo.split("&&") if s.strip().startswith("orchestrator ")]
    assert len(steps) == 2
    for step in steps:
        args = shlex.split(step)[1:]
        proc = run_cli(*args, cwd=REPO)
        assert proc.returncode == 0, (step, proc.stderr)
        assert proc.stdout.strip()
    assert "4 of 10 packages affected" in run_cli(*shlex.split(steps[1])[1:], cwd=REPO).stdout


def test_second_block_is_the_ci_test_command() -> None:
    tests = _bash_blocks()[1].strip()
    command = tests.split("&&")[-1].strip()
    assert command == "python -m pytest -q"
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_validator_table_is_generated_from_the_validators() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- validators:start -->\n") + len("<!-- validators:start -->\n")
    end = text.index("<!-- validators:end -->")
    current = run_cli("rules", "--markdown", cwd=REPO).stdout
    assert text[start:end] == current, (
        "README validator table is stale: run `orchestrator rules --markdown`"
    )
