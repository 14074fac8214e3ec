"""Scoped task plans: patterns, plan structure, the tasks/ workspace, status/done, and the scope
guard — on the fixture monorepos, with real git."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orchestrator_tool import api, planning
from orchestrator_tool.errors import InputError, UsageError
from orchestrator_tool.planning.library import role_of

from .conftest import commit_all, git, pnpm, run_cli, strict, write

AUTH = "Add complete authentication system"
AUTH_SCOPE = ("apps/web", "apps/app", "apps/api", "packages/database")


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo("next-forge")


def _plan(repo: Path, request: str = AUTH, scope=AUTH_SCOPE, **kw) -> planning.Plan:
    return api.make_plan(api.load_workspace(repo), request, scope=scope, **kw)


def _by_agent(plan: planning.Plan) -> dict[str, planning.Task]:
    return {t.agent: t for t in plan.tasks}


def test_the_seed_scenario_gives_the_seed_structure(repo) -> None:
    plan = _plan(repo)
    assert plan.pattern.id == "cross-package-feature"
    t = _by_agent(plan)
    db, api_t = t["prisma-database-engineer"], t["api-engineer"]
    web, app, styling = t["web-app-engineer"], t["app-repo-engineer"], t["ui-ux-styling-expert"]
    # the seed's task ids and fields
    assert [db.task_id, api_t.task_id, web.task_id, app.task_id, styling.task_id] == [
        "auth-db-schema",
        "auth-api",
        "auth-web-ui",
        "auth-app-ui",
        "auth-styling",
    ]
    dumped = json.loads(plan.dump())
    assert {"taskId", "agent", "description", "scope", "dependencies"} <= set(dumped["tasks"][0])
    # the database schema first, the API after it, the UIs after the API, in one wave,
    # styling alongside them
    assert api_t.dependencies == ["auth-db-schema"]
    assert web.dependencies == app.dependencies == ["auth-api"]
    assert db.wave < api_t.wave < web.wave == app.wave == styling.wave
    assert "auth-styling" not in web.dependencies + app.dependencies
    # then validation and testing, after every implementation task
    phases = [p.id for p in plan.phases]
    assert phases.index("implementation") < phases.index("validation") < phases.index("testing")
    impl_last = max(x.wave for x in plan.tasks if x.phase == "implementation")
    validation = [x for x in plan.tasks if x.phase == "validation"]
    testing = [x for x in plan.tasks if x.phase == "testing"]
    assert validation and all(v.wave == impl_last + 1 for v in validation)
    assert testing and all(x.wave > impl_last + 1 for x in testing)
    # scopes are real paths of the fixture
    for task in (db, api_t, web, app, styling):
        for path in task.scope:
            assert (repo / path).is_dir(), path
    assert styling.scope == ["packages/design-system"]
    # gates and validators follow the package
    assert [g.command for g in api_t.gates] == [
        "pnpm --filter api typecheck",
        "pnpm --filter api test",
    ]
    assert "ZOD001" in api_t.validators and "RSC002" in web.validators
    assert "ANY002" not in api_t.validators  # no Python there
    # waves list every task once, in order
    assert [tid for wave in plan.waves for tid in wave] == [x.task_id for x in plan.tasks]


def test_the_plan_is_byte_identical_for_the_same_repo_and_request(repo) -> None:
    first = run_cli("plan", AUTH, "--scope", *AUTH_SCOPE, cwd=repo)
    second = run_cli("plan", AUTH, "--scope", *reversed(AUTH_SCOPE), cwd=repo)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    md = run_cli("plan", AUTH, "--scope", *AUTH_SCOPE, "--format", "markdown", cwd=repo)
    assert "```mermaid\nflowchart LR" in md.stdout
    assert 'subgraph w1["wave 1"]' in md.stdout


def test_scope_by_package_name_and_bad_scope(repo) -> None:
    plan = _plan(repo, scope=("@repo/database", "api"))
    assert plan.scope.paths == ["apps/api", "packages/database"]
    proc = run_cli("plan", AUTH, "--scope", "apps/nope", cwd=repo)
    assert proc.returncode == 2
    assert "--scope 'apps/nope' is neither a workspace package nor a path" in proc.stderr
    assert "Traceback" not in proc.stderr
    none = run_cli("plan", AUTH, cwd=repo)
    assert none.returncode == 2 and "choose the plan's scope" in none.stderr


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("Fix the login crash on Safari", "bug-fix"),
        ("Make the dashboard faster: latency of the list page", "performance"),
        ("Add a migration for the invoices table", "database-migration"),
        (AUTH, "cross-package-feature"),
    ],
)
def test_pattern_is_chosen_from_the_request(repo, request_text, expected) -> None:
    plan = _plan(repo, request_text)
    assert plan.pattern.id == expected, plan.pattern.reason


def test_database_migration_follows_to_the_packages_using_the_database(repo) -> None:
    plan = _plan(
        repo, "Rename the users table", scope=("packages/database",), pattern="database-migration"
    )
    assert plan.pattern.reason == "chosen with --pattern"
    migration = [t for t in plan.tasks if t.phase == "migration"]
    follow = [t for t in plan.tasks if t.phase == "api"]
    assert [t.scope for t in migration] == [["packages/database"]]
    # direct dependents of @repo/database in the workspace (legacy-utils is excluded from it)
    assert sorted(p for t in follow for p in t.scope) == ["apps/api", "apps/app", "packages/auth"]
    by_scope = {t.scope[0]: t for t in follow}
    auth = by_scope["packages/auth"]
    assert auth.dependencies == [migration[0].task_id]
    # api uses @repo/auth: it waits for its task; the app comes after the API (its role's
    # `after`), which already waits for auth
    assert by_scope["apps/api"].dependencies == [auth.task_id]
    assert by_scope["apps/app"].dependencies == [by_scope["apps/api"].task_id]
    assert migration[0].wave < auth.wave < by_scope["apps/api"].wave < by_scope["apps/app"].wave


def test_affected_plan_covers_exactly_the_affected_packages(repo) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    schema = repo / "packages/database/prisma/schema.prisma"
    schema.write_text(schema.read_text() + "\nmodel Session {\n  id String @id\n}\n")
    commit_all(repo, "session model")
    ws = api.load_workspace(repo)
    plan = api.make_plan(ws, "Sessions", affected_only=True, affected_base=base, cwd=repo)
    result = api.affected(ws, base=base)
    assert plan.scope.paths == sorted(p.path for p in result.packages)
    assert plan.pattern.id == "database-migration"
    assert "packages/database/prisma/schema.prisma" in plan.pattern.reason
    package_scopes = {s for t in plan.tasks if t.packages for s in t.scope}
    assert package_scopes == {p.path for p in result.packages}


def test_write_creates_the_tasks_folder_and_refuses_to_overwrite(repo) -> None:
    proc = run_cli("plan", AUTH, "--scope", *AUTH_SCOPE, "--write", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    folder = repo / "tasks" / "add-complete-authentication-system"
    names = sorted(p.name for p in folder.iterdir())
    assert {"plan.json", "plan.md", "context.md", "synthesis.md", "auth-api.md"} <= set(names)
    plan = planning.load_plan(folder / "plan.json")
    assert len([n for n in names if n.startswith("auth-")]) == len(plan.tasks)
    brief = (folder / "auth-api.md").read_text()
    assert "- `apps/api`" in brief and "- auth-db-schema" in brief
    assert "`pnpm --filter api typecheck`" in brief
    assert "## Progress and blockers" in (folder / "context.md").read_text()
    before = (folder / "plan.json").read_bytes()
    again = run_cli("plan", AUTH, "--scope", "apps/api", "--write", cwd=repo)
    assert again.returncode == 2 and "exists" in again.stderr and "--force" in again.stderr
    assert (folder / "plan.json").read_bytes() == before
    forced = run_cli("plan", AUTH, "--scope", "apps/api", "--write", "--force", cwd=repo)
    assert forced.returncode == 0
    assert planning.load_plan(folder / "plan.json").scope.paths == ["apps/api"]


def test_status_and_done_run_the_gates_and_validators(repo) -> None:
    """`plan done` on a task without gates records it; a task whose validators fail is not
    marked done; a task waiting for others is refused."""
    run_cli("plan", AUTH, "--scope", *AUTH_SCOPE, "--write", "--id", "auth", cwd=repo)
    commit_all(repo, "plan")
    status = run_cli("plan", "status", "--json", cwd=repo)
    state = json.loads(status.stdout)
    assert state["auth-analysis"] == "ready" and state["auth-architecture"] == "waiting"
    waiting = run_cli("plan", "done", "auth-architecture", cwd=repo)
    assert waiting.returncode == 1 and "waiting for auth-analysis" in waiting.stderr
    done = run_cli("plan", "done", "auth-analysis", cwd=repo)
    assert done.returncode == 0, done.stderr
    recorded = planning.load_plan(repo / "tasks/auth/plan.json").task("auth-analysis")
    assert recorded is not None and recorded.done is not None
    assert recorded.done.commit == git(repo, "rev-parse", "HEAD").strip()
    assert (
        json.loads(run_cli("plan", "status", "--json", cwd=repo).stdout)["auth-architecture"]
        == "ready"
    )
    text = run_cli("plan", "status", cwd=repo).stdout
    assert "done     w1  auth-analysis" in text and "1 done, 1 ready" in text


def test_done_runs_the_tasks_gate_and_validators_for_real(repo) -> None:
    """A package whose `test` script (run through the package manager) and validators decide:
    `plan done` refuses while either fails and records the task once both pass."""
    pnpm()  # `plan done` runs the task's gate through pnpm
    write(
        repo / "packages/notes/package.json",
        json.dumps({"name": "@repo/notes", "private": True, "scripts": {"test": "node check.js"}}),
    )
    write(
        repo / "packages/notes/check.js",
        "process.exit(require('fs').existsSync(__dirname + '/BROKEN') ? 1 : 0);\n",
    )
    write(repo / "packages/notes/BROKEN", "")
    write(repo / "packages/notes/index.ts", "export const x: any = 1;\n")
    strict(repo)
    commit_all(repo, "notes")
    ws = api.load_workspace(repo)
    plan = api.make_plan(ws, "Fix the notes", scope=("packages/notes",), pattern="bug-fix")
    planning.write_plan(repo, plan, planning.markdown(plan))
    fix = next(t for t in plan.tasks if t.phase == "fix")
    assert [g.command for g in fix.gates] == ["pnpm --filter @repo/notes test"]
    assert "ANY001" in fix.validators
    failed = run_cli("plan", "done", fix.task_id, cwd=repo)
    assert failed.returncode == 1, failed.stderr
    assert re.search(r"^test \(packages/notes\) \.+ Failed", failed.stderr, re.M)
    assert "- command: " in failed.stderr and "ANY001" in failed.stdout
    assert planning.load_plan(repo / "tasks/fix-the-notes/plan.json").task(fix.task_id).done is None
    (repo / "packages/notes/BROKEN").unlink()
    still = run_cli("plan", "done", fix.task_id, cwd=repo)
    assert still.returncode == 1  # the gate passes, `any` remains
    assert re.search(r"^test \(packages/notes\) \.+ Passed", still.stderr, re.M)
    write(repo / "packages/notes/index.ts", "export const x: unknown = 1;\n")
    ok = run_cli("plan", "done", fix.task_id, cwd=repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    done = planning.load_plan(repo / "tasks/fix-the-notes/plan.json").task(fix.task_id)
    assert done is not None and done.done is not None and done.done.at.endswith("Z")


def test_done_accepts_the_old_findings_a_baseline_records(repo) -> None:
    pnpm()  # `plan done` runs the task's gate through pnpm
    write(
        repo / "packages/notes/package.json",
        json.dumps({"name": "@repo/notes", "private": True, "scripts": {"test": "node -e 0"}}),
    )
    write(repo / "packages/notes/index.ts", "export const x: any = 1;\n")  # an old finding
    strict(repo)
    commit_all(repo, "notes")
    ws = api.load_workspace(repo)
    plan = api.make_plan(ws, "Fix the notes", scope=("packages/notes",), pattern="bug-fix")
    planning.write_plan(repo, plan, planning.markdown(plan))
    fix = next(t for t in plan.tasks if t.phase == "fix")
    assert run_cli("plan", "done", fix.task_id, cwd=repo).returncode == 1
    made = run_cli("validate", "--baseline", "b.json", "--update-baseline", cwd=repo)
    assert "baseline b.json: created" in made.stderr
    ok = run_cli("plan", "done", fix.task_id, "--baseline", "b.json", cwd=repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = run_cli("plan", "done", fix.task_id, "--baseline", "nope.json", cwd=repo)
    assert missing.returncode == 2 and "no such baseline" in missing.stderr


def test_scope_guard_with_real_git(repo) -> None:
    run_cli("plan", AUTH, "--scope", *AUTH_SCOPE, "--write", "--id", "auth", cwd=repo)
    commit_all(repo, "plan")
    write(repo / "apps/api/app/api/auth/logout/route.ts", "export async function POST() {}\n")
    git(repo, "add", "-A")
    inside = run_cli("plan", "check", "auth-api", "--staged", cwd=repo)
    assert inside.returncode == 0, inside.stderr
    assert "all inside the scope" in inside.stdout
    write(repo / "apps/web/app/page.tsx", "export default function P() { return null; }\n")
    git(repo, "add", "-A")
    outside = run_cli("plan", "check", "auth-api", "--staged", cwd=repo)
    assert outside.returncode == 1
    assert "apps/web/app/page.tsx" in outside.stderr
    assert "apps/api/app/api/auth/logout/route.ts" not in outside.stderr
    # the task's own plan folder is always allowed; the env var names the task for a hook
    env_run = run_cli(
        "plan", "check", "--staged", cwd=repo, env={"ORCHESTRATOR_TASK": "auth-web-ui"}
    )
    assert env_run.returncode == 1 and "apps/api/app/api/auth/logout/route.ts" in env_run.stderr
    git(repo, "commit", "-qm", "work")
    base = git(repo, "rev-parse", "HEAD~1").strip()
    ranged = run_cli("plan", "check", "auth-web-ui", "--base", base, cwd=repo)
    assert ranged.returncode == 1 and "apps/api/app/api/auth/logout/route.ts" in ranged.stderr
    skipped = run_cli("plan", "check", "--staged", cwd=repo)
    assert skipped.returncode == 0 and "scope guard skipped" in skipped.stderr


def test_a_folder_named_by_a_role_beats_the_files_it_holds(repo) -> None:
    """An app that also holds the Prisma schema (as dub's apps/web does) is still the app."""
    write(repo / "apps/web/prisma/schema/links.prisma", "model Link {\n  id String @id\n}\n")
    write(repo / "packages/analytics/prisma/schema.prisma", "model Event {\n  id String @id\n}\n")
    plan = _plan(repo, scope=("apps/web", "packages/analytics"))
    agents = {t.scope[0]: t.agent for t in plan.tasks if t.packages}
    assert agents["apps/web"] == "web-app-engineer"
    assert agents["packages/analytics"] == "prisma-database-engineer"  # by the file it holds


def test_in_scope_matching() -> None:
    assert planning.in_scope("apps/api/app/x.ts", ["apps/api"])
    assert not planning.in_scope("apps/api2/x.ts", ["apps/api"])
    assert planning.in_scope("apps/api/app/api/auth/login/route.ts", ["apps/api/app/api/auth/*"])
    assert planning.in_scope("packages/database/prisma/schema.prisma", ["**/*.prisma"])
    assert not planning.in_scope("apps/web/a.ts", ["apps/api/app/api/auth/*"])


def test_scope_globs_are_the_one_dialect() -> None:
    """Where fnmatch and the glob dialect differ, the scope guard reads the dialect."""
    # `*` stays in one folder: it names the folders of auth/, which hold what is under them,
    # but not a sibling that only shares the prefix (fnmatch's `*` ran on across `/`).
    assert planning.in_scope("apps/api/app/api/auth/login/route.ts", ["apps/api/app/*/auth"])
    assert not planning.in_scope("apps/api/app/api/v2/auth/route.ts", ["apps/api/app/*/auth"])
    assert not planning.in_scope("apps/api/src/x.test.ts", ["apps/api/*.test.ts"])
    assert planning.in_scope("apps/api/x.test.ts", ["apps/api/*.test.ts"])
    # `**` crosses any number of folders, none included (fnmatch wanted a `/` before it).
    assert planning.in_scope("schema.prisma", ["**/*.prisma"])
    assert planning.in_scope("packages/db/prisma/schema/links.prisma", ["packages/**/*.prisma"])
    assert not planning.in_scope("packages/db/prisma/schema.ts", ["packages/**/*.prisma"])
    # Dot files are in scope like any other.
    assert planning.in_scope("apps/api/.env.example", ["apps/api/*"])
    # Braces are alternatives (fnmatch read them as characters).
    assert planning.in_scope("apps/web/a.ts", ["apps/{web,app}"])
    assert not planning.in_scope("apps/api/a.ts", ["apps/{web,app}"])


def test_scope_entries_with_brackets_name_nextjs_folders() -> None:
    """`[locale]` is a folder of a Next.js app: fnmatch read it as a set of five letters and
    the seed's own scopes matched nothing."""
    page = "apps/web/app/[locale]/(auth)/login/page.tsx"
    assert planning.in_scope(page, ["apps/web/app/[locale]/(auth)/*"])
    assert planning.in_scope(page, ["apps/web/app/[locale]/(auth)"])
    assert planning.in_scope(page, ["apps/web/app/[locale]"])
    assert not planning.in_scope(
        "apps/web/app/[locale]/page.tsx", ["apps/web/app/[locale]/(auth)/*"]
    )
    # A set still is one when the path is spelt that way.
    assert planning.in_scope("apps/web/app/e/x.ts", ["apps/web/app/[locale]"])
    # An entry that is no glob (an unclosed brace or set) is the path it spells.
    assert planning.in_scope("apps/{web/a.ts", ["apps/{web"])
    assert planning.in_scope("apps/[web/a.ts", ["apps/[web"])
    assert not planning.in_scope("apps/web/a.ts", ["apps/{web"])


def test_roles_and_patterns_match_with_the_one_dialect(repo) -> None:
    write(
        repo / "orchestrator.toml",
        '[plan.roles.mailer]\nmatch = { names = ["*email*"] }\n'
        '[plan.roles.tracker]\nmatch = { names = ["@repo/analytic?"], paths = ["apps/*s"] }\n',
    )
    lib = planning.load_library(repo, api.load_config(repo))
    ws = api.load_workspace(repo)
    roles = [
        role_of(ws.by_path[p], lib.roles, repo).id
        for p in ("packages/email", "packages/analytics", "apps/docs")
    ]
    # `*` does not cross the `/` after a scope (fnmatch's did): `*email*` names no scoped
    # package; `?` is one character, and a path glob matches the package folder.
    assert roles == ["engineer", "tracker", "tracker"]
    # `**/` matches at the root too: a root schema suggests the migration pattern.
    choice = planning.choose_pattern(lib, "tidy things", ["schema.prisma"])
    assert choice.id == "database-migration"
    assert "schema.prisma" in choice.reason
    # `*` does not cross `/`: prisma/schema/*.prisma holds no deeper file.
    deeper = planning.choose_pattern(lib, "tidy things", ["prisma/schema/old/x.prisma"])
    assert deeper.id != "database-migration"


def test_a_role_glob_that_is_no_glob_is_an_error_at_its_key(repo) -> None:
    write(
        repo / "orchestrator.toml", '[plan.roles.docs-writer]\nmatch = { paths = ["apps/[z-a]"] }\n'
    )
    proc = run_cli("plan", AUTH, "--scope", "apps/api", cwd=repo)
    assert proc.returncode == 2, proc.stderr
    assert "plan.roles.docs-writer" in proc.stderr and "reversed" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_repo_patterns_and_config_roles_merge_by_id(repo) -> None:
    write(
        repo / ".orchestrator/task-patterns.json",
        json.dumps(
            {
                "patterns": [
                    {
                        "id": "bug-fix",
                        "description": "ours",
                        "select": {"keywords": ["fix"]},
                        "phases": [
                            {
                                "id": "fix",
                                "name": "Fix",
                                "kind": "packages",
                                "description": "{request} in {package}",
                            }
                        ],
                    }
                ]
            }
        ),
    )
    write(
        repo / "orchestrator.toml",
        '[plan.roles.docs-writer]\nmatch = { paths = ["apps/docs"] }\ntaskSuffix = "docs"\n',
    )
    plan = _plan(repo, "Fix the typo", scope=("apps/docs",))
    assert plan.pattern.id == "bug-fix"
    assert [(t.task_id, t.agent) for t in plan.tasks] == [("typo-docs", "docs-writer")]
    lib = planning.load_library(repo, api.load_config(repo))
    assert [p.id for p in lib.patterns][:2] == ["cross-package-feature", "bug-fix"]
    assert lib.roles[-1].id == "engineer"  # the catch-all stays last


def test_bad_pattern_file_is_a_clear_error(repo) -> None:
    write(repo / ".orchestrator/task-patterns.json", '{"patterns": [{"id": "x"}]}')
    with pytest.raises(InputError) as exc:
        _plan(repo)
    assert "patterns.0.phases" in exc.value.message
    write(repo / ".orchestrator/task-patterns.json", '{"patterns": [\n  oops]}')
    proc = run_cli("plan", AUTH, "--scope", "apps/api", cwd=repo)
    assert proc.returncode == 2
    assert ".orchestrator/task-patterns.json:2:" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("description", "Audit {request} with {tool}", "unknown placeholder {tool}"),
        ("description", "Audit {request", "write a literal brace twice"),
        ("roles", ["../../escaped"], "must be kebab-case"),
    ],
)
def test_a_phase_is_checked_where_it_is_written(repo, key, value, said) -> None:
    """A phase's placeholders and role ids are checked when the library is read: a plan, or
    `agents export`, never meets them half made (a role id becomes a file name)."""
    phase = {
        "id": "review",
        "name": "Review",
        "kind": "roles",
        "roles": ["code-reviewer"],
        "description": "Review {request}",
    }
    phase[key] = value
    lib = {"patterns": [{"id": "mine", "phases": [phase]}]}
    write(repo / ".orchestrator/task-patterns.json", json.dumps(lib, indent=2))
    for args in (("plan", AUTH, "--scope", "apps/api"), ("agents", "export")):
        proc = run_cli(*args, cwd=repo)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert said in proc.stderr and "Traceback" not in proc.stderr
        assert ".orchestrator/task-patterns.json" in proc.stderr
    assert not (repo / ".claude").exists() and not (repo.parent / "escaped.md").exists()


def test_a_configured_pattern_file_that_is_missing_is_an_error(repo) -> None:
    write(repo / "orchestrator.toml", '[plan]\npatterns = "nope.json"\n')
    proc = run_cli("plan", AUTH, "--scope", "apps/api", cwd=repo)
    assert proc.returncode == 2
    assert "nope.json" in proc.stderr and "no such file" in proc.stderr
    assert "orchestrator.toml" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_pattern_and_schemas(repo) -> None:
    with pytest.raises(UsageError, match="no pattern 'nope'"):
        _plan(repo, pattern="nope")
    schema = json.loads(run_cli("plan", "schema", "patterns", cwd=repo).stdout)
    import jsonschema

    builtin = json.loads(
        (Path(planning.__file__).parent / "task-patterns.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(builtin, schema)
    plan_schema = json.loads(run_cli("plan", "schema", "plan", cwd=repo).stdout)
    jsonschema.validate(json.loads(_plan(repo).dump()), plan_schema)
