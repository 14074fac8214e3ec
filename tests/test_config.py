"""orchestrator.toml: validation errors, resolution, per-path overrides, and its cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.errors import InputError

from .conftest import commit_all, git, run_cli, write


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge")
    write(
        r / "packages/auth/loose.ts",
        "export const x: any = 1;\nexport function f(...args: any[]) { return args; }\n",
    )
    write(r / "packages/auth/legacy/old.ts", "export const o: any = 1;\n")
    commit_all(r)
    return r


def findings(repo: Path, **kwargs) -> list[tuple[str, int, str, str]]:
    report = api.validate(api.load_workspace(repo), api.ValidateOptions(select=["ANY"], **kwargs))
    return [(d.path, d.line, d.code, d.severity) for d in report.diagnostics]


def test_no_config_means_defaults(repo) -> None:
    assert len(findings(repo)) == 3
    assert api.load_config(repo).path is None


def test_severity_options_and_overrides(repo) -> None:
    write(
        repo / "orchestrator.toml",
        """
[validators.ANY001]
severity = "warning"
options = { ignoreRestArgs = true }

[[overrides]]
paths = ["packages/auth/legacy/"]
validators.ANY001.enabled = false
""",
    )
    assert findings(repo) == [("packages/auth/loose.ts", 1, "ANY001", "warning")]
    proc = run_cli("validate", "--select", "ANY", cwd=repo)
    assert proc.returncode == 0  # warnings do not fail the run


def test_disabled_validator_and_excludes(repo) -> None:
    write(repo / "orchestrator.toml", '[validate]\nexclude = ["**/legacy/**"]\n')
    assert [f[0] for f in findings(repo)] == ["packages/auth/loose.ts"] * 2
    write(repo / "orchestrator.toml", "[validators.ANY001]\nenabled = false\n")
    assert findings(repo) == []


def test_config_change_invalidates_the_cache(repo) -> None:
    assert len(findings(repo)) == 3
    write(repo / "orchestrator.toml", "[validators.ANY001]\noptions = { ignoreRestArgs = true }\n")
    assert len(findings(repo)) == 2


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [
        (
            '[validators.ANY001]\nseverity = "loud"\n',
            "validators.ANY001.severity: Input should be 'error', 'warning' or 'info'",
            2,
        ),
        ("[validate]\nexcludes = []\n", "validate.excludes: Extra inputs are not permitted", 2),
        ("[validate\nexclude = []\n", "invalid TOML", 1),
        ("[validators.NOPE9]\nenabled = false\n", "no validator NOPE9", None),
    ],
)
def test_bad_config_is_a_one_line_error(repo, text, expected, line) -> None:
    write(repo / "orchestrator.toml", text)
    with pytest.raises(InputError) as info:
        api.validate(api.load_workspace(repo))
    assert expected in info.value.message
    assert info.value.path.endswith("orchestrator.toml")
    assert info.value.line == line
    proc = run_cli("validate", cwd=repo)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2  # the error and its hint


@pytest.mark.parametrize(
    ("text", "says", "line", "column"),
    [
        # the same key in two tables: the second one is wrong
        (
            '[validators.ANY001]\nseverity = "warning"\n\n[validators.IMP006]\nseverity = "loud"\n',
            "validators.IMP006.severity",
            5,
            12,
        ),
        (
            '[[overrides]]\npaths = ["apps/web/legacy/**"]\nvalidators.ANY001.enabled = false\n\n'
            "[[overrides]]\npaths = []\n",
            "overrides.1.paths: List should have at least 1 item",
            6,
            9,
        ),
        # a quoted key that is not a setting: at the key
        ("[validate]\n'excludes' = [\"legacy/**\"]\n", "validate.excludes: Extra inputs", 2, 1),
        # keys in inline tables, and a dotted key
        ('gates = { tasks = ["test"], concurrency = 0 }\n', "gates.concurrency", 1, 43),
        ('[validators]\nANY001 = { severity = "loud" }\n', "validators.ANY001.severity", 2, 23),
        (
            '[[overrides]]\npaths = ["apps/**"]\nvalidators.ANY001.severity = "loud"\n',
            "overrides.0.validators.ANY001.severity",
            3,
            30,
        ),
        # a value on a continuation line of its array
        ('[gates]\ntasks = [\n  "typecheck",\n  3,\n]\n', "gates.tasks.1: Input should be", 4, 3),
        # the key in a comment above is not the key
        (
            '# severity = "loud" was tried\n[validators.ANY001]\nseverity = "loud"\n',
            "severity",
            3,
            12,
        ),
        ('# "src/[z-a].ts" is wrong\n[validate]\nexclude = ["src/[z-a].ts"]\n', "'z-a'", 3, 18),
        # a key an entry lacks: at the entry's header
        (
            '[[overrides]]\npaths = ["a/**"]\n[[overrides]]\nvalidators.ANY001.enabled = false\n',
            "overrides.1.paths: Field required",
            3,
            1,
        ),
    ],
)
def test_a_bad_value_is_placed_where_the_toml_writes_it(tmp_path, text, says, line, column) -> None:
    write(tmp_path / "orchestrator.toml", text)
    with pytest.raises(InputError) as info:
        api.load_config(tmp_path)
    assert says in info.value.message
    assert (info.value.line, info.value.column) == (line, column)


def test_a_bad_value_is_reported_at_its_line_and_column(repo) -> None:
    write(repo / "orchestrator.toml", '[validators.ANY001]\nseverity = "loud"\n')
    proc = run_cli("validate", cwd=repo)
    assert proc.returncode == 2
    assert proc.stderr.startswith(
        "orchestrator: orchestrator.toml:2:12: validators.ANY001.severity: Input should be"
    ), proc.stderr


def test_schema_validates_a_real_config(repo) -> None:
    import jsonschema

    schema = json.loads(run_cli("config", "--schema", cwd=repo).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = {
        "validate": {
            "exclude": ["x/**"],
            "honour-eslint-disable": False,
            "honour-eslintignore": False,
        },
        "validators": {"ANY001": {"severity": "warning", "options": {"ignoreRestArgs": True}}},
        "overrides": [{"paths": ["apps/**"], "validators": {"IMP003": {"enabled": False}}}],
        "affected": {"default-base": "origin/main"},
    }
    jsonschema.validate(doc, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"validate": {"unknown": 1}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"validate": {"honour-eslintignore": "yes"}}, schema)
    validate = schema["$defs"]["ValidateConfig"]["properties"]
    assert ".eslintignore" in validate["honour-eslintignore"]["description"]
    assert "biome-ignore" in validate["honour-eslint-disable"]["description"]


def test_config_command_prints_the_effective_settings(repo) -> None:
    write(repo / "orchestrator.toml", '[affected]\ndefault-base = "main"\n')
    doc = json.loads(run_cli("config", cwd=repo).stdout)
    assert doc["defaultBase"] == "main"
    assert doc["path"].endswith("orchestrator.toml")


def test_default_base_from_config(repo) -> None:
    write(repo / "orchestrator.toml", '[affected]\ndefault-base = "release"\n')
    commit_all(repo)
    git(repo, "branch", "release")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo / "packages/email/index.ts", "export {};\n")
    commit_all(repo)
    result = api.affected(api.load_workspace(repo), env={})
    assert [p.name for p in result.packages] == ["@repo/email"]
    assert "default branch release" in result.notes[0]


def test_validated_config_is_cached_so_pydantic_is_not_imported_again(repo, tmp_path) -> None:
    write(repo / "orchestrator.toml", '[validators.ANY001]\nseverity = "warning"\n')
    code = (
        "import sys; from pathlib import Path; from orchestrator_tool.config import load; "
        f"c = load(Path({str(repo)!r})); print(c.validators['ANY001'].severity, 'pydantic' in sys.modules)"
    )
    env = {"ORCHESTRATOR_CACHE_DIR": str(tmp_path / "cfg-cache"), "PATH": "/usr/bin:/bin"}
    first = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert first.stdout.split() == ["warning", "True"]
    assert second.stdout.split() == ["warning", "False"]


# ------------------------------------------------------------------ opt-in validators

_PARAMS_ROUTE = (
    "export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {\n"
    "  const { id } = await params;\n"
    "  return Response.json(await find(id));\n"
    "}\n"
)


def _zod_findings(repo: Path, **kwargs) -> list[tuple[str, str]]:
    report = api.validate(api.load_workspace(repo), api.ValidateOptions(use_cache=False, **kwargs))
    return sorted((d.code, d.path) for d in report.diagnostics if d.code.startswith("ZOD"))


def test_opt_in_validator_runs_only_when_named_or_enabled(repo) -> None:
    write(repo / "apps/api/app/api/a/[id]/route.ts", _PARAMS_ROUTE)
    write(repo / "apps/web/app/api/b/[id]/route.ts", _PARAMS_ROUTE)
    both = [
        ("ZOD002", "apps/api/app/api/a/[id]/route.ts"),
        ("ZOD002", "apps/web/app/api/b/[id]/route.ts"),
    ]
    assert _zod_findings(repo) == []  # off by default
    assert _zod_findings(repo, select=["ZOD"]) == []  # a prefix does not opt in
    assert _zod_findings(repo, select=["ZOD002"]) == both
    write(repo / "orchestrator.toml", '[validate]\nselect = ["ZOD002"]\n')
    assert _zod_findings(repo) == both
    write(repo / "orchestrator.toml", "[validators.ZOD002]\nenabled = true\n")
    assert _zod_findings(repo) == both
    write(
        repo / "orchestrator.toml",
        '[[overrides]]\npaths = ["apps/api/"]\nvalidators.ZOD002.enabled = true\n',
    )
    assert _zod_findings(repo) == both[:1]
    proc = run_cli("validate", "--select", "ZOD002", "--format", "json", cwd=repo)
    assert proc.returncode == 0  # ZOD002 reports warnings
    assert [d["code"] for d in json.loads(proc.stdout)["diagnostics"]] == ["ZOD002"] * 2


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[validators.ANY001]\noptions = { nosuchopt = 1 }\n", "ANY001 has no option `nosuchopt`"),
        ('[validators.ANY001]\noptions = { fixToUnknown = "no" }\n', "expected true or false"),
        ('[validators.ERR004]\noptions = { allow = "log" }\n', "expected a list"),
        ("[validators.IMP006]\noptions = { apps = [1, 2] }\n", "expected a list of strings"),
        (
            '[validators.ERR004]\noptions = { ignore = ["scripts/{a"] }\n',
            "validators.ERR004.options.ignore: glob 'scripts/{a', column 9",
        ),
        ("[validators.IMP008]\noptions = { apps = ['[z-a]'] }\n", "options.apps: glob '[z-a]'"),
        (
            '[[overrides]]\npaths = ["packages/**"]\n'
            "[overrides.validators.ANY001]\noptions = { ignoreRestArgs = 1 }\n",
            "overrides[0].validators.ANY001.options.ignoreRestArgs",
        ),
    ],
)
def test_validator_options_are_checked_against_the_validator(repo, text, says) -> None:
    write(repo / "orchestrator.toml", text)
    proc = run_cli("validate", "--no-cache", cwd=repo)
    assert proc.returncode == 2
    assert says in proc.stderr and "orchestrator.toml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_config_select_code_and_two_config_files_name_the_file(repo) -> None:
    write(repo / "orchestrator.toml", '[validate]\nselect = ["NOPE001"]\n')
    proc = run_cli("validate", "--no-cache", cwd=repo)
    assert proc.returncode == 2
    assert "orchestrator.toml" in proc.stderr and "NOPE001" in proc.stderr
    write(repo / "orchestrator.toml", "")
    write(repo / ".orchestrator.toml", "")
    both = run_cli("validate", "--no-cache", cwd=repo)
    assert both.returncode == 2
    assert "both orchestrator.toml and .orchestrator.toml" in both.stderr


def test_a_bad_command_line_code_is_not_blamed_on_the_config(repo) -> None:
    write(repo / "orchestrator.toml", '[validate]\nignore = ["ANY001"]\n')
    proc = run_cli("validate", "--no-cache", "--select", "NOPE001", cwd=repo)
    assert proc.returncode == 2
    assert "NOPE001" in proc.stderr and "orchestrator.toml" not in proc.stderr


def test_path_glob_options_use_the_workspace_glob_dialect(repo) -> None:
    # `**` spans folders, `*` one name, `{a,b}` alternatives, dot folders included
    write(repo / "packages/auth/legacy/deep/report.ts", 'console.log("report");\n')
    write(repo / "packages/auth/.tools/dump.ts", 'console.log("dump");\n')
    write(repo / "packages/auth/keep.ts", 'console.log("kept");\n')
    commit_all(repo)

    def err004() -> list[str]:
        report = api.validate(
            api.load_workspace(repo), api.ValidateOptions(select=["ERR004"], use_cache=False)
        )
        return sorted(d.path for d in report.diagnostics if d.path.startswith("packages/auth/"))

    assert "packages/auth/legacy/deep/report.ts" in err004()
    write(
        repo / "orchestrator.toml",
        '[validators.ERR004]\noptions = { ignore = ["packages/*/{legacy,.tools}/**"] }\n',
    )
    left = err004()
    assert "packages/auth/legacy/deep/report.ts" not in left
    assert "packages/auth/.tools/dump.ts" not in left
    assert "packages/auth/keep.ts" in left
