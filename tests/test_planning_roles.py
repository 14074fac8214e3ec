"""What a plan's roles and waves follow: a companion role beside the UIs, waves without gaps,
roles from what a package is (its framework dependencies) and auditors only where their stack
is — on the next-forge fixture and on small fixture monorepos with no Next.js app."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator_tool import api, planning

from .conftest import commit_all, run_cli

AUTH = "Add complete authentication system"
SEED_SCOPE = ("apps/web", "apps/app", "apps/api", "packages/database")


def _plan(repo: Path, scope: tuple[str, ...], request: str = AUTH) -> planning.Plan:
    return api.make_plan(api.load_workspace(repo), request, scope=scope)


def _by_id(plan: planning.Plan) -> dict[str, planning.Task]:
    return {t.task_id: t for t in plan.tasks}


def _assert_waves_without_gaps(plan: planning.Plan) -> None:
    assert all(plan.waves), plan.waves
    assert sorted({t.wave for t in plan.tasks}) == list(range(1, len(plan.waves) + 1))
    for t in plan.tasks:
        assert t.task_id in plan.waves[t.wave - 1]
        for dep in t.dependencies:
            assert _by_id(plan)[dep].wave < t.wave, (dep, t.task_id)


def _api_uses_the_design_system(repo: Path) -> None:
    """As in the real next-forge: apps/api depends on @repo/design-system."""
    path = repo / "apps/api/package.json"
    data = json.loads(path.read_text())
    data["dependencies"]["@repo/design-system"] = "workspace:*"
    path.write_text(json.dumps(data, indent=2) + "\n")
    commit_all(repo, "api uses the design system")


def test_styling_shares_the_uis_wave_and_never_blocks_the_api(make_repo) -> None:
    repo = make_repo("next-forge")
    _api_uses_the_design_system(repo)
    plan = _plan(repo, SEED_SCOPE)
    t = _by_id(plan)
    db, api_t, styling = t["auth-db-schema"], t["auth-api"], t["auth-styling"]
    web, app = t["auth-web-ui"], t["auth-app-ui"]
    # db → api → {web, app, styling}, the three in one wave
    assert api_t.dependencies == ["auth-db-schema"]
    assert web.dependencies == app.dependencies == ["auth-api"]
    assert db.wave < api_t.wave < web.wave == app.wave == styling.wave
    assert sorted(plan.waves[web.wave - 1]) == ["auth-app-ui", "auth-styling", "auth-web-ui"]
    # what comes next waits for the styling too
    assert "auth-styling" in t["auth-validation-techstack-validator"].dependencies
    _assert_waves_without_gaps(plan)
    # the edge set aside is said, in plan.json, plan.md and context.md
    assert plan.assumptions == [
        "auth-api does not wait for auth-styling, though api depends on @repo/design-system: "
        "ui-ux-styling-expert works alongside auth-app-ui, auth-web-ui, which wait for auth-api"
    ]
    md = planning.markdown(plan)
    assert f"- assumed: {plan.assumptions[0]}" in md
    assert "subgraph w7" in md and "subgraph w10" not in md
    written = run_cli("plan", AUTH, "--scope", *SEED_SCOPE, "--write", cwd=repo)
    assert written.returncode == 0, written.stderr
    context = (repo / "tasks" / plan.plan_id / "context.md").read_text()
    assert f"## Assumptions\n\n- {plan.assumptions[0]}\n" in context


def test_a_companion_keeps_the_package_edges_of_tasks_its_mates_do_not_wait_for(
    make_repo,
) -> None:
    repo = make_repo("next-forge")
    # the email package uses the design system and no UI waits for it: it waits for the
    # styling, a wave after the UIs
    path = repo / "packages/email/package.json"
    data = json.loads(path.read_text())
    data["dependencies"]["@repo/design-system"] = "workspace:*"
    path.write_text(json.dumps(data, indent=2) + "\n")
    commit_all(repo, "emails use the design system")
    plan = _plan(repo, ("apps/web", "packages/email"))
    t = _by_id(plan)
    assert t["auth-styling"].wave == t["auth-web-ui"].wave
    assert t["auth-email"].dependencies == ["auth-styling"]
    assert t["auth-email"].wave == t["auth-styling"].wave + 1
    assert plan.assumptions == []
    _assert_waves_without_gaps(plan)


def test_waves_are_numbered_without_gaps_on_every_pattern(make_repo) -> None:
    repo = make_repo("next-forge")
    _api_uses_the_design_system(repo)
    for request in (AUTH, "Fix the login crash", "Make the app faster", "Add a users table"):
        for scope in (SEED_SCOPE, ("apps/app", "packages/database"), ("packages/database",)):
            _assert_waves_without_gaps(_plan(repo, scope, request))


def test_next_apps_get_nextjs_roles(make_repo) -> None:
    repo = make_repo("next-forge")
    plan = _plan(repo, ("apps/web", "apps/app", "apps/docs"))
    agents = {t.task_id: t.agent for t in plan.tasks}
    assert agents["auth-web-ui"] == "web-app-engineer"
    assert agents["auth-app-ui"] == "app-repo-engineer"
    # a Next.js app in no folder the UI roles name is still a Next.js app, after the API
    assert agents["auth-docs"] == "nextjs-app-engineer"
    assert "next-forge-auditor" in agents.values()


def test_react_apps_on_other_frameworks_get_the_react_role(make_repo) -> None:
    repo = make_repo("react-apps")
    plan = _plan(repo, ("apps/web", "apps/mobile", "apps/api", "packages/db"))
    t = _by_id(plan)
    # the Vite app in apps/web is no Next.js website; the Expo app is a React app too
    assert t["auth-web"].agent == t["auth-mobile"].agent == "react-app-engineer"
    assert t["auth-db-schema"].agent == "prisma-database-engineer"
    assert t["auth-api"].agent == "api-engineer"
    # they come after the API, with the shared UI package styled alongside them
    assert t["auth-web"].dependencies == t["auth-mobile"].dependencies == ["auth-api"]
    assert t["auth-styling"].wave == t["auth-web"].wave == t["auth-mobile"].wave
    # no Next.js app: no Next.js auditor, and the plan says why
    assert "next-forge-auditor" not in {x.agent for x in plan.tasks}
    assert t["auth-validation"].agent == "techstack-validator"
    assert plan.assumptions == [
        "no next-forge-auditor in the validation phase: no package of the plan declares next"
    ]
    _assert_waves_without_gaps(plan)


def test_a_library_repo_gets_no_ui_role_and_the_general_auditor(make_repo) -> None:
    repo = make_repo("packages-only")
    plan = _plan(repo, ("packages/core", "packages/format", "packages/cli"))
    assert {t.agent for t in plan.tasks if t.phase == "implementation"} == {"engineer"}
    assert [t.task_id for t in plan.tasks if t.phase == "implementation"] == [
        "auth-core",
        "auth-format",
        "auth-cli",
    ]
    assert "next-forge-auditor" not in {t.agent for t in plan.tasks}
    perf = _plan(repo, ("packages/format",), "Make the formatter faster")
    assert perf.pattern.id == "performance"
    assert perf.tasks[0].agent == "performance-auditor"
    assert perf.assumptions == [
        "no next-forge-auditor in the audit phase: no package of the plan declares next"
    ]
    _assert_waves_without_gaps(perf)


def test_a_nextjs_repo_keeps_the_nextjs_auditor_for_performance(make_repo) -> None:
    repo = make_repo("next-forge")
    perf = _plan(repo, ("apps/app",), "Make the app faster")
    assert [t.agent for t in perf.tasks if t.phase == "audit"] == ["next-forge-auditor"]
    assert perf.assumptions == []


def test_a_role_stack_in_config_narrows_it(make_repo) -> None:
    repo = make_repo("next-forge")
    (repo / "orchestrator.toml").write_text(
        '[plan.roles.api-engineer]\nstack = ["hono", "express"]\n'
    )
    commit_all(repo, "config")
    lib = planning.load_library(repo, api.load_config(repo))
    ws = api.load_workspace(repo)
    from orchestrator_tool.planning.library import role_of

    # the fixture's apps/api is a Next.js app, not on the API role's configured stack
    assert role_of(ws.by_name["api"], lib.roles, repo).id == "nextjs-app-engineer"
