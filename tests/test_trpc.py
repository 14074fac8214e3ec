"""A server action that hands form fields to a tRPC procedure through a server-side caller: the
procedure's `.input(...)` is looked up in the workspace's router (analysis.trpc)."""

from __future__ import annotations

import json
from pathlib import Path

from .test_semantic_crossfile import _codes, _monorepo

API_PACKAGE = {
    "apps/web/package.json": json.dumps(
        {"name": "web", "dependencies": {"@repo/api": "workspace:*", "@repo/db": "workspace:*"}}
    ),
    "packages/api/package.json": json.dumps(
        {"name": "@repo/api", "exports": {".": "./src/index.ts"}}
    ),
    "packages/api/src/trpc.ts": """import { initTRPC, TRPCError } from "@trpc/server";
import type { Context } from "./context";

const t = initTRPC.context<Context>().create();

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { session: ctx.session } });
});
""",
    "packages/api/src/routers/post.ts": """import { z } from "zod";
import { db } from "@repo/db";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

export const postRouter = createTRPCRouter({
  latest: publicProcedure.query(() => db.post.findFirst({ orderBy: { id: "desc" } })),
  create: protectedProcedure
    .input(z.object({ title: z.string().min(1).max(140) }))
    .mutation(({ ctx, input }) =>
      db.post.create({ data: { title: input.title, authorId: ctx.session.userId } }),
    ),
  rename: protectedProcedure
    .input((raw) => raw as { id: string; title: string })
    .mutation(({ input }) => db.post.update({ where: { id: input.id }, data: input })),
  touch: protectedProcedure.mutation(({ ctx }) =>
    db.user.update({ where: { id: ctx.session.userId }, data: { seenAt: new Date() } }),
  ),
});
""",
    "packages/api/src/root.ts": """import { postRouter } from "./routers/post";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({ post: postRouter });
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
""",
    "packages/api/src/index.ts": 'export { appRouter, createCaller, type AppRouter } from "./root";\n',
    # The t3 app's React Server Components caller.
    "apps/web/trpc/server.ts": """import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { createHydrationHelpers } from "@trpc/react-query/rsc";
import { createCaller, type AppRouter } from "@repo/api";
import { createQueryClient } from "./query-client";

const createContext = cache(async () => ({ headers: new Headers(await headers()) }));
const getQueryClient = cache(createQueryClient);
const caller = createCaller(createContext);

export const { trpc: api, HydrateClient } = createHydrationHelpers<AppRouter>(
  caller,
  getQueryClient,
);
""",
}


def _page(body: str) -> str:
    return (
        'import { api } from "@/trpc/server";\n'
        'import { revalidatePath } from "next/cache";\n\n'
        "export default async function PostsPage() {\n"
        f"{body}"
        '  return <form action={submit}><input name="title" /></form>;\n'
        "}\n"
    )


def test_form_fields_handed_to_a_procedure_with_a_zod_input_are_validated(
    tmp_path: Path,
) -> None:
    page = _page(
        "  async function submit(formData: FormData) {\n"
        '    "use server";\n'
        '    await api.post.create({ title: formData.get("title") as string });\n'
        '    revalidatePath("/posts");\n'
        "  }\n"
    )
    root = _monorepo(tmp_path, {**API_PACKAGE, "apps/web/app/posts/page.tsx": page})
    assert _codes(root, "ZOD001") == []


def test_a_procedure_whose_input_is_a_hand_written_parser_does_not_validate(
    tmp_path: Path,
) -> None:
    page = _page(
        "  async function submit(formData: FormData) {\n"
        '    "use server";\n'
        '    const id = formData.get("id") as string;\n'
        '    await api.post.rename({ id, title: String(formData.get("title")) });\n'
        "  }\n"
    )
    root = _monorepo(tmp_path, {**API_PACKAGE, "apps/web/app/posts/page.tsx": page})
    assert _codes(root, "ZOD001") == [("apps/web/app/posts/page.tsx", 8)]


def test_a_procedure_without_input_does_not_validate_what_it_is_handed(tmp_path: Path) -> None:
    page = _page(
        "  async function submit(formData: FormData) {\n"
        '    "use server";\n'
        "    await api.post.touch(Object.fromEntries(formData));\n"
        "  }\n"
    )
    root = _monorepo(tmp_path, {**API_PACKAGE, "apps/web/app/posts/page.tsx": page})
    assert _codes(root, "ZOD001") == [("apps/web/app/posts/page.tsx", 7)]


def test_a_caller_made_in_the_action_and_a_procedure_in_a_plain_router_record(
    tmp_path: Path,
) -> None:
    files = {
        **API_PACKAGE,
        # create-t3-turbo writes routers as plain objects checked against TRPCRouterRecord.
        "packages/api/src/routers/post.ts": """import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { db } from "@repo/db";
import { protectedProcedure } from "../trpc";

export const postRouter = {
  create: protectedProcedure
    .input(z.object({ title: z.string().min(1) }))
    .mutation(({ input }) => db.post.create({ data: input })),
  archive: protectedProcedure.mutation(() => db.post.updateMany({ data: { archived: true } })),
} satisfies TRPCRouterRecord;
""",
        "apps/web/app/posts/actions.ts": """"use server";
import { createCaller } from "@repo/api";
import { auth } from "@/auth";

export async function createPost(formData: FormData) {
  const caller = createCaller({ session: await auth() });
  return caller.post.create({ title: formData.get("title") });
}

export async function archivePosts(formData: FormData) {
  const caller = createCaller({ session: await auth() });
  return caller.post.archive({ before: formData.get("before") });
}
""",
    }
    root = _monorepo(tmp_path, files)
    assert _codes(root, "ZOD001") == [("apps/web/app/posts/actions.ts", 12)]


def test_a_client_over_http_whose_router_is_out_of_reach_counts_as_validating(
    tmp_path: Path,
) -> None:
    files = {
        "apps/web/lib/trpc.ts": """import { createTRPCProxyClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "@acme/api";

export const trpc = createTRPCProxyClient<AppRouter>({
  links: [httpBatchLink({ url: `${process.env.API_URL}/trpc` })],
});
""",
        "apps/web/app/feedback/actions.ts": """"use server";
import { trpc } from "@/lib/trpc";
import { db } from "@repo/db";

export async function sendFeedback(formData: FormData) {
  await trpc.feedback.create.mutate({ message: formData.get("message") });
}

export async function saveDraft(formData: FormData) {
  await db.draft.create({ data: { message: formData.get("message") } });
}
""",
    }
    root = _monorepo(tmp_path, files)
    # `db` is no tRPC caller: its module is read for the factory's name, and not parsed.
    assert _codes(root, "ZOD001") == [("apps/web/app/feedback/actions.ts", 10)]


def test_a_webhook_forwarded_to_a_procedure_whose_base_procedure_has_the_input(
    tmp_path: Path,
) -> None:
    files = {
        **API_PACKAGE,
        "packages/api/src/routers/billing.ts": """import { z } from "zod";
import { db } from "@repo/db";
import { createTRPCRouter, publicProcedure } from "../trpc";

const billingEventProcedure = publicProcedure.input(
  z.object({ event: z.object({ id: z.string(), type: z.string(), data: z.unknown() }) }),
);

export const billingRouter = createTRPCRouter({
  checkoutCompleted: billingEventProcedure.mutation(({ input }) =>
    db.payment.create({ data: { eventId: input.event.id } }),
  ),
  refunded: publicProcedure.mutation(({ getRawInput }) => getRawInput().then(db.refund.create)),
});
""",
        "packages/api/src/lambda.ts": """import { billingRouter } from "./routers/billing";
import { createTRPCRouter } from "./trpc";

export const lambdaRouter = createTRPCRouter({ billing: billingRouter });
""",
        "apps/web/app/api/webhooks/billing/route.ts": """import { lambdaRouter } from "@repo/api/src/lambda";
import { verifyBillingSignature } from "@/lib/billing";

export async function POST(req: Request) {
  const raw = await req.text();
  if (!(await verifyBillingSignature(raw, req.headers.get("x-billing-signature")))) {
    return new Response(null, { status: 401 });
  }
  const caller = lambdaRouter.createCaller({ session: null });
  await caller.billing.checkoutCompleted({ event: JSON.parse(raw) });
  return new Response(null, { status: 204 });
}
""",
    }
    files["apps/web/app/api/webhooks/refunds/route.ts"] = files[
        "apps/web/app/api/webhooks/billing/route.ts"
    ].replace("checkoutCompleted", "refunded")
    files["packages/api/package.json"] = json.dumps(
        {"name": "@repo/api", "exports": {".": "./src/index.ts", "./src/*": "./src/*.ts"}}
    )
    root = _monorepo(tmp_path, files)
    # The base procedure's `.input` parses the event; `refunded` has no input parser at all.
    assert _codes(root, "ZOD001") == [("apps/web/app/api/webhooks/refunds/route.ts", 10)]
