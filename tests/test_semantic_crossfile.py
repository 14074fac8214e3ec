"""The semantic rules read other files: helpers that validate with zod, wrappers that catch,
database subpaths, CLI packages. A small monorepo is written on disk for each case."""

from __future__ import annotations

import json
import time
from pathlib import Path

from orchestrator_tool import api
from orchestrator_tool.workspace import scan

from .conftest import write


def _monorepo(root: Path, files: dict[str, str]) -> Path:
    write(root / "package.json", json.dumps({"name": "root", "private": True}))
    write(root / "pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n")
    write(
        root / "apps/web/package.json",
        json.dumps(
            {
                "name": "web",
                "dependencies": {"@repo/db": "workspace:*", "@repo/cli": "workspace:*"},
            }
        ),
    )
    write(
        root / "apps/web/tsconfig.json",
        json.dumps({"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./*"]}}}),
    )
    write(
        root / "packages/db/package.json",
        json.dumps(
            {
                "name": "@repo/db",
                "exports": {".": "./index.ts", "./schema": "./schema.ts"},
                "dependencies": {"@prisma/client": "^6"},
            }
        ),
    )
    write(
        root / "packages/db/index.ts",
        'import { PrismaClient } from "@prisma/client";\nexport const db = new PrismaClient();\n',
    )
    write(
        root / "packages/db/schema.ts",
        'import { z } from "zod";\nexport const Project = z.object({ id: z.string() });\n',
    )
    for rel, text in files.items():
        write(root / rel, text)
    # older than the result cache's racy window (a file changed a clock tick before a run
    # is not trusted to the cache), so the cache tests below see every verdict stored
    time.sleep(0.05)
    return root


def _codes(root: Path, code: str) -> list[tuple[str, int]]:
    report = api.validate(scan(root), api.ValidateOptions(select=[code], use_cache=False, jobs=1))
    return sorted((d.path, d.line) for d in report.diagnostics if d.code == code)


VALIDATING_HELPER = """import { z } from "zod";
const Query = z.object({ page: z.coerce.number() });
export function parseListQuery(searchParams: URLSearchParams) {
  return Query.parse(Object.fromEntries(searchParams));
}
"""

OUTPUT_ONLY_HELPER = """import { z } from "zod";
import { db } from "@repo/db";
const Row = z.object({ id: z.string() });
export async function listRows({ page }: { page?: string }) {
  const rows = await db.row.findMany({ skip: Number(page) });
  return z.array(Row).parse(rows);
}
"""


def test_zod_helper_defined_behind_a_barrel_validates(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/query/parse.ts": VALIDATING_HELPER,
            "apps/web/lib/query/index.ts": 'export * from "./parse";\n',
            "apps/web/app/api/items/route.ts": """import { parseListQuery } from "@/lib/query";
import { db } from "@repo/db";
export async function GET(req: Request) {
  const { searchParams } = new URL(req.url);
  const { page } = parseListQuery(searchParams);
  return Response.json(await db.item.findMany({ skip: page }));
}
""",
        },
    )
    assert _codes(root, "ZOD001") == []


def test_helper_that_only_validates_its_output_does_not_count(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/rows.ts": OUTPUT_ONLY_HELPER,
            "apps/web/app/api/rows/route.ts": """import { listRows } from "@/lib/rows";
export async function GET(req: Request) {
  const page = new URL(req.url).searchParams.get("page") ?? undefined;
  return Response.json(await listRows({ page }));
}
""",
        },
    )
    assert _codes(root, "ZOD001") == [("apps/web/app/api/rows/route.ts", 4)]


def test_a_field_validated_inside_a_helper_does_not_validate_the_whole_body(
    tmp_path: Path,
) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/ids.ts": """import { z } from "zod";
export function checkWorkspace(body: { workspaceId?: string }) {
  return z.string().parse(body.workspaceId);
}
""",
            "apps/web/app/api/save/route.ts": """import { checkWorkspace } from "@/lib/ids";
import { db } from "@repo/db";
export async function POST(req: Request) {
  const body = await req.json();
  checkWorkspace(body);
  await db.thing.create({ data: body });
  return Response.json({ ok: true });
}
""",
        },
    )
    assert _codes(root, "ZOD001") == [("apps/web/app/api/save/route.ts", 5)]


def test_wrapper_with_try_catch_in_another_file_is_an_error_path(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/auth/workspace.ts": """export const withWorkspace =
  (handler: (req: Request) => Promise<Response>) => async (req: Request) => {
    try {
      return await handler(req);
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 });
    }
  };
""",
            "apps/web/lib/auth/plain.ts": """export const withUser =
  (handler: (req: Request) => Promise<Response>) => async (req: Request) => handler(req);
""",
            "apps/web/lib/auth/index.ts": 'export * from "./workspace";\nexport * from "./plain";\n',
            "apps/web/app/api/a/route.ts": """import { withUser, withWorkspace } from "@/lib/auth";
import { db } from "@repo/db";
export const GET = withWorkspace(async () => Response.json(await db.a.findMany()));
export const POST = withUser(async () => Response.json(await db.a.create({ data: {} })));
""",
        },
    )
    assert _codes(root, "ERR003") == [("apps/web/app/api/a/route.ts", 4)]


def test_database_subpath_without_a_client_is_fine_in_a_client_module(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/components/form.tsx": """"use client";
import { Project } from "@repo/db/schema";
import { db } from "@repo/db";
export function Form() { return <p>{String(Project) + String(db)}</p>; }
""",
        },
    )
    assert _codes(root, "RSC001") == [("apps/web/components/form.tsx", 3)]


def test_package_entry_is_judged_like_a_client_modules_own_imports(tmp_path: Path) -> None:
    web = {
        "name": "web",
        "dependencies": {"@repo/db": "workspace:*", "@repo/api": "workspace:*"},
    }
    root = _monorepo(
        tmp_path,
        {
            "apps/web/package.json": json.dumps(web),
            "packages/api/package.json": json.dumps(
                {
                    "name": "@repo/api",
                    "exports": {".": "./index.ts", "./labels": "./labels.ts", "./db": "./db.ts"},
                    "dependencies": {"@repo/db": "workspace:*"},
                }
            ),
            "packages/api/index.ts": 'import type { db } from "@repo/db";\n'
            "export type Db = typeof db;\n",
            "packages/api/labels.ts": 'import { Project } from "@repo/db/schema";\n'
            "export const label = String(Project);\n",
            "packages/api/db.ts": 'export { db } from "@repo/db";\n',
            "apps/web/components/form.tsx": """"use client";
import { useApi } from "@repo/api";
import { label } from "@repo/api/labels";
import { db } from "@repo/api/db";
export function Form() { return <p>{String(useApi) + label + String(db)}</p>; }
""",
        },
    )
    assert _codes(root, "RSC001") == [("apps/web/components/form.tsx", 4)]


def test_app_folder_of_a_package_without_next_has_no_server_components(tmp_path: Path) -> None:
    page = "export default function Page() {\n  const [n] = useState(0);\n  return <p>{n}</p>;\n}\n"
    next_app = {"name": "site", "dependencies": {"next": "^15", "react": "^19"}}
    root = _monorepo(
        tmp_path,
        {
            "apps/web/app/settings/page.tsx": page,  # apps/web: React Router, no next
            "apps/site/package.json": json.dumps(next_app),
            "apps/site/app/settings/page.tsx": page,
        },
    )
    assert _codes(root, "RSC002") == [("apps/site/app/settings/page.tsx", 2)]


def test_console_log_in_a_cli_package_is_its_job(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "packages/cli/package.json": json.dumps({"name": "@repo/cli", "bin": "./index.ts"}),
            "packages/cli/index.ts": 'console.log("usage: repo <command>");\n',
            "apps/web/lib/debug.ts": "export const trace = (x: unknown) => console.log(x);\n",
        },
    )
    assert _codes(root, "ERR004") == [("apps/web/lib/debug.ts", 1)]


def test_what_a_package_is_decides_whether_its_console_output_is_its_job(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            # an interactive release tool: prompts and colours, no `bin`
            "packages/release/package.json": json.dumps(
                {"name": "@repo/release", "dependencies": {"@clack/prompts": "^0.9", "chalk": "^5"}}
            ),
            "packages/release/src/publish.ts": (
                "export async function publish(tag: string) {\n"
                "  console.log(`publishing ${tag}`);\n}\n"
            ),
            # a database adapter that asks one question in development is still a library
            "packages/adapter/package.json": json.dumps(
                {"name": "@repo/adapter", "dependencies": {"prompts": "^2"}}
            ),
            "packages/adapter/src/connect.ts": (
                "export function connect(url: string) {\n  console.log(url);\n}\n"
            ),
            # a web app with a setup wizard among its dependencies is still a web app
            "apps/site/package.json": json.dumps(
                {
                    "name": "site",
                    "dependencies": {"next": "^15", "chalk": "^5", "prompts": "^2"},
                }
            ),
            "apps/site/app/page.tsx": (
                "export default function Page() {\n  console.log('render');\n  return null;\n}\n"
            ),
            # test helpers shipped as a package, and a library offering them as an optional peer
            "packages/test-utils/package.json": json.dumps(
                {"name": "@repo/test-utils", "peerDependencies": {"vitest": "^3"}}
            ),
            "packages/test-utils/src/suite.ts": (
                "export function report(n: number) {\n  console.log(`${n} passed`);\n}\n"
            ),
            "packages/auth/package.json": json.dumps(
                {"name": "@repo/auth", "peerDependencies": {"vitest": "^3"}}
            ),
            "packages/auth/src/session.ts": (
                "export function load(id: string) {\n  console.log('session', id);\n}\n"
            ),
        },
    )
    assert _codes(root, "ERR004") == [
        ("apps/site/app/page.tsx", 2),
        ("packages/adapter/src/connect.ts", 2),
        ("packages/auth/src/session.ts", 2),
    ]


def test_files_a_package_script_runs_are_programs_unless_they_start_the_product(
    tmp_path: Path,
) -> None:
    program = "const started = Date.now();\nconsole.log('done in', Date.now() - started);\n"
    root = _monorepo(
        tmp_path,
        {
            "packages/ui/package.json": json.dumps(
                {
                    "name": "@repo/ui",
                    "scripts": {
                        "build": "tsc && node ./bundle-css.mjs --minify",
                        "build:icons": "cross-env NODE_ENV=production tsx tools/icons.ts",
                        "catalog:sync": "node --import tsx/esm ./src/catalog/sync.ts",
                        "start": "node server.mjs",
                        "dev": "tsx watch src/dev-server.ts",
                    },
                }
            ),
            "packages/ui/bundle-css.mjs": program,
            "packages/ui/tools/icons.ts": program,
            "packages/ui/src/catalog/sync.ts": program,
            "packages/ui/server.mjs": program,
            "packages/ui/src/dev-server.ts": program,
            "packages/ui/src/unused.ts": program,
        },
    )
    assert _codes(root, "ERR004") == [
        ("packages/ui/server.mjs", 2),
        ("packages/ui/src/dev-server.ts", 2),
        ("packages/ui/src/unused.ts", 2),
    ]


def test_a_handler_exported_under_several_names_is_reported_once_naming_them_all(
    tmp_path: Path,
) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/app/api/proxy/route.ts": """import { db } from "@repo/db";
const handler = async (req: Request) => {
  const body = await req.json();
  return Response.json(await db.log.create({ data: body }));
};
export const POST = handler;
export const PUT = handler;
""",
        },
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["ZOD001", "ERR003"], use_cache=False, jobs=1)
    )
    messages = sorted(d.message for d in report.diagnostics)
    assert len(messages) == 2
    assert messages[0].startswith("POST, PUT (route) awaits calls")
    assert messages[1].startswith("POST, PUT (route): await req.json() is used here")


PROXY = """import { z } from "zod";
export async function proxyToApi(req: Request, path: string) {
  const body = await req.text();
  return fetch(`https://api.internal${path}`, { method: "POST", body });
}
const Body = z.object({ id: z.string() });
export async function forwardChecked(req: Request, path: string) {
  const body = Body.parse(await req.json());
  return fetch(`https://api.internal${path}`, { method: "POST", body: JSON.stringify(body) });
}
"""


def test_a_helper_in_another_module_handed_the_request_is_followed(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/proxy.ts": PROXY,
            "apps/web/app/api/check-in/route.ts": """import { proxyToApi } from "@/lib/proxy";
export async function POST(req: Request) {
  return proxyToApi(req, "/v1/check-in");
}
""",
            "apps/web/app/api/checked/route.ts": """import { forwardChecked } from "@/lib/proxy";
export async function POST(req: Request) {
  return forwardChecked(req, "/v1/checked");
}
""",
        },
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["ZOD001"], use_cache=False, jobs=1)
    )
    found = [(d.path, d.line, d.message) for d in report.diagnostics]
    assert found == [
        (
            "apps/web/app/api/check-in/route.ts",
            3,
            "POST (route): await req.text() is used before a zod schema validated it, "
            "in proxyToApi() (apps/web/lib/proxy.ts:4)",
        )
    ]


UPLOAD = """export const uploadFromToken = async ({
  token,
  request,
}: {
  token: string;
  request: Request;
}) => {
  await fetch(`https://storage.internal/${token}`, { method: "PUT", body: request.body });
};
"""


def test_a_request_handed_in_an_object_is_followed_three_helpers_deep(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/upload.ts": UPLOAD,
            "apps/web/lib/guard.ts": """import { uploadFromToken } from "./upload";
export async function checkedUpload(token: string, request: Request) {
  if (request.method !== "PUT") throw new Error("Method not allowed");
  await uploadFromToken({ token, request });
}
""",
            "apps/web/app/api/uploads/[token]/route.ts": """import { checkedUpload } from "@/lib/guard";
const handle = async (request: Request, token: string) => {
  await checkedUpload(token, request);
  return new Response(null, { status: 204 });
};
export const PUT = async (request: Request, ctx: { params: Promise<{ token: string }> }) =>
  handle(request, (await ctx.params).token);
""",
        },
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["ZOD001"], use_cache=False, jobs=1)
    )
    assert [(d.path, d.line, d.message) for d in report.diagnostics] == [
        (
            "apps/web/app/api/uploads/[token]/route.ts",
            3,
            "PUT (route): req.body is used before a zod schema validated it, "
            "in uploadFromToken() (apps/web/lib/upload.ts:8)",
        )
    ]


CHECKS = """"use server";
import { db } from "@repo/db";
export async function checkAccess(id: string) {
  await db.member.findFirstOrThrow({ where: { id } });
}
"""


ACTIONS_USING_CHECKS = (
    '"use server";\nimport { checkAccess } from "@/lib/checks";\n'
    "export const rename = client.action(async ({ parsedInput }) => {\n"
    "  await checkAccess(parsedInput.id);\n});\n"
)
CLIENT_USING_CHECKS = (
    '"use client";\nimport { checkAccess } from "../../lib/checks";\n'
    "export const B = () => <button onClick={() => checkAccess('x')} />;\n"
)


def test_use_server_export_imported_only_by_server_code_is_a_helper(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/checks.ts": CHECKS,
            "apps/web/app/teams/actions.ts": ACTIONS_USING_CHECKS,
        },
    )
    assert _codes(root, "ERR003") == []


def test_use_server_export_imported_by_a_client_module_is_an_action(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/checks.ts": CHECKS,
            "apps/web/app/teams/actions.ts": ACTIONS_USING_CHECKS,
            "apps/web/app/teams/button.tsx": CLIENT_USING_CHECKS,
        },
    )
    assert _codes(root, "ERR003") == [("apps/web/lib/checks.ts", 3)]


def test_use_server_export_nobody_imports_is_an_action(tmp_path: Path) -> None:
    root = _monorepo(tmp_path, {"apps/web/lib/checks.ts": CHECKS})
    assert _codes(root, "ERR003") == [("apps/web/lib/checks.ts", 3)]


def test_mutation_hook_whose_on_error_reports_covers_the_catch(tmp_path: Path) -> None:
    hook = (
        'import { useMutation } from "@tanstack/react-query";\n'
        "export function useSave() {\n"
        "  return useMutation({ mutationFn: put, onError: (e) => %s });\n}\n"
    )
    form = (
        '"use client";\nimport { useSave } from "@/hooks/use-save";\n'
        "export function F() {\n  const save = useSave();\n"
        "  const go = async () => {\n    try {\n      await save.mutateAsync(1);\n"
        "    } catch {\n      setBusy(false);\n    }\n  };\n}\n"
    )
    reporting = _monorepo(
        tmp_path / "a",
        {"apps/web/hooks/use-save.ts": hook % "toast.error(e.message)", "apps/web/f.tsx": form},
    )
    assert _codes(reporting, "ERR002") == []
    silent = _monorepo(
        tmp_path / "b",
        {"apps/web/hooks/use-save.ts": hook % "rollback()", "apps/web/f.tsx": form},
    )
    assert _codes(silent, "ERR002") == [("apps/web/f.tsx", 8)]


def test_an_imported_async_function_whose_promise_is_dropped(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/email.ts": """export async function sendWelcome(to: string) {
  await fetch("https://mail.example.com", { method: "POST", body: to });
}
export const logEvent = async (name: string) => fetch(`/log?${name}`);
export async function queue(jobs: Promise<void>[], to: string) {
  jobs.push(sendWelcome(to));
}
export function plain(to: string) {
  return to;
}
""",
            "apps/web/lib/index.ts": 'export * from "./email";\n',
            "apps/web/app/api/a/route.ts": """import { sendWelcome, logEvent, queue, plain } from "@/lib";
export async function POST(req: Request) {
  const jobs: Promise<void>[] = [];
  sendWelcome("a");
  logEvent("signup");
  queue(jobs, "b");
  plain("c");
  void sendWelcome("d");
  await sendWelcome("e");
  await Promise.all(jobs);
  return Response.json({});
}
""",
        },
    )
    # through a barrel; not the helper that settles at once, the sync one, void or await
    assert _codes(root, "ERR005") == [
        ("apps/web/app/api/a/route.ts", 4),
        ("apps/web/app/api/a/route.ts", 5),
    ]


def test_a_local_async_function_shadows_the_import_of_its_name(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/rules.ts": "export async function remove(id: string) {\n  await fetch(id);\n}\n",
            "apps/web/app/api/a/route.ts": """import { remove } from "@/lib/rules";
export async function POST() {
  const jobs: Promise<void>[] = [];
  async function remove(id: string) {
    jobs.push(fetch(id).then(() => undefined));
  }
  remove("a");
  await Promise.all(jobs);
  return Response.json({});
}
""",
        },
    )
    assert _codes(root, "ERR005") == []


ASYNC_SAVE = "export async function save(id: string) {\n  await fetch(id);\n}\n"


def _route_calling_save(import_clause: str) -> str:
    """A route handler that calls the imported `save` and drops its promise (line 3)."""
    return (
        f'{import_clause} from "@/lib/save";\nexport async function POST() {{\n'
        '  save("a");\n  return Response.json({});\n}\n'
    )


def test_a_default_import_of_an_async_function_declaration(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/save.ts": "export default async function save(id: string) {\n  await fetch(id);\n}\n",
            "apps/web/app/api/a/route.ts": _route_calling_save("import save"),
        },
    )
    assert _codes(root, "ERR005") == [("apps/web/app/api/a/route.ts", 3)]


def _cached_run(root: Path, code: str) -> tuple[list[tuple[str, int]], int, int]:
    report = api.validate(scan(root), api.ValidateOptions(select=[code], use_cache=True, jobs=1))
    found = sorted((d.path, d.line) for d in report.diagnostics if d.code == code)
    return found, report.cached, report.files_checked


def test_a_cached_verdict_is_dropped_when_a_file_it_was_read_from_changes(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/save.ts": ASYNC_SAVE,
            "apps/web/app/api/a/route.ts": _route_calling_save("import { save }"),
        },
    )
    route = [("apps/web/app/api/a/route.ts", 3)]
    assert _cached_run(root, "ERR005")[0] == route
    found, cached, checked = _cached_run(root, "ERR005")
    assert (found, cached) == (route, checked)  # nothing changed: all from the cache
    # the helper stops being async; the route file itself is untouched
    write(root / "apps/web/lib/save.ts", "export function save(id: string) {\n  return id;\n}\n")
    found, cached, checked = _cached_run(root, "ERR005")
    assert found == []
    assert cached == checked - 2  # the helper and the route that read it


def test_a_cached_verdict_read_from_every_file_is_dropped_when_any_file_changes(
    tmp_path: Path,
) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/checks.ts": CHECKS,
            "apps/web/app/teams/actions.ts": ACTIONS_USING_CHECKS,
        },
    )
    assert _cached_run(root, "ERR003")[0] == []
    _, cached, checked = _cached_run(root, "ERR003")
    assert cached == checked
    # a client module starts importing the export: it is an action now, with no error path
    write(root / "apps/web/app/teams/button.tsx", CLIENT_USING_CHECKS)
    assert _cached_run(root, "ERR003")[0] == [("apps/web/lib/checks.ts", 3)]


def test_a_route_file_that_also_says_use_server_names_each_handler_once(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/app/api/audit/route.ts": """'use server';
import { db } from "@repo/db";
export const GET = withAuth(async (req: Request) => {
  const since = new URL(req.url).searchParams.get("since");
  return Response.json(await db.audit.findMany({ where: { since } }));
});
""",
        },
    )
    messages = [
        d.message
        for d in api.validate(
            scan(root), api.ValidateOptions(select=["ZOD001"], use_cache=False, jobs=1)
        ).diagnostics
    ]
    assert len(messages) == 1
    assert messages[0].startswith("GET (route): the query string (searchParams) is used here")
