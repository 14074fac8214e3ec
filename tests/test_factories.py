"""Route handlers a factory makes (analysis.factories): the factory's definition is read — in a
workspace package or a local module — to the function it returns, and that function's use of
the request is judged."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator_tool import api
from orchestrator_tool.workspace import scan

from .test_semantic_crossfile import _codes, _monorepo

# A workspace package, built to dist/ but read from src/, whose factory returns GET and POST.
WEBHOOKS_PACKAGE = {
    "apps/web/package.json": json.dumps(
        {"name": "web", "dependencies": {"@repo/webhooks": "workspace:*"}}
    ),
    "packages/webhooks/package.json": json.dumps(
        {
            "name": "@repo/webhooks",
            "exports": {
                ".": {"types": "./dist/index.d.ts", "import": "./dist/index.js"},
                "./next": {"types": "./dist/next.d.ts", "import": "./dist/next.js"},
            },
        }
    ),
    "packages/webhooks/src/index.ts": 'export * from "./registry";\n',
    "packages/webhooks/src/registry.ts": """export type Listener = (event: { type: string; data: unknown }) => Promise<void>;
export const listeners = new Map<string, Listener>();
""",
    "packages/webhooks/src/next.ts": """import { listeners } from "./registry";

export function createRouteHandler(opts: { secret: string }) {
  const handler = async (req: Request) => {
    const event = await req.json();
    await listeners.get(event.type)?.(event);
    return new Response(null, { status: 202 });
  };
  return { GET: async () => Response.json({ ok: true }), POST: handler };
}
""",
}


def test_a_handler_returned_by_a_workspace_package_factory_is_judged(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            **WEBHOOKS_PACKAGE,
            "apps/web/app/api/hooks/route.ts": """import { createRouteHandler } from "@repo/webhooks/next";

export const { GET, POST } = createRouteHandler({ secret: process.env.HOOK_SECRET ?? "" });
""",
        },
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["ZOD001"], use_cache=False, jobs=1)
    )
    [finding] = report.diagnostics
    assert (finding.path, finding.line, finding.column) == (
        "apps/web/app/api/hooks/route.ts",
        3,
        30,
    )
    assert finding.message == (
        "POST (route): await req.json() is used before a zod schema validated it, in the "
        "handler createRouteHandler() returns (packages/webhooks/src/next.ts:6)"
    )


def test_a_factory_whose_handler_parses_with_zod(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/api/handler.ts": """import { z } from "zod";
import { db } from "@repo/db";

export function makeCreateHandler<T extends z.ZodTypeAny>(schema: T, table: "note" | "tag") {
  return async function create(req: Request) {
    const data = schema.parse(await req.json());
    return Response.json(await db[table].create({ data }), { status: 201 });
  };
}
""",
            "apps/web/app/api/notes/route.ts": """import { z } from "zod";
import { makeCreateHandler } from "@/lib/api/handler";

const note = z.object({ title: z.string().min(1), body: z.string() });
export const POST = makeCreateHandler(note, "note");
""",
        },
    )
    assert _codes(root, "ZOD001") == []


def test_one_made_handler_exported_under_two_methods_and_a_local_factory(
    tmp_path: Path,
) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/app/api/proxy/[...path]/route.ts": """import { db } from "@repo/db";

function forwardTo(upstream: string) {
  return async (req: Request) => {
    const target = new URL(req.url).searchParams.get("target");
    await db.proxyLog.create({ data: { upstream, target } });
    return fetch(`${upstream}/${target}`, { method: req.method });
  };
}

const handler = forwardTo(process.env.UPSTREAM_URL ?? "http://localhost:4000");
export { handler as GET, handler as POST };
""",
        },
    )
    report = api.validate(
        scan(root), api.ValidateOptions(select=["ZOD001"], use_cache=False, jobs=1)
    )
    assert [(d.line, d.message) for d in report.diagnostics] == [
        (
            6,
            "GET, POST (route): the query string (searchParams) is used here before a zod "
            "schema validated it",
        )
    ]


def test_a_factory_from_an_external_package_is_out_of_reach(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/app/api/upload/route.ts": """import { createRouteHandler } from "file-upload-kit/next";
import { router } from "./core";

export const { GET, POST } = createRouteHandler({ router });
""",
        },
    )
    assert _codes(root, "ZOD001") == []


def test_a_call_handed_a_handler_defined_elsewhere_is_a_wrapper_not_a_factory(
    tmp_path: Path,
) -> None:
    root = _monorepo(
        tmp_path,
        {
            "apps/web/lib/middleware.ts": """export function withErrors(scope: string, handler: (req: Request) => Promise<Response>) {
  return async (req: Request) => {
    const started = new URL(req.url).searchParams.get("debug") ? Date.now() : 0;
    try {
      return await handler(req);
    } finally {
      if (started) console.info(scope, Date.now() - started);
    }
  };
}
""",
            "apps/web/lib/queue.ts": """export function withQueueSignature(handler: (req: Request) => Promise<Response>) {
  return handler;
}
""",
            "apps/web/app/api/jobs/run/handler.ts": """export async function runJob(req: Request) {
  return Response.json({ ok: req.headers.has("x-job") });
}
""",
            "apps/web/app/api/jobs/run/route.ts": """import { withErrors } from "@/lib/middleware";
import { withQueueSignature } from "@/lib/queue";
import { runJob } from "./handler";

export const POST = withErrors("jobs/run", withQueueSignature(runJob));
""",
        },
    )
    # What the wrapper does is judged with the handlers it wraps in files of their own, not
    # here: the route's handler is `runJob`, defined in another file.
    assert _codes(root, "ZOD001") == []
